#include "services/district_json.hpp"

#include <fmt/core.h>

#include "analysis/camera_capability.hpp"
#include "services/analysis_json.hpp"
#include "services/camera_json.hpp"
#include "services/json_writer.hpp"

namespace sightline::services {
namespace {

std::string osm_ref(const model::District& d) {
    return fmt::format("{}/{}", d.from_relation ? "relation" : "way", d.osm_id);
}

// A quotient, or null when the divisor is zero.
void write_ratio(JsonWriter& w, double value, double per, int decimals) {
    if (per > 0)
        w.value_fixed(value / per, decimals);
    else
        w.null();
}

// The members of one district object (not the braces), `bbox` included or not.
void write_members(JsonWriter& w, const DistrictFigures& f, bool with_bbox) {
    const auto& d = f.district;
    w.key("id").value(d.id);
    w.key("osm").value(osm_ref(d));
    w.key("name").value(d.name);
    w.key("names").begin_object();
    for (const auto& [language, name] : d.names)
        w.key(language).value(name);
    w.end_object();
    w.key("admin_level").value(d.admin_level);
    if (with_bbox) {
        w.key("bbox");
        write_bbox(w, f.bbox);
    }
    const double street_km = f.street_m / 1000;
    w.key("area_km2").value_fixed(f.area_km2, 3);
    w.key("cameras").value(f.cameras);
    w.key("cameras_per_km2");
    write_ratio(w, static_cast<double>(f.cameras), f.area_km2, 2);
    w.key("street_km").value_fixed(street_km, 3);
    w.key("cameras_per_street_km");
    write_ratio(w, static_cast<double>(f.cameras), street_km, 2);
    w.key("watched_share");
    if (f.street_m > 0)
        write_shares(w, f.watched_m, f.street_m);
    else
        w.null();
}

}  // namespace

std::string districts_json(const DistrictTable& table) {
    std::string out;
    JsonWriter w(out);
    w.begin_object().key("level");
    if (table.level > 0)
        w.value(table.level);
    else
        w.null();
    w.key("districts").begin_array();
    for (const auto& f : table.districts) {
        w.begin_object();
        write_members(w, f, true);
        w.end_object();
    }
    w.end_array().key("incomplete").begin_array();
    for (const auto& d : table.incomplete)
        w.begin_object().key("osm").value(osm_ref(d)).key("name").value(d.name).end_object();
    w.end_array().end_object();
    return out;
}

std::string district_json(const DistrictFigures& figures, const geo::MultiPolygon& outline) {
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    write_members(w, figures, true);
    w.key("geometry");
    write_multi_polygon(w, outline);
    w.end_object();
    return out;
}

std::string districts_geojson(const DistrictTable& table,
                              const std::map<std::int64_t, geo::MultiPolygon>& outlines) {
    std::string out;
    JsonWriter w(out);
    w.begin_object().key("type").value("FeatureCollection").key("features").begin_array();
    for (const auto& f : table.districts) {
        auto it = outlines.find(f.district.id);
        if (it == outlines.end()) continue;  // replaced by an import since the table was made
        w.begin_object().key("type").value("Feature").key("id").value(f.district.id);
        w.key("geometry");
        write_multi_polygon(w, it->second);
        w.key("properties").begin_object();
        write_members(w, f, false);
        w.end_object().end_object();
    }
    w.end_array().end_object();
    return out;
}

std::string districts_csv(const DistrictTable& table) {
    std::string out =
        "id,osm,name,admin_level,area_km2,cameras,cameras_per_km2,street_km,"
        "cameras_per_street_km,watched_detect,watched_observe,watched_recognise,"
        "watched_identify\r\n";
    auto ratio = [](double value, double per, int decimals) {
        return per > 0 ? fmt::format("{:.{}f}", value / per, decimals) : std::string();
    };
    for (const auto& f : table.districts) {
        const auto& d = f.district;
        out += fmt::format("{},{},", d.id, osm_ref(d));
        append_csv_field(out, d.name);
        const double street_km = f.street_m / 1000;
        const auto cameras = static_cast<double>(f.cameras);
        out += fmt::format(",{},{:.3f},{},{},{:.3f},{}", d.admin_level, f.area_km2, f.cameras,
                           ratio(cameras, f.area_km2, 2), street_km, ratio(cameras, street_km, 2));
        for (double metres : f.watched_m) {
            out += ',';
            out += ratio(metres, f.street_m, 4);
        }
        out += "\r\n";
    }
    return out;
}

}  // namespace sightline::services
