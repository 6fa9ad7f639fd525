#pragma once
// The source of the tiles' `viewsheds` layer: AnalysisService's viewsheds as tile shapes. Used
// by `serve` and by `sightline tiles`, so both produce the same tiles.

#include "services/analysis_service.hpp"
#include "tiles/viewshed_layer.hpp"

namespace sightline::services {

/// `analysis` must outlive the provider. An area the analysis refuses gives no shapes.
tiles::ViewshedProvider viewshed_tile_provider(AnalysisService& analysis);

}  // namespace sightline::services
