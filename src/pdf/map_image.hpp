#pragma once
// The report's map as a raster image: streets, buildings, the district's outline (the outside
// dimmed), cameras coloured by type, a scale bar. Raster, so a city's thousands of streets cost
// the PDF a bounded number of bytes.

#include <cairo.h>

#include "pdf/area_report.hpp"

namespace sightline::pdf {

/// Draws the map of `report` into a new RGB image of width x height pixels (Web Mercator, the
/// report's bbox fitted inside with a margin). The caller owns the surface.
cairo_surface_t* draw_map_image(const AreaReport& report, int width, int height);

/// The colour of a camera kind on the map and in the legend (as the web app's: Okabe-Ito).
struct Rgb {
    double r, g, b;
};
Rgb kind_colour(std::string_view kind);

}  // namespace sightline::pdf
