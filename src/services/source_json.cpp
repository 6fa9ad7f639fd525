#include "services/source_json.hpp"

#include <map>

#include "core/clock.hpp"
#include "geo/distance.hpp"

namespace sightline::services {
namespace {

void write_point(JsonWriter& w, geo::LatLon p) {
    w.key("geometry").begin_object();
    w.key("type").value("Point");
    w.key("coordinates").begin_array().value_fixed(p.lon, 7).value_fixed(p.lat, 7).end_array();
    w.end_object();
}

void write_directions(JsonWriter& w, const std::vector<double>& directions) {
    w.key("directions_deg").begin_array();
    for (double d : directions)
        w.value(d);
    w.end_array();
}

void write_entry_properties(JsonWriter& w, const model::SourceEntry& e) {
    w.key("entry").value(e.id);
    w.key("line").value(e.line);
    if (!e.label.empty()) w.key("label").value(e.label);
    if (!e.address.empty()) w.key("address").value(e.address);
    write_directions(w, e.directions_deg);
    w.key("decided").value(e.decided);
}

using CameraMap = std::map<std::int64_t, const store::CrowdCamera*>;

CameraMap index_cameras(const Comparison& c) {
    CameraMap out;
    for (const auto& camera : c.cameras)
        out.emplace(camera.id.value, &camera);
    return out;
}

void write_candidates(JsonWriter& w, const model::SourceEntry& e, const CameraMap& cameras) {
    w.key("candidates").begin_array();
    for (auto id : e.candidates) {
        w.begin_object();
        w.key("camera").value(id.value);
        if (auto found = cameras.find(id.value); found != cameras.end()) {
            const auto& c = *found->second;
            w.key("lat").value_fixed(c.location.lat, 7);
            w.key("lon").value_fixed(c.location.lon, 7);
            w.key("distance_m").value_fixed(geo::distance_m(e.location, c.location), 1);
            write_directions(w, c.directions_deg);
        }
        w.end_object();
    }
    w.end_array();
}

}  // namespace

void write_camera_sources(JsonWriter& w, const std::vector<model::CameraSource>& sources) {
    w.begin_array();
    for (const auto& s : sources) {
        w.begin_object();
        w.key("kind").value(s.kind);
        w.key("name").value(s.name);
        w.key("since");
        if (s.since > 0)
            w.value(format_utc(s.since));
        else
            w.null();
        if (s.kind == "report" && s.ref > 0) w.key("report_id").value(s.ref);
        if (s.kind == "list" && s.ref > 0) w.key("source_id").value(s.ref);
        w.end_object();
    }
    w.end_array();
}

std::string camera_sources_text(const std::vector<model::CameraSource>& sources) {
    std::string out;
    for (const auto& s : sources) {
        if (!out.empty()) out += '|';
        out += s.kind;
        out += ':';
        out += s.name;
    }
    return out;
}

void write_source(JsonWriter& w, const model::Source& s) {
    w.begin_object();
    w.key("id").value(s.id.value);
    w.key("name").value(s.name);
    w.key("file_name").value(s.file_name);
    w.key("imported_at").value(format_utc(s.imported_at));
    w.key("max_distance_m").value(s.max_distance_m);
    w.key("max_angle_deg").value(s.max_angle_deg);
    w.key("entries").value(s.entries);
    w.key("unplaced_rows").value(s.unplaced_rows);
    w.end_object();
}

std::string sources_json(const std::vector<model::Source>& sources) {
    std::string out;
    JsonWriter w(out);
    w.begin_object().key("sources").begin_array();
    for (const auto& s : sources)
        write_source(w, s);
    w.end_array().end_object();
    return out;
}

std::string comparison_json(const Comparison& c) {
    const auto cameras = index_cameras(c);
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.key("source");
    write_source(w, c.source);
    w.key("counts").begin_object();
    w.key("both").value(c.counts.both);
    w.key("only_list").value(c.counts.only_list);
    w.key("only_crowd").value(c.counts.only_crowd);
    w.key("ambiguous").value(c.counts.ambiguous);
    w.end_object();
    w.key("coverage");
    if (c.coverage) {
        w.begin_array();
        for (double v : {c.coverage->west, c.coverage->south, c.coverage->east, c.coverage->north})
            w.value_fixed(v, 7);
        w.end_array();
    } else {
        w.null();
    }
    w.key("geojson").begin_object();
    w.key("type").value("FeatureCollection");
    w.key("features").begin_array();
    for (const auto& e : c.entries) {
        w.begin_object();
        w.key("type").value("Feature");
        // A match is drawn where the crowd's camera is; the rest where the list puts them.
        geo::LatLon at = e.location;
        if (e.camera)
            if (auto found = cameras.find(e.camera->value); found != cameras.end())
                at = found->second->location;
        write_point(w, at);
        w.key("properties").begin_object();
        switch (e.state) {
            case model::EntryState::matched:
                w.key("layer").value("both");
                break;
            case model::EntryState::unmatched:
                w.key("layer").value("only_list");
                break;
            case model::EntryState::ambiguous:
                w.key("layer").value("ambiguous");
                break;
        }
        write_entry_properties(w, e);
        if (e.camera) {
            w.key("camera").value(e.camera->value);
            w.key("distance_m").value_fixed(e.distance_m, 1);
        }
        if (e.state == model::EntryState::ambiguous) {
            w.key("reason").value(e.reason);
            w.key("candidates").begin_array();
            for (auto id : e.candidates)
                w.value(id.value);
            w.end_array();
        }
        w.end_object();
        w.end_object();
    }
    for (auto id : c.crowd_only) {
        auto found = cameras.find(id.value);
        if (found == cameras.end()) continue;
        w.begin_object();
        w.key("type").value("Feature");
        write_point(w, found->second->location);
        w.key("properties").begin_object();
        w.key("layer").value("only_crowd");
        w.key("camera").value(id.value);
        w.end_object();
        w.end_object();
    }
    w.end_array().end_object();
    w.end_object();
    return out;
}

std::string review_json(const Comparison& c) {
    const auto cameras = index_cameras(c);
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.key("source");
    write_source(w, c.source);
    w.key("entries").begin_array();
    for (const auto& e : c.entries) {
        if (e.state != model::EntryState::ambiguous) continue;
        w.begin_object();
        write_entry_properties(w, e);
        w.key("lat").value_fixed(e.location.lat, 7);
        w.key("lon").value_fixed(e.location.lon, 7);
        w.key("reason").value(e.reason);
        write_candidates(w, e, cameras);
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return out;
}

}  // namespace sightline::services
