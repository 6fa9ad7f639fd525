// Vector tiles: GET /tiles/{z}/{x}/{y}.mvt and the TileJSON document that describes them.

#include <charconv>

#include "http/accept_encoding.hpp"
#include "http/conditional.hpp"
#include "http/endpoints/endpoints.hpp"
#include "http/response.hpp"
#include "tiles/tile_service.hpp"
#include "tiles/tilejson.hpp"

namespace sightline::http {
namespace {

constexpr std::string_view mvt_content_type = "application/vnd.mapbox-vector-tile";
// Revalidated on every use (the ETag is the content's hash, so an unchanged tile costs a 304):
// with max-age=60 a camera a moderator had just accepted stayed off the map for a minute.
constexpr std::string_view tile_cache_control = "public, no-cache";

std::optional<std::int64_t> parse_coordinate(std::string_view text) {
    std::int64_t v = 0;
    if (text.empty() || text.size() > 10) return std::nullopt;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || ptr != text.data() + text.size() || v < 0) return std::nullopt;
    return v;
}

Response get_tile(const Request& req, ApiContext& ctx) {
    if (!ctx.tiles) return error_response(503, "unavailable", "tiles are not enabled");
    auto file = req.path_param("file").value_or("");
    if (!file.ends_with(".mvt"))
        return error_response(404, "not_found", "tiles are served as {z}/{x}/{y}.mvt");
    auto z = parse_coordinate(req.path_param("z").value_or(""));
    auto x = parse_coordinate(req.path_param("x").value_or(""));
    auto y = parse_coordinate(file.substr(0, file.size() - 4));
    if (!z || !x || !y)
        return error_response(
            400, "invalid_argument",
            "tile coordinates must be non-negative integers: /tiles/{z}/{x}/{y}.mvt");
    auto id = geo::TileId::make(*z, *x, *y);
    if (!id) return error_response(404, "not_found", id.error().message);
    auto tile = ctx.tiles->render(*id);
    if (!tile) return error_response(tile.error());

    Response res;
    res.content_type = std::string(mvt_content_type);
    res.with_header("ETag", tile->etag);
    res.with_header("Cache-Control", std::string(tile_cache_control));
    res.with_header("Vary", "Accept-Encoding");
    if (auto inm = req.header("if-none-match"); inm && etag_matches(*inm, tile->etag)) {
        res.status = 304;
        return res;
    }
    if (!tile->gzip.empty() && accepts_coding(req.header("accept-encoding"), "gzip")) {
        res.with_header("Content-Encoding", "gzip");
        res.body = std::move(tile->gzip);
    } else {
        res.body = std::move(tile->data);
    }
    return res;
}

}  // namespace

void register_tile_routes(Router& router, ApiContext& ctx) {
    // The router matches {name} as a whole segment, so "{y}.mvt" arrives as {file}.
    router.add("GET", "/tiles/{z}/{x}/{file}",
               [&ctx](const Request& req) { return get_tile(req, ctx); });
    router.add("GET", "/tiles/tilejson.json", [&ctx](const Request& req) {
        if (!ctx.tiles) return error_response(503, "unavailable", "tiles are not enabled");
        // Absolute URL from the Host the client used (TileJSON clients do not resolve relative
        // ones reliably); tilejson() escapes whatever the header holds.
        tiles::TileJsonParams params;
        params.tile_url = "http://" + std::string(req.header("host").value_or("localhost")) +
                          "/tiles/{z}/{x}/{y}.mvt";
        return json_response(200, tiles::tilejson(*ctx.tiles, params));
    });
}

}  // namespace sightline::http
