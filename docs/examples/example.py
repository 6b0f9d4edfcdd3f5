#!/usr/bin/env python3
"""example.py — search a Dépêche index from Python through ctypes.

Run:  python3 example.py ./depeche.db 'APT31 Exchange'
The library is found by its SONAME (libdepeche.so.0, installed), or at the
path given in $DEPECHE_LIB.
"""
import ctypes
import json
import os
import sys

lib = ctypes.CDLL(os.environ.get("DEPECHE_LIB") or "libdepeche.so.0")

# dp_index *dp_open(const char *path, char **errmsg);
lib.dp_open.restype = ctypes.c_void_p
lib.dp_open.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
# char *dp_search_json(dp_index *ix, const char *query, int offset,
#                      int limit, char **errmsg);
# (restype c_void_p, not c_char_p: we must hand the pointer back to dp_free)
lib.dp_search_json.restype = ctypes.c_void_p
lib.dp_search_json.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                               ctypes.c_int, ctypes.c_int,
                               ctypes.POINTER(ctypes.c_void_p)]
# void dp_free(void *p);  void dp_close(dp_index *ix);
lib.dp_free.restype = None
lib.dp_free.argtypes = [ctypes.c_void_p]
lib.dp_close.restype = None
lib.dp_close.argtypes = [ctypes.c_void_p]


def take_string(p):
    """Copies a malloc'd C string into a Python str and frees it."""
    try:
        return ctypes.string_at(p).decode("utf-8")
    finally:
        lib.dp_free(p)


class Index:
    def __init__(self, path):
        err = ctypes.c_void_p()
        self.handle = lib.dp_open(path.encode(), ctypes.byref(err))
        if not self.handle:
            raise OSError(take_string(err.value))

    def search(self, query, offset=0, limit=10):
        err = ctypes.c_void_p()
        p = lib.dp_search_json(self.handle, query.encode(), offset, limit,
                               ctypes.byref(err))
        if not p:
            raise ValueError(take_string(err.value))
        return json.loads(take_string(p))

    def close(self):
        lib.dp_close(self.handle)
        self.handle = None


def main():
    if len(sys.argv) != 3:
        print("usage: example.py INDEX QUERY", file=sys.stderr)
        return 2
    ix = Index(sys.argv[1])
    try:
        answer = ix.search(sys.argv[2], limit=3)
    finally:
        ix.close()
    print(f"{answer['total']} articles match")
    for r in answer["results"]:
        # highlights are [start, end) byte offsets into the snippet
        snippet = r["snippet"].encode()
        words = sorted({snippet[s:e].decode() for s, e in r["highlights"]})
        print(f"{r['rank']}. {r['date']} | {r['source']} | {r['title']}")
        print(f"   highlighted: {', '.join(words)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
