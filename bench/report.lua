-- wrk script: anonymous POST /api/v1/reports at random points of the data box until COUNT
-- responses have arrived; then it ends the run early. Use one thread (-t1; any number of
-- connections) and a -d longer than the run needs:
--
--   wrk -t1 -c8 -d600s --latency -s bench/report.lua http://127.0.0.1:PORT -- \
--       WEST SOUTH EAST NORTH COUNT SEED
--
-- WEST..NORTH is the data box in integer micro-degrees. Start the server with --report-rate 0
-- or the rate limiter answers 429. done() prints one machine-readable line starting with
-- "RESULT" (latencies in microseconds; ok/failed = 2xx/other responses).
--
-- Ending early: wrk's main thread sleeps for -d and only then joins the workers, so stopping
-- the worker is not enough. SIGINT interrupts that sleep (wrk handles it: stop, join, report),
-- and wrk then reports the real run time. Linux delivers a process-directed signal to the main
-- thread first, which is the one sleeping.

local ffi = require("ffi")
ffi.cdef [[
int getpid(void);
int kill(int pid, int sig);
]]
local sigint = 2

local threads = {}

function setup(thread)
    table.insert(threads, thread)
    thread:set("thread_no", #threads)
end

function init(args)
    west, south, east, north = tonumber(args[1]), tonumber(args[2]), tonumber(args[3]), tonumber(args[4])
    count = tonumber(args[5] or "2000")
    if not (west and south and east and north and count) then
        error("report.lua: arguments WEST SOUTH EAST NORTH [COUNT] [SEED]")
    end
    if thread_no > 1 then error("report.lua: run it with -t1") end
    math.randomseed(tonumber(args[6] or "42") * 1000 + thread_no)
    ok, failed = 0, 0
    headers = {["Content-Type"] = "application/json"}
end

local kinds = {"fixed", "dome", "panning"}

function request()
    local lat = math.random(south, north) / 1e6
    local lon = math.random(west, east) / 1e6
    local body = string.format(
        '{"location":{"lat":%.6f,"lon":%.6f},"accuracy_m":%d,"directions_deg":[%d],' ..
        '"tags":{"surveillance:type":"camera","camera:type":"%s"},"note":"benchmark report"}',
        lat, lon, math.random(3, 30), math.random(0, 359), kinds[math.random(1, #kinds)])
    return wrk.format("POST", "/api/v1/reports", headers, body)
end

function response(status, headers, body)
    if status >= 200 and status < 300 then ok = ok + 1 else failed = failed + 1 end
    if ok + failed == count then
        wrk.thread:stop()
        ffi.C.kill(ffi.C.getpid(), sigint)
    end
end

function done(summary, latency, requests)
    local ok_total, failed_total = 0, 0
    for _, t in ipairs(threads) do
        ok_total = ok_total + (t:get("ok") or 0)
        failed_total = failed_total + (t:get("failed") or 0)
    end
    local e = summary.errors
    io.write(string.format(
        "RESULT requests=%d duration_us=%d rps=%.2f ok=%d failed=%d p50_us=%d p90_us=%d p99_us=%d " ..
        "max_us=%d mean_us=%.0f non2xx=%d socket_errors=%d\n",
        summary.requests, summary.duration, summary.requests / (summary.duration / 1e6), ok_total,
        failed_total, latency:percentile(50), latency:percentile(90), latency:percentile(99),
        latency.max, latency.mean, e.status, e.connect + e.read + e.write + e.timeout))
end
