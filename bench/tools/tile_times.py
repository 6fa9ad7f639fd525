#!/usr/bin/env python3
"""Cold and warm times of vector tiles, for bench/country.sh.

Usage: tile_times.py BASE_URL < tiles.txt, where each line is "Z X/Y X/Y ...". Prints one line
per zoom: "Z COLD_MS WARM_MS", the slowest tile of the zoom each time. Cold is a tile's first
fetch; warm is the median of five fetches after the zoom's cold ones, in five rounds over its
tiles (one fetch is at the mercy of the scheduler on a busy machine, and so are five in a row,
which a stall of a few milliseconds covers; spread over the rounds, the median is the tile's
own time). One keep-alive connection, as a map in a browser uses (and gzip, as it accepts), so
connection set-up is not counted; the Python client's own time is.
"""
import http.client
import statistics
import sys
import time
import urllib.parse

WARM_FETCHES = 5


def main():
    base = urllib.parse.urlsplit(sys.argv[1])
    conn = http.client.HTTPConnection(base.hostname, base.port or 80, timeout=30)

    def fetch(path):
        start = time.perf_counter()
        conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
        response = conn.getresponse()
        response.read()
        elapsed = (time.perf_counter() - start) * 1000
        if response.status != 200:
            sys.exit(f"tile_times.py: {path}: HTTP {response.status}")
        return elapsed

    for line in sys.stdin:
        fields = line.split()
        if not fields:
            continue
        z, tiles = fields[0], fields[1:]
        paths = [f"/tiles/{z}/{xy}.mvt" for xy in tiles]
        cold_max = max(fetch(path) for path in paths)
        warm = {path: [] for path in paths}
        for _ in range(WARM_FETCHES):
            for path in paths:
                warm[path].append(fetch(path))
        warm_max = max(statistics.median(times) for times in warm.values())
        print(f"{z} {cold_max:.1f} {warm_max:.2f}", flush=True)


if __name__ == "__main__":
    main()
