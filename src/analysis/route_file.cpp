#include "analysis/route_file.hpp"

#include <utility>

#include <fmt/core.h>

#include "formats/geojson_reader.hpp"
#include "formats/gpx_reader.hpp"

namespace sightline::analysis {

std::size_t Route::point_count() const noexcept {
    std::size_t n = 0;
    for (const auto& line : polylines)
        n += line.size();
    return n;
}

namespace {

Status check_size(std::string_view text, const RouteLimits& limits) {
    if (text.size() > limits.max_bytes)
        return fail(Errc::too_large,
                    fmt::format("the route file is larger than {} bytes", limits.max_bytes));
    return {};
}

Error too_many_lines(const RouteLimits& limits) {
    return Error{Errc::too_large,
                 fmt::format("the route has more than {} lines", limits.max_polylines)};
}

}  // namespace

Result<Route> parse_gpx(std::string_view text, const RouteLimits& limits) {
    if (auto ok = check_size(text, limits); !ok) return std::unexpected(ok.error());
    formats::GpxLimits gpx_limits;
    gpx_limits.max_bytes = limits.max_bytes;
    gpx_limits.max_points = limits.max_points;
    gpx_limits.max_lines = limits.max_polylines;
    auto gpx = formats::read_gpx(text, gpx_limits);
    if (!gpx) return std::unexpected(std::move(gpx.error()));
    if (gpx->lines.empty())
        return fail(Errc::invalid_argument,
                    "the GPX file has no track segment or route with 2 or more points");
    return Route{std::move(gpx->lines)};
}

Result<Route> parse_route_geojson(std::string_view text, const RouteLimits& limits) {
    if (auto ok = check_size(text, limits); !ok) return std::unexpected(ok.error());
    formats::GeoJsonLimits json_limits;
    json_limits.max_bytes = limits.max_bytes;
    json_limits.max_depth = limits.max_json_depth;
    json_limits.max_positions = limits.max_points;
    auto features = formats::read_geojson(text, json_limits);
    if (!features) return std::unexpected(std::move(features.error()));
    Route route;
    for (auto& feature : *features) {
        for (auto& geometry : feature.geometries) {
            using formats::GeometryType;
            if (geometry.type == GeometryType::point || geometry.type == GeometryType::multi_point)
                continue;  // waypoints, photo spots
            if (geometry.type != GeometryType::line_string &&
                geometry.type != GeometryType::multi_line_string)
                return fail(Errc::invalid_argument,
                            fmt::format("{}: {} is not a line (send a LineString or "
                                        "MultiLineString)",
                                        feature.label, formats::geometry_type_name(geometry.type)));
            for (auto& line : geometry.lines) {
                if (route.polylines.size() >= limits.max_polylines)
                    return std::unexpected(too_many_lines(limits));
                route.polylines.push_back(std::move(line));
            }
        }
    }
    if (route.polylines.empty())
        return fail(Errc::invalid_argument, "the GeoJSON has no LineString or MultiLineString");
    return route;
}

Result<RouteFormat> sniff_route_format(std::string_view text) {
    // A UTF-8 byte order mark is allowed before either format.
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    auto first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos) {
        if (text[first] == '<') return RouteFormat::gpx;
        if (text[first] == '{') return RouteFormat::geojson;
    }
    return fail(Errc::invalid_argument, "the route is neither GPX nor GeoJSON");
}

Result<Route> parse_route(std::string_view text, const RouteLimits& limits) {
    auto format = sniff_route_format(text);
    if (!format) return std::unexpected(format.error());
    if (*format == RouteFormat::gpx) return parse_gpx(text, limits);
    return parse_route_geojson(text, limits);
}

}  // namespace sightline::analysis
