// GET /photos/{hash}, GET /photos/{hash}/thumbnail, POST /api/v1/photos/inspect.

#include "http/endpoints/photo_endpoints.hpp"

#include <fmt/core.h>

#include "core/clock.hpp"
#include "http/endpoints/endpoints.hpp"
#include "http/endpoints/json_body.hpp"
#include "http/multipart.hpp"
#include "http/response.hpp"

namespace sightline::http {
namespace {

using services::JsonWriter;

// Content-addressed: the bytes behind a hash never change.
constexpr std::string_view photo_cache_control = "public, max-age=31536000, immutable";

void write_lat_lon(JsonWriter& w, const std::optional<geo::LatLon>& p) {
    if (!p) {
        w.null();
        return;
    }
    w.begin_object();
    w.key("lat").value_fixed(p->lat, 7);
    w.key("lon").value_fixed(p->lon, 7);
    w.end_object();
}

void write_optional(JsonWriter& w, const std::optional<double>& v, int decimals) {
    if (v)
        w.value_fixed(*v, decimals);
    else
        w.null();
}

Response serve_photo(const Request& req, ApiContext& ctx, store::PhotoVariant variant) {
    auto hash = req.path_param("hash").value_or("");
    // Photos of reports not (yet) part of a camera are for moderators: a pending report's photo
    // may show what the moderator will crop or reject. Others get the same 404 as for a photo
    // that does not exist, so the answer does not confirm that a hash was uploaded.
    // The reporter sees it for an hour through the ?preview= capability of the submit answer.
    const bool is_public = ctx.services.store.photo_is_public(hash);
    if (!is_public) {
        const auto preview = req.query_param("preview");
        const bool allowed =
            (preview && ctx.services.photos.preview_allows(hash, *preview, unix_now())) ||
            ctx.services.auth.authorize(req.cookie(session_cookie), model::Role::moderator,
                                        std::nullopt);
        if (!allowed) return error_response(Error{Errc::not_found, "no such photo"});
    }
    auto file = ctx.services.photos.read(hash, variant);
    if (!file) return error_response(file.error());
    Response res;
    res.content_type = file->content_type;
    auto etag =
        fmt::format("\"{}{}\"", hash, variant == store::PhotoVariant::thumbnail ? "-t" : "");
    res.with_header("ETag", etag);
    res.with_header("Cache-Control", is_public ? std::string(photo_cache_control)
                                               : std::string("private, no-store"));
    if (auto inm = req.header("if-none-match"); inm && inm->find(etag) != std::string_view::npos) {
        res.status = 304;
        return res;
    }
    res.body = std::move(file->bytes);
    return res;
}

// The image is the whole body (any image/* or application/octet-stream type: the bytes are
// sniffed anyway), or the part named "photo" of a multipart/form-data body.
Result<std::string_view> inspected_bytes(const Request& req) {
    auto content_type = req.header("content-type").value_or("");
    auto boundary = multipart_boundary(content_type);
    if (!boundary) return std::unexpected(boundary.error());
    if (!*boundary) {
        if (req.body.empty()) return fail(Errc::invalid_argument, "send a photo as the body");
        return std::string_view(req.body);
    }
    auto parts = parse_multipart(req.body, **boundary);
    if (!parts) return std::unexpected(parts.error());
    for (const auto& part : *parts)
        if (part.name == "photo") return part.body;
    return fail(Errc::invalid_argument, "send the photo in a part named 'photo'");
}

Response inspect_photo(const Request& req, ApiContext& ctx) {
    auto distance = parse_int_param(req.query_param("distance"), "distance", 1, 200, 10);
    if (!distance) return error_response(distance.error());
    auto bytes = inspected_bytes(req);
    if (!bytes) return error_response(bytes.error());
    auto suggestion = ctx.services.photos.inspect(*bytes, *distance);
    if (!suggestion) return error_response(suggestion.error());
    std::string out;
    JsonWriter w(out);
    write_suggestion(w, *suggestion);
    return json_response(200, std::move(out)).with_header("Cache-Control", "no-store");
}

}  // namespace

void write_photo(JsonWriter& w, const model::PhotoRecord& photo) {
    w.begin_object();
    write_photo_fields(w, photo);
    w.end_object();
}

void write_photo_fields(JsonWriter& w, const model::PhotoRecord& photo) {
    w.key("sha256").value(photo.sha256);
    w.key("url").value(fmt::format("/photos/{}", photo.sha256));
    w.key("thumbnail_url").value(fmt::format("/photos/{}/thumbnail", photo.sha256));
    w.key("format").value(photo.format);
    w.key("width").value(static_cast<std::int64_t>(photo.width));
    w.key("height").value(static_cast<std::int64_t>(photo.height));
    w.key("faces_blurred").value(static_cast<std::int64_t>(photo.faces_blurred));
}

void write_suggestion(JsonWriter& w, const photo::PhotoSuggestion& s) {
    w.begin_object();
    w.key("photographer");
    write_lat_lon(w, s.photographer);
    w.key("accuracy_m");
    write_optional(w, s.accuracy_m, 1);
    w.key("heading_deg");
    write_optional(w, s.heading_deg, 1);
    w.key("taken_at");
    if (s.taken_at)
        w.value(format_utc(*s.taken_at));
    else
        w.null();
    w.key("camera_position");
    write_lat_lon(w, s.camera_position);
    w.key("camera_direction_deg");
    write_optional(w, s.camera_direction_deg, 1);
    w.key("camera_distance_m").value_fixed(s.camera_distance_m, 1);
    w.end_object();
}

void register_photo_routes(Router& router, ApiContext& ctx) {
    router.add("GET", "/photos/{hash}", [&ctx](const Request& r) {
        return serve_photo(r, ctx, store::PhotoVariant::image);
    });
    router.add("GET", "/photos/{hash}/thumbnail", [&ctx](const Request& r) {
        return serve_photo(r, ctx, store::PhotoVariant::thumbnail);
    });
    router.add(
        "POST", "/api/v1/photos/inspect",
        [&ctx](const Request& r) { return inspect_photo(r, ctx); }, max_photo_bytes + 64 * 1024);
    router.set_lane("POST", "/api/v1/photos/inspect", Lane::heavy);  // decodes the whole photo
}

}  // namespace sightline::http
