#include "services/search_json.hpp"

#include "services/json_writer.hpp"

namespace sightline::services {

void append_search_feature(std::string& out, const SearchHit& hit) {
    JsonWriter w(out);
    w.begin_object();
    w.key("type").value("Feature");
    w.key("geometry").begin_object();
    w.key("type").value("Point");
    w.key("coordinates").begin_array();
    w.value_fixed(hit.location.lon, 7);
    w.value_fixed(hit.location.lat, 7);
    w.end_array();
    w.end_object();
    w.key("properties").begin_object();
    w.key("kind").value(hit.kind);
    w.key("name").value(hit.name);
    w.key("label").value(hit.label);
    w.key("type").value(hit.type);
    if (hit.camera_id) w.key("camera_id").value(*hit.camera_id);
    if (hit.distance_m) w.key("distance_m").value_fixed(*hit.distance_m, 0);
    w.end_object();
    w.end_object();
}

std::string search_feature_collection(const std::vector<SearchHit>& hits) {
    std::string out = R"({"type":"FeatureCollection","features":[)";
    for (std::size_t i = 0; i < hits.size(); ++i) {
        if (i) out += ',';
        append_search_feature(out, hits[i]);
    }
    out += "]}";
    return out;
}

}  // namespace sightline::services
