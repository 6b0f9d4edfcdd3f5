#!/usr/bin/env python3
"""serve_latency.py — round-trip latency of `depeche-search --serve`, per
query, as a client sees it (not run by ctest: a measurement tool).

  serve_latency.py [--repeat R] QUERIES -- depeche-search --index DIR --serve

Starts the server once; for every query of QUERIES (one a line, '#' lines
and blank lines skipped) writes {"query": Q, "limit": 10} and times until
its answer line is read. The first pass is not timed; R more are (default
5). Prints: n=N p50_ms=X p95_ms=Y mean_ms=Z failed=F (failed: answers
with "error"). The answers are read through a buffered reader: reading a
pipe unbuffered makes readline() cost one system call per byte, which
would be measured as server latency."""
import json
import math
import subprocess
import sys
import time


def main():
    a = sys.argv[1:]
    repeat = 5
    if a[:1] == ["--repeat"]:
        repeat, a = int(a[1]), a[2:]
    if len(a) < 3 or a[1] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    with open(a[0], encoding="utf-8") as f:
        qs = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    p = subprocess.Popen(a[2:], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    times, failed = [], 0
    for rep in range(repeat + 1):
        for q in qs:
            req = (json.dumps({"query": q, "limit": 10}, ensure_ascii=False) + "\n").encode()
            t0 = time.perf_counter()
            p.stdin.write(req)
            p.stdin.flush()
            line = p.stdout.readline()
            dt = (time.perf_counter() - t0) * 1e3
            if not line:
                print("serve_latency: the server ended early", file=sys.stderr)
                return 1
            if "error" in json.loads(line):
                failed += 1
            if rep > 0:
                times.append(dt)
    p.stdin.close()
    p.wait()
    times.sort()
    n = len(times)

    def pct(q):
        return times[max(1, math.ceil(q * n)) - 1]

    print(f"n={n} p50_ms={pct(0.5):.3f} p95_ms={pct(0.95):.3f} "
          f"mean_ms={sum(times) / n:.3f} failed={failed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
