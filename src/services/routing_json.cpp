#include "services/routing_json.hpp"

#include <fmt/core.h>

#include "osm/osm_xml_writer.hpp"
#include "services/analysis_json.hpp"
#include "services/json_writer.hpp"

namespace sightline::services {
namespace {

double seen_at(const RouteExposure& exposure, analysis::DoriLevel level) {
    return exposure.by_level_m[static_cast<std::size_t>(level)];
}

double seconds_at(const RouteExposure& exposure, double metres) {
    return exposure.speed_m_s > 0 ? metres / exposure.speed_m_s : 0.0;
}

void write_lat_lon(JsonWriter& w, geo::LatLon p) {
    w.key("lat").value_fixed(p.lat, 7);
    w.key("lon").value_fixed(p.lon, 7);
}

void write_snapped(JsonWriter& w, geo::LatLon p, double distance_m) {
    w.begin_object();
    write_lat_lon(w, p);
    w.key("distance_m");
    write_metres(w, distance_m);
    w.end_object();
}

void write_stretches(JsonWriter& w, const std::vector<SeenStretch>& stretches) {
    w.begin_array();
    for (const auto& s : stretches) {
        w.begin_object();
        w.key("level").value(analysis::to_string(s.level));
        w.key("length_m");
        write_metres(w, s.length_m);
        w.key("geometry");
        write_line_string(w, s.points);
        w.end_object();
    }
    w.end_array();
}

void write_route(JsonWriter& w, const RouteAlternative& route, double shortest_m,
                 analysis::DoriLevel level) {
    const auto& e = route.exposure;
    double seen_m = seen_at(e, level);
    w.begin_object();
    w.key("kind").value(routing::to_string(route.kind));
    w.key("length_m");
    write_metres(w, e.length_m);
    w.key("duration_s").value_fixed(e.duration_s, 1);
    w.key("detour").value_fixed(shortest_m > 0 ? e.length_m / shortest_m : 1.0, 3);
    w.key("seen_m");
    write_metres(w, seen_m);
    w.key("seen_s").value_fixed(seconds_at(e, seen_m), 1);
    w.key("by_level");
    write_levels(w, e.by_level_m);
    w.key("cameras");
    write_cameras_seen(w, e.cameras);
    w.key("stretches");
    write_stretches(w, e.stretches);
    w.key("geometry");
    write_line_string(w, route.points);
    w.end_object();
}

}  // namespace

std::string route_json(const RouteReport& r) {
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.key("from").begin_object();
    write_lat_lon(w, r.from);
    w.end_object();
    w.key("to").begin_object();
    write_lat_lon(w, r.to);
    w.end_object();
    w.key("from_snapped");
    write_snapped(w, r.from_snapped, r.from_snap_m);
    w.key("to_snapped");
    write_snapped(w, r.to_snapped, r.to_snap_m);
    w.key("level").value(analysis::to_string(r.level));
    w.key("max_detour").value(r.max_detour);
    w.key("avoids_cameras").value(r.avoids_cameras);
    w.key("message").value(r.message);
    double shortest_m = r.routes.empty() ? 0.0 : r.routes.front().exposure.length_m;
    w.key("routes").begin_array();
    for (const auto& route : r.routes)
        write_route(w, route, shortest_m, r.level);
    w.end_array();
    w.end_object();
    return out;
}

std::string route_gpx(const RouteReport& r) {
    std::string out =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<gpx version=\"1.1\" creator=\"Sightline\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n";
    if (!r.message.empty()) {
        out += "  <metadata><desc>";
        osm::append_xml_escaped(out, r.message);
        out += "</desc></metadata>\n";
    }
    for (const auto& route : r.routes) {
        const auto& e = route.exposure;
        out += "  <trk>\n    <name>";
        osm::append_xml_escaped(out, routing::to_string(route.kind));
        out += "</name>\n    <desc>";
        osm::append_xml_escaped(
            out, fmt::format("{:.0f} m, {:.0f} m seen at {} level or finer", e.length_m,
                             seen_at(e, r.level), analysis::to_string(r.level)));
        out += "</desc>\n    <trkseg>\n";
        for (auto p : route.points)
            out += fmt::format("      <trkpt lat=\"{:.7f}\" lon=\"{:.7f}\"/>\n", p.lat, p.lon);
        out += "    </trkseg>\n  </trk>\n";
    }
    out += "</gpx>\n";
    return out;
}

}  // namespace sightline::services
