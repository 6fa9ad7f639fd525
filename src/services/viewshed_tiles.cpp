#include "services/viewshed_tiles.hpp"

namespace sightline::services {

tiles::ViewshedProvider viewshed_tile_provider(AnalysisService& analysis) {
    return [&analysis](const geo::BBox& box) {
        std::vector<tiles::ViewshedShape> shapes;
        auto viewsheds = analysis.viewsheds(box);
        if (!viewsheds) return shapes;
        for (auto& camera : *viewsheds)
            for (std::size_t level = 0; level < camera.rings.size(); ++level)
                shapes.push_back({camera.camera_id, static_cast<int>(level),
                                  analysis::to_string(static_cast<analysis::DoriLevel>(level)),
                                  std::move(camera.rings[level])});
        return shapes;
    };
}

}  // namespace sightline::services
