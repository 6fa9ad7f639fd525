// Exports for OpenStreetMap mappers: every camera as OSM XML, and an osmChange of what
// Sightline changed since the last import (both open data, like the GeoJSON export).

#include "http/endpoints/endpoints.hpp"

#include "core/clock.hpp"
#include "http/endpoints/download.hpp"
#include "http/response.hpp"
#include "osm/osm_xml_writer.hpp"

namespace sightline::http {
namespace {

Response xml_download(std::string body, std::string_view file_name) {
    Response r{200, "application/xml; charset=utf-8", std::move(body), {}};
    r.with_header("Content-Disposition", "attachment; filename=\"" + std::string(file_name) + "\"");
    return r;
}

Response export_osm(const Request& req, ApiContext& ctx) {
    auto validators = camera_validators(ctx.services, "osm");
    if (auto unchanged = not_modified(req, validators)) return std::move(*unchanged);
    auto response = streamed_download(osm::osm_xml_export(ctx.services.store, unix_now()),
                                      "application/xml; charset=utf-8", "cameras.osm");
    with_validators(response, validators);
    return response;
}

Response export_osc(const Request&, ApiContext& ctx) {
    std::string out;
    osm::write_osm_change(ctx.services.map.cameras_changed_since_import(),
                          [&](std::string_view part) { out += part; });
    return xml_download(std::move(out), "cameras.osc");
}

}  // namespace

void register_osm_export_routes(Router& router, ApiContext& ctx) {
    router.add("GET", "/api/v1/export/cameras.osm",
               [&ctx](const Request& r) { return export_osm(r, ctx); });
    router.add("GET", "/api/v1/export/cameras.osc",
               [&ctx](const Request& r) { return export_osc(r, ctx); });
}

}  // namespace sightline::http
