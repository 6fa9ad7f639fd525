-- wrk script: GET /api/v1/cameras?bbox=W,S,E,N&limit=L with a random box of fixed size per
-- request, drawn inside the data box exactly as bench/postgis_bbox.sql draws it for pgbench:
-- the south-west corner is a uniform integer in micro-degrees.
--
--   wrk -t2 -c16 -d20s --latency -s bench/bbox.lua http://127.0.0.1:PORT -- \
--       WEST_MIN WEST_MAX SOUTH_MIN SOUTH_MAX WIDTH HEIGHT LIMIT SEED
--
-- WEST_*/SOUTH_* bound the corner, WIDTH/HEIGHT are the box size (all integer micro-degrees).
-- done() prints one machine-readable line starting with "RESULT" (latencies in microseconds).

local threads = {}

function setup(thread)
    table.insert(threads, thread)
    thread:set("thread_no", #threads)
end

function init(args)
    west_min, west_max = tonumber(args[1]), tonumber(args[2])
    south_min, south_max = tonumber(args[3]), tonumber(args[4])
    width, height = tonumber(args[5]), tonumber(args[6])
    limit = tonumber(args[7] or "2000")
    if not (west_min and west_max and south_min and south_max and width and height) then
        error("bbox.lua: arguments WEST_MIN WEST_MAX SOUTH_MIN SOUTH_MAX WIDTH HEIGHT [LIMIT] [SEED]")
    end
    math.randomseed(tonumber(args[8] or "42") * 1000 + thread_no)
end

function request()
    local w = math.random(west_min, west_max)
    local s = math.random(south_min, south_max)
    local path = string.format("/api/v1/cameras?bbox=%.6f,%.6f,%.6f,%.6f&limit=%d",
                               w / 1e6, s / 1e6, (w + width) / 1e6, (s + height) / 1e6, limit)
    return wrk.format("GET", path)
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        "RESULT requests=%d duration_us=%d rps=%.2f bytes=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
        "mean_us=%.0f non2xx=%d socket_errors=%d\n",
        summary.requests, summary.duration, summary.requests / (summary.duration / 1e6), summary.bytes,
        latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
        latency.mean, e.status, e.connect + e.read + e.write + e.timeout))
end
