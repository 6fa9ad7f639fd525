-- wrk script: GET one route per request, cycling through the paths in the file named by the
-- environment variable ROUTE_PATHS (one "/api/v1/route?..." per line). Used by bench/country.sh.
local paths = {}
local index = 0

function init(args)
    for line in io.lines(os.getenv("ROUTE_PATHS")) do
        paths[#paths + 1] = line
    end
    if #paths == 0 then error("no paths in " .. os.getenv("ROUTE_PATHS")) end
end

function request()
    index = index % #paths + 1
    return wrk.format("GET", paths[index])
end

function response(status, headers, body)
    if status ~= 200 then error("route answered " .. status) end
end
