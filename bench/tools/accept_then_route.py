#!/usr/bin/env python3
"""Seconds from a moderator's accept until a route shows the new camera (issue 17).

    accept_then_route.py BASE_URL USER PASSWORD LAT LON ROUTE_PATH

Logs in as USER (a moderator), reports a 360-degree dome camera of 30 m range at LAT, LON
(POST /api/v1/reports), accepts it (POST /api/v1/reports/{id}/decision), then asks ROUTE_PATH
every 5 ms until one of its routes lists the new camera among those that see it. Prints the
seconds from the accept's answer to that route's answer, or exits 1 after 10 s. Standard
library only.
"""
import http.cookiejar
import json
import sys
import time
import urllib.request


def main():
    base, user, password, lat, lon, route_path = sys.argv[1:7]
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def call(method, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json",
                                                  **(headers or {})})
        with opener.open(request, timeout=30) as response:
            return json.loads(response.read() or b"null")

    session = call("POST", "/api/v1/session", {"username": user, "password": password})
    csrf = {"X-CSRF-Token": session["csrf_token"]}
    report = call("POST", "/api/v1/reports", {
        "location": {"lat": float(lat), "lon": float(lon)},
        "accuracy_m": 5,
        "tags": {"surveillance:type": "camera", "camera:type": "dome",
                 "sightline:range_m": "30", "sightline:hfov_deg": "360"},
    })
    camera = call("POST", "/api/v1/reports/%d/decision" % report["id"], {"action": "accept"},
                  csrf)
    camera_id = camera.get("id") or camera.get("camera", {}).get("id")
    accepted = time.monotonic()
    while time.monotonic() - accepted < 10:
        answer = call("GET", route_path)
        for route in answer.get("routes", []):
            if any(c.get("id") == camera_id for c in route.get("cameras", [])):
                print("%.3f" % (time.monotonic() - accepted))
                return 0
        time.sleep(0.005)
    print("camera %s not in a route after 10 s" % camera_id, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
