#!/usr/bin/env python3
"""Cold and warm times of vector tiles, for bench/country.sh.

Usage: tile_times.py BASE_URL < tiles.txt, where each line is "Z X/Y X/Y ...". Prints one line
per zoom: "Z COLD_MS WARM_MS", the slowest tile of the zoom each time. Cold is a tile's first
fetch; warm is the median of five fetches after it (one fetch is at the mercy of the scheduler
on a busy machine; the median is the tile's own time). One keep-alive connection, as a map in a
browser uses (and gzip, as it accepts), so connection set-up is not counted; the Python
client's own time is.
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
        cold_max = warm_max = 0.0
        for xy in tiles:
            path = f"/tiles/{z}/{xy}.mvt"
            cold_max = max(cold_max, fetch(path))
            warm_max = max(warm_max, statistics.median(fetch(path) for _ in range(WARM_FETCHES)))
        print(f"{z} {cold_max:.1f} {warm_max:.2f}", flush=True)


if __name__ == "__main__":
    main()
