#include "tiles/tilejson.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include "core/json_string.hpp"

namespace sightline::tiles {

std::string tilejson(const TileService& service, const TileJsonParams& params) {
    const auto& o = service.options();
    struct Layer {
        std::string_view id;
        int min_zoom;
        std::string_view description;
        std::string_view fields;
    };
    std::vector<Layer> layers;
    if (service.has_basemap()) {
        layers.push_back(
            {water_layer_name, o.basemap.water_min_zoom, "Water areas", R"({"name":"String"})"});
        layers.push_back(
            {parks_layer_name, o.basemap.parks_min_zoom, "Parks", R"({"name":"String"})"});
        layers.push_back({streets_layer_name, o.basemap.major_streets_min_zoom,
                          "Walkable streets; only major classes below the street zoom",
                          R"({"class":"String","name":"String"})"});
        layers.push_back({buildings_layer_name, o.basemap.buildings_min_zoom, "Buildings",
                          R"({"height":"Number","name":"String"})"});
    }
    if (o.viewsheds)
        layers.push_back({viewshed_layer_name, o.viewshed_min_zoom,
                          "What each camera sees, one polygon per camera and DORI level",
                          R"({"camera_id":"Number","level":"Number","level_name":"String"})"});
    if (o.surveys)
        layers.push_back({survey_layer_name, o.survey_min_zoom,
                          "Survey campaign tasks: intersections (points, radius_m) and cells "
                          "(polygons) with their state: not_surveyed, surveyed_none, "
                          "surveyed_cameras, stale",
                          R"({"task":"Number","campaign":"Number","state":"String",)"
                          R"("cameras":"Number","radius_m":"Number"})"});
    layers.push_back({camera_layer_name, 0,
                      "Cameras; grid clusters (cluster=true, count) below the cluster zoom",
                      R"({"id":"Number","type":"String","mount":"String","direction":"String",)"
                      R"("directions":"Number","angle":"Number","status":"String",)"
                      R"("confirmations":"Number","cluster":"Boolean","count":"Number"})"});

    std::string out = R"({"tilejson":"3.0.0","name":"Sightline","scheme":"xyz","tiles":[)";
    append_json_string(out, params.tile_url);
    out += fmt::format(R"(],"minzoom":{},"maxzoom":{},"bounds":[{},{},{},{}],)", params.min_zoom,
                       params.max_zoom, params.bounds.west, params.bounds.south, params.bounds.east,
                       params.bounds.north);
    out += R"("attribution":)";
    append_json_string(out, "© OpenStreetMap contributors");
    out += R"(,"vector_layers":[)";
    for (std::size_t i = 0; i < layers.size(); ++i) {
        if (i) out += ',';
        out += R"({"id":)";
        append_json_string(out, layers[i].id);
        out += fmt::format(R"(,"minzoom":{},"maxzoom":{},"description":)",
                           std::max(layers[i].min_zoom, params.min_zoom), params.max_zoom);
        append_json_string(out, layers[i].description);
        out += R"(,"fields":)";
        out += layers[i].fields;
        out += '}';
    }
    out += "]}";
    return out;
}

}  // namespace sightline::tiles
