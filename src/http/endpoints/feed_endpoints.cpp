// Watching an area: GET /feeds/area.atom?bbox= and /feeds/district/{id}.atom are Atom feeds of
// what happened to the cameras inside the box or the district. Anonymous like every read: no
// account, and nothing about the reader is kept (the access log names the route, not the query).

#include <algorithm>

#include <fmt/core.h>

#include "http/endpoints/download.hpp"
#include "http/endpoints/endpoints.hpp"
#include "http/endpoints/json_body.hpp"
#include "http/response.hpp"
#include "services/area_feed.hpp"

namespace sightline::http {
namespace {

constexpr std::string_view atom_content_type = "application/atom+xml; charset=utf-8";

Response area_feed(const Request& req, ApiContext& ctx) {
    auto text = req.query_param("bbox");
    if (!text)
        return error_response(
            Error{Errc::invalid_argument, "bbox=west,south,east,north is required"});
    auto box = geo::parse_bbox(*text);
    if (!box) return error_response(box.error());
    if (box->area_km2() > ctx.options.max_bbox_area_km2)
        return error_response(
            Error{Errc::too_large, fmt::format("bbox covers {:.0f} km²; the limit is {:.0f} km²",
                                               box->area_km2(), ctx.options.max_bbox_area_km2)});
    // If-None-Match is a comma-separated list: the box goes into the ETag without commas.
    auto variant = "area-" + services::area_feed_key(*box);
    std::replace(variant.begin(), variant.end(), ',', '_');
    auto validators = camera_validators(ctx.services, variant);
    // Only the ETag: the feed's Last-Modified would be the newest change anywhere, which
    // is not this area's.
    validators.last_modified = 0;
    if (auto unchanged = not_modified(req, validators)) return std::move(*unchanged);
    auto events = ctx.services.store.camera_events_in(*box, services::area_feed_entries);
    Response response{200,
                      std::string(atom_content_type),
                      services::area_atom_feed(*box, ctx.services.map.data_id(), events),
                      {}};
    with_validators(response, validators);
    return response;
}

Response district_feed(const Request& req, ApiContext& ctx) {
    auto file = req.path_param("file").value_or("");
    if (!file.ends_with(".atom"))
        return error_response(404, "not_found", "district feeds are /feeds/district/{id}.atom");
    auto id = parse_id(file.substr(0, file.size() - 5), "district id");
    if (!id) return error_response(id.error());
    // The district's outline changes only with an import, which bumps the map version.
    auto validators = camera_validators(
        ctx.services, fmt::format("district-{}-{}", *id, ctx.services.map.map_version()));
    validators.last_modified = 0;
    if (auto unchanged = not_modified(req, validators)) return std::move(*unchanged);
    auto district = ctx.services.map.find_district(*id);
    if (!district || !district->complete)
        return error_response(404, "not_found", "no such district");
    auto events = services::district_camera_events(ctx.services.store, *district,
                                                   services::area_feed_entries);
    Response response{200,
                      std::string(atom_content_type),
                      services::district_atom_feed(*district, ctx.services.map.data_id(), events),
                      {}};
    with_validators(response, validators);
    return response;
}

}  // namespace

void register_feed_routes(Router& router, ApiContext& ctx) {
    router.add("GET", "/feeds/area.atom", [&ctx](const Request& r) { return area_feed(r, ctx); });
    // The router matches {name} as a whole segment, so "{id}.atom" arrives as {file}.
    router.add("GET", "/feeds/district/{file}",
               [&ctx](const Request& r) { return district_feed(r, ctx); });
}

}  // namespace sightline::http
