#!/usr/bin/env python3
"""serve_lat.py — per-query latency of `depeche-search --serve`.

  serve_lat.py [--repeat R] QUERIES -- depeche-search --index DIR --serve [...]

Starts the server once, then for each query writes one line (a JSON request
{"query": Q, "limit": 10}) and times until its one-line answer is back. The
first pass over the queries is not timed. Prints:
  n=N p50_ms=X p95_ms=Y mean_ms=Z failed=F
where a failed answer is one that is not JSON or carries "error"."""
import json
import math
import subprocess
import sys
import time


def main():
    a = sys.argv[1:]
    repeat = 5
    if a[:1] == ["--repeat"]:
        repeat = int(a[1])
        a = a[2:]
    if len(a) < 3 or a[1] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    with open(a[0], encoding="utf-8") as f:
        qs = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    p = subprocess.Popen(a[2:], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)  # buffered: readline() in one read
    times = []
    failed = 0
    try:
        for rep in range(repeat + 1):
            for q in qs:
                req = (json.dumps({"query": q, "limit": 10}, ensure_ascii=False) + "\n").encode()
                t0 = time.perf_counter()
                p.stdin.write(req)
                p.stdin.flush()
                line = p.stdout.readline()
                dt = (time.perf_counter() - t0) * 1e3
                if not line:
                    print("serve_lat: the server ended early", file=sys.stderr)
                    return 1
                try:
                    if "error" in json.loads(line):
                        failed += 1
                except ValueError:
                    failed += 1
                if rep > 0:
                    times.append(dt)
    finally:
        p.stdin.close()
        p.wait()
    times.sort()
    n = len(times)
    pick = lambda x: times[max(1, math.ceil(x * n)) - 1]  # nearest rank
    print("n=%d p50_ms=%.3f p95_ms=%.3f mean_ms=%.3f failed=%d" % (
        n, pick(0.50), pick(0.95), sum(times) / n, failed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
