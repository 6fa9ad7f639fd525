#!/usr/bin/env python3
"""Cold and warm times of vector tiles, for bench/country.sh.

Usage: tile_times.py BASE_URL < tiles.txt, where each line is "Z X/Y X/Y ...". Prints one line
per zoom: "Z COLD_MS WARM_MS", the slowest tile of the zoom each time. Cold is a tile's first
fetch, zoom after zoom. Warm is a tile's median of five fetches made after all the cold ones, in
five rounds over every zoom's tiles, the rounds at least ROUND_GAP_S apart. One fetch is at the
mercy of the scheduler on a busy machine; so are five fetches of one zoom in a row, which take
about 30 ms and which one stall of the host covers (the bench saw one zoom of 15 at 1.7-3 ms, the
others at 0.2-0.4 ms, and could not repeat it on an idle server). Spread over the rounds, the
median is the tile's own time unless the machine stalls in three rounds of five. Each round
starts with one fetch that is not counted (see below). One keep-alive connection, as a map in a
browser uses (and gzip, as it accepts), so connection set-up is not counted; the Python client's
own time is.
"""
import http.client
import statistics
import sys
import time
import urllib.parse

WARM_FETCHES = 5
ROUND_GAP_S = 0.25


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

    zooms = []
    for line in sys.stdin:
        fields = line.split()
        if fields:
            zooms.append((fields[0], [f"/tiles/{fields[0]}/{xy}.mvt" for xy in fields[1:]]))
    cold_max = {z: max(fetch(path) for path in paths) for z, paths in zooms}
    warm = {path: [] for _, paths in zooms for path in paths}
    for round_index in range(WARM_FETCHES):
        if round_index:
            time.sleep(ROUND_GAP_S)
            # Not counted: the first fetch after a pause wakes the idle server's threads (z0,
            # first in each round, read 1.00 ms warm against 0.3-0.4 ms without the pauses);
            # a map being used sends its tiles without pauses.
            fetch(zooms[0][1][0])
        for _, paths in zooms:
            for path in paths:
                warm[path].append(fetch(path))
    for z, paths in zooms:
        warm_max = max(statistics.median(warm[path]) for path in paths)
        print(f"{z} {cold_max[z]:.1f} {warm_max:.2f}", flush=True)


if __name__ == "__main__":
    main()
