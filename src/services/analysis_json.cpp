#include "services/analysis_json.hpp"

#include "services/json_writer.hpp"

namespace sightline::services {
namespace {

using analysis::dori_level_count;
using analysis::DoriLevel;

constexpr std::array<DoriLevel, dori_level_count> levels{DoriLevel::detect, DoriLevel::observe,
                                                         DoriLevel::recognise, DoriLevel::identify};

}  // namespace

void write_metres(JsonWriter& w, double metres) {
    w.value_fixed(metres, 2);
}

void write_levels(JsonWriter& w, const LevelMetres& metres) {
    w.begin_object();
    for (auto level : levels) {
        w.key(analysis::to_string(level));
        write_metres(w, metres[static_cast<std::size_t>(level)]);
    }
    w.end_object();
}

void write_position(JsonWriter& w, geo::LatLon p) {
    w.begin_array().value_fixed(p.lon, 7).value_fixed(p.lat, 7).end_array();
}

void write_line_string(JsonWriter& w, const std::vector<geo::LatLon>& points) {
    w.begin_object().key("type").value("LineString").key("coordinates");
    w.begin_array();
    for (auto p : points)
        write_position(w, p);
    w.end_array().end_object();
}

void write_cameras_seen(JsonWriter& w, const std::vector<CameraSeen>& cameras) {
    w.begin_array();
    for (const auto& c : cameras) {
        w.begin_object();
        w.key("id").value(c.camera_id);
        w.key("lat").value_fixed(c.location.lat, 7);
        w.key("lon").value_fixed(c.location.lon, 7);
        w.key("seen_m");
        write_metres(w, c.seen_m);
        w.key("by_level");
        write_levels(w, c.by_level_m);
        w.end_object();
    }
    w.end_array();
}

void write_shares(JsonWriter& w, const LevelMetres& metres, double total) {
    w.begin_object();
    for (auto level : levels)
        w.key(analysis::to_string(level))
            .value_fixed(total > 0 ? metres[static_cast<std::size_t>(level)] / total : 0.0, 4);
    w.end_object();
}

void write_bbox(JsonWriter& w, const geo::BBox& b) {
    w.begin_array()
        .value_fixed(b.west, 7)
        .value_fixed(b.south, 7)
        .value_fixed(b.east, 7)
        .value_fixed(b.north, 7)
        .end_array();
}

void write_ring(JsonWriter& w, const std::vector<geo::LatLon>& ring) {
    w.begin_array();
    for (auto p : ring)
        write_position(w, p);
    if (!ring.empty() && !(ring.front() == ring.back())) write_position(w, ring.front());
    w.end_array();
}

void write_multi_polygon(JsonWriter& w, const geo::MultiPolygon& polygons) {
    w.begin_object().key("type").value("MultiPolygon").key("coordinates").begin_array();
    for (const auto& polygon : polygons) {
        w.begin_array();
        for (const auto& ring : polygon)
            write_ring(w, ring);
        w.end_array();
    }
    w.end_array().end_object();
}

namespace {

// street_m, by_level (metres) and share (of street_m) for an area, a cell or a district.
void write_measures(JsonWriter& w, double street_m, const LevelMetres& by_level) {
    w.key("street_m");
    write_metres(w, street_m);
    w.key("by_level");
    write_levels(w, by_level);
    w.key("share");
    write_shares(w, by_level, street_m);
}

void write_cell_properties(JsonWriter& w, const CoverageCell& cell, bool district) {
    w.begin_object();
    if (district)
        w.key("name").value(cell.name);
    else
        w.key("column").value(cell.column).key("row").value(cell.row);
    write_measures(w, cell.street_m, cell.by_level_m);
    w.end_object();
}

}  // namespace

std::string coverage_json(const CoverageReport& r) {
    std::string out;
    JsonWriter w(out);
    bool district = r.cell_m == 0;
    w.begin_object();
    w.key("bbox");
    write_bbox(w, r.bbox);
    w.key("cell_m");
    if (district)
        w.null();
    else
        w.value(r.cell_m);
    write_measures(w, r.street_m, r.by_level_m);
    w.key("cameras").value(static_cast<std::int64_t>(r.cameras));
    w.key("cameras_skipped").value(static_cast<std::int64_t>(r.cameras_skipped));
    w.key("buildings").value(static_cast<std::int64_t>(r.buildings));
    w.key("viewsheds_computed").value(static_cast<std::int64_t>(r.viewsheds_computed));
    w.key("viewsheds_cached").value(static_cast<std::int64_t>(r.viewsheds_cached));
    if (r.surveyed_share) w.key("surveyed_share").value_fixed(*r.surveyed_share, 4);
    w.key(district ? "districts" : "cells").begin_array();
    for (const auto& cell : r.cells) {
        w.begin_object();
        if (district)
            w.key("name").value(cell.name);
        else
            w.key("column").value(cell.column).key("row").value(cell.row);
        w.key("bbox");
        write_bbox(w, cell.bbox);
        write_measures(w, cell.street_m, cell.by_level_m);
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return out;
}

std::string coverage_geojson(const CoverageReport& r,
                             const std::vector<analysis::DistrictArea>* districts) {
    std::string out;
    JsonWriter w(out);
    bool district = r.cell_m == 0;
    w.begin_object().key("type").value("FeatureCollection").key("features").begin_array();
    for (std::size_t i = 0; i < r.cells.size(); ++i) {
        const auto& cell = r.cells[i];
        w.begin_object().key("type").value("Feature").key("geometry");
        if (district && districts && i < districts->size()) {
            write_multi_polygon(w, (*districts)[i].polygons);
        } else {
            const auto& b = cell.bbox;
            w.begin_object().key("type").value("Polygon").key("coordinates").begin_array();
            write_ring(
                w, {{b.south, b.west}, {b.south, b.east}, {b.north, b.east}, {b.north, b.west}});
            w.end_array().end_object();
        }
        w.key("properties");
        write_cell_properties(w, cell, district);
        w.end_object();
    }
    w.end_array().end_object();
    return out;
}

std::string exposure_geojson(const RouteExposure& e) {
    std::string out;
    JsonWriter w(out);
    w.begin_object().key("type").value("FeatureCollection").key("features").begin_array();
    for (const auto& s : e.stretches) {
        w.begin_object().key("type").value("Feature");
        w.key("geometry");
        write_line_string(w, s.points);
        w.key("properties").begin_object();
        w.key("level").value(analysis::to_string(s.level));
        w.key("seen").value(s.level >= DoriLevel::observe);
        w.key("length_m");
        write_metres(w, s.length_m);
        w.end_object();
        w.end_object();
    }
    w.end_array().end_object();
    return out;
}

std::string exposure_json(const RouteExposure& e, bool with_geojson) {
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.key("length_m");
    write_metres(w, e.length_m);
    w.key("seen_m");
    write_metres(w, e.seen_m);
    w.key("share_seen").value_fixed(e.length_m > 0 ? e.seen_m / e.length_m : 0.0, 4);
    w.key("speed_m_s").value(e.speed_m_s);
    w.key("duration_s").value_fixed(e.duration_s, 1);
    w.key("seen_s").value_fixed(e.seen_s, 1);
    w.key("by_level");
    write_levels(w, e.by_level_m);
    w.key("cameras");
    write_cameras_seen(w, e.cameras);
    w.key("segments").begin_array();
    for (const auto& s : e.segments) {
        w.begin_object();
        w.key("length_m");
        write_metres(w, s.length_m);
        w.key("seen_m");
        write_metres(w, s.by_level_m[static_cast<std::size_t>(DoriLevel::observe)]);
        w.key("by_level");
        write_levels(w, s.by_level_m);
        w.end_object();
    }
    w.end_array();
    w.key("cameras_skipped").value(static_cast<std::int64_t>(e.cameras_skipped));
    w.key("buildings").value(static_cast<std::int64_t>(e.buildings));
    if (with_geojson) w.key("geojson").raw(exposure_geojson(e));
    w.end_object();
    return out;
}

}  // namespace sightline::services
