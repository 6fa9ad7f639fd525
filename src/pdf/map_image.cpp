#include "pdf/map_image.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include <fmt/core.h>

#include "geo/distance.hpp"

namespace sightline::pdf {
namespace {

constexpr double pi = std::numbers::pi;

double mercator_y(double lat) {
    double clamped = std::clamp(lat, -85.0511, 85.0511);
    return std::log(std::tan(pi / 4 + clamped * pi / 360));
}

// Lon/lat to image pixels: the bbox fitted and centred with a 4 % margin.
class Projection {
  public:
    Projection(const geo::BBox& box, int width, int height) {
        double x0 = box.west * pi / 180, x1 = box.east * pi / 180;
        double y0 = mercator_y(box.south), y1 = mercator_y(box.north);
        double span_x = std::max(x1 - x0, 1e-9), span_y = std::max(y1 - y0, 1e-9);
        m_scale = 0.92 * std::min(width / span_x, height / span_y);
        m_cx = (x0 + x1) / 2;
        m_cy = (y0 + y1) / 2;
        m_w = width;
        m_h = height;
    }
    [[nodiscard]] double x(geo::LatLon p) const {
        return m_w / 2 + (p.lon * pi / 180 - m_cx) * m_scale;
    }
    [[nodiscard]] double y(geo::LatLon p) const {
        return m_h / 2 - (mercator_y(p.lat) - m_cy) * m_scale;
    }
    /// Ground metres per pixel at latitude `lat`.
    [[nodiscard]] double metres_per_pixel(double lat) const {
        return geo::earth_radius_m * std::cos(lat * pi / 180) / m_scale;
    }

  private:
    double m_scale, m_cx, m_cy, m_w, m_h;
};

void trace(cairo_t* cr, const Projection& proj, const std::vector<geo::LatLon>& points,
           bool close) {
    for (std::size_t i = 0; i < points.size(); ++i) {
        if (i == 0)
            cairo_move_to(cr, proj.x(points[i]), proj.y(points[i]));
        else
            cairo_line_to(cr, proj.x(points[i]), proj.y(points[i]));
    }
    if (close) cairo_close_path(cr);
}

void draw_scale_bar(cairo_t* cr, const Projection& proj, double lat, int height) {
    const double mpp = proj.metres_per_pixel(lat);
    double target = mpp * 160;  // about 160 px long
    double magnitude = std::pow(10.0, std::floor(std::log10(target)));
    double metres = magnitude;
    for (double step : {2.0, 5.0, 10.0})
        if (magnitude * step <= target) metres = magnitude * step;
    double px = metres / mpp;
    double x = 20, y = height - 24;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x - 8, y - 26, px + 16, 36);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_set_line_width(cr, 3);
    cairo_move_to(cr, x, y - 6);
    cairo_line_to(cr, x, y);
    cairo_line_to(cr, x + px, y);
    cairo_line_to(cr, x + px, y - 6);
    cairo_stroke(cr);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 15);
    std::string label =
        metres >= 1000 ? fmt::format("{:g} km", metres / 1000) : fmt::format("{:g} m", metres);
    cairo_move_to(cr, x, y - 10);
    cairo_show_text(cr, label.c_str());
}

}  // namespace

Rgb kind_colour(std::string_view kind) {
    if (kind == "fixed") return {0, 0x72 / 255.0, 0xB2 / 255.0};
    if (kind == "dome") return {0xCC / 255.0, 0x79 / 255.0, 0xA7 / 255.0};
    if (kind == "panning") return {0, 0x9E / 255.0, 0x73 / 255.0};
    if (kind == "ALPR") return {0, 0, 0};
    return {0x5F / 255.0, 0x5F / 255.0, 0x5F / 255.0};
}

cairo_surface_t* draw_map_image(const AreaReport& report, int width, int height) {
    cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    cairo_t* cr = cairo_create(surface);
    Projection proj(report.bbox, width, height);

    cairo_set_source_rgb(cr, 0.957, 0.953, 0.937);
    cairo_paint(cr);

    cairo_set_source_rgb(cr, 0.85, 0.83, 0.80);
    for (const auto& ring : report.buildings)
        trace(cr, proj, ring, true);
    cairo_fill(cr);

    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_source_rgb(cr, 0.55, 0.55, 0.55);
    cairo_set_line_width(cr, 1.6);
    for (const auto& street : report.streets)
        trace(cr, proj, street, false);
    cairo_stroke(cr);

    if (!report.outline.empty()) {
        // Dim what lies outside the district: the frame minus the outline (even-odd).
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
        cairo_rectangle(cr, 0, 0, width, height);
        for (const auto& polygon : report.outline)
            for (const auto& ring : polygon)
                trace(cr, proj, ring, true);
        cairo_set_source_rgba(cr, 1, 1, 1, 0.6);
        cairo_fill_preserve(cr);
        cairo_new_path(cr);
        for (const auto& polygon : report.outline)
            for (const auto& ring : polygon)
                trace(cr, proj, ring, true);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        cairo_set_line_width(cr, 3);
        cairo_stroke(cr);
    }

    for (const auto& camera : report.camera_points) {
        auto [r, g, b] = kind_colour(camera.kind);
        cairo_arc(cr, proj.x(camera.location), proj.y(camera.location), 5, 0, 2 * pi);
        cairo_set_source_rgb(cr, r, g, b);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, 1.5);
        cairo_stroke(cr);
    }

    draw_scale_bar(cr, proj, (report.bbox.south + report.bbox.north) / 2, height);
    cairo_destroy(cr);
    cairo_surface_flush(surface);
    return surface;
}

}  // namespace sightline::pdf
