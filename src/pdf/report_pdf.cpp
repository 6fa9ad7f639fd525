#include "pdf/report_pdf.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include <cairo-pdf.h>
#include <cairo.h>
#include <fmt/core.h>
#include <pango/pangocairo.h>

#include "pdf/map_image.hpp"

namespace sightline::pdf {
namespace {

constexpr double page_width = 595.28;  // A4 in points
constexpr double page_height = 841.89;
constexpr double margin = 48;
constexpr double text_width = page_width - 2 * margin;
constexpr Rgb ink{0.1, 0.1, 0.1};
constexpr Rgb grey{0.4, 0.4, 0.4};

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

void check(cairo_status_t status, const char* what) {
    if (status != CAIRO_STATUS_SUCCESS)
        throw sightline::Exception(
            fmt::format("cannot draw the report ({}): {}", what, cairo_status_to_string(status)));
}

// Paragraphs laid out by Pango at 72 dpi, so a font size is in the page's points.
class TextPainter {
  public:
    explicit TextPainter(cairo_t* cr) : m_cr(cr), m_layout(pango_cairo_create_layout(cr)) {
        pango_cairo_context_set_resolution(pango_layout_get_context(m_layout), 72);
        pango_layout_context_changed(m_layout);
        pango_layout_set_wrap(m_layout, PANGO_WRAP_WORD_CHAR);
    }
    ~TextPainter() { g_object_unref(m_layout); }
    TextPainter(const TextPainter&) = delete;
    TextPainter& operator=(const TextPainter&) = delete;

    /// Draws `text` with its top left at (x, y), wrapped to `width`; returns its height.
    double draw(std::string_view text, double x, double y, double width, double size,
                bool bold = false, Rgb colour = ink, PangoAlignment align = PANGO_ALIGN_LEFT) {
        auto* font = pango_font_description_from_string(
            fmt::format("DejaVu Sans {}{}", bold ? "Bold " : "", size).c_str());
        pango_layout_set_font_description(m_layout, font);
        pango_font_description_free(font);
        pango_layout_set_width(m_layout, static_cast<int>(width * PANGO_SCALE));
        pango_layout_set_alignment(m_layout, align);
        pango_layout_set_text(m_layout, text.data(), static_cast<int>(text.size()));
        cairo_set_source_rgb(m_cr, colour.r, colour.g, colour.b);
        cairo_move_to(m_cr, x, y);
        pango_cairo_update_layout(m_cr, m_layout);
        pango_cairo_show_layout(m_cr, m_layout);
        int w = 0, h = 0;
        pango_layout_get_size(m_layout, &w, &h);
        return static_cast<double>(h) / PANGO_SCALE;
    }

  private:
    cairo_t* m_cr;
    PangoLayout* m_layout;
};

void footer(TextPainter& painter, Language lang, int page, int pages) {
    painter.draw(fmt::format(fmt::runtime(text(lang, "page")), page, pages), margin,
                 page_height - margin + 14, text_width, 8, false, grey, PANGO_ALIGN_RIGHT);
}

// A label on the left and its value on the right, one row of a figures table; returns its height.
double figure_row(TextPainter& painter, std::string_view label, const std::string& value,
                  double y) {
    double h = painter.draw(label, margin, y, text_width * 0.7, 11);
    painter.draw(value, margin + text_width * 0.7, y, text_width * 0.3, 11, true, ink,
                 PANGO_ALIGN_RIGHT);
    return h + 6;
}

// Page 1: title, the map with its legend, the key figures.
void draw_first_page(cairo_t* cr, TextPainter& painter, const AreaReport& r, Language lang) {
    double y = margin;
    const std::string area =
        r.area_name.empty() ? std::string(text(lang, "selected_area")) : r.area_name;
    y += painter.draw(fmt::format(fmt::runtime(text(lang, "title")), area), margin, y, text_width,
                      20, true);
    y += 4;
    y += painter.draw(
        fmt::format(fmt::runtime(text(lang, "generated")), format_date(lang, r.generated_at)),
        margin, y, text_width, 9, false, grey);
    y += painter.draw(fmt::format("{:.5f}, {:.5f}, {:.5f}, {:.5f} (W, S, E, N)", r.bbox.west,
                                  r.bbox.south, r.bbox.east, r.bbox.north),
                      margin, y, text_width, 8, false, grey);
    y += 10;

    // The map: a raster of 2.8 pixels per point (about 200 dpi printed).
    const double map_height = 360;
    const int px_w = static_cast<int>(text_width * 2.8), px_h = static_cast<int>(map_height * 2.8);
    std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> image(
        draw_map_image(r, px_w, px_h), &cairo_surface_destroy);
    check(cairo_surface_status(image.get()), "map");
    cairo_save(cr);
    cairo_translate(cr, margin, y);
    cairo_scale(cr, text_width / px_w, map_height / px_h);
    cairo_set_source_surface(cr, image.get(), 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr, 0.5);
    cairo_rectangle(cr, margin, y, text_width, map_height);
    cairo_stroke(cr);
    y += map_height + 3;
    y += painter.draw(text(lang, "attribution"), margin, y, text_width, 7, false, grey,
                      PANGO_ALIGN_RIGHT);

    // Legend: one dot per camera type present.
    double x = margin;
    for (const auto& [kind, count] : r.cameras_by_kind) {
        auto name = fmt::format("{} ({})", kind_name(lang, kind), count);
        const double w = 14 + 6.2 * static_cast<double>(name.size());
        if (x + w > margin + text_width) {
            x = margin;
            y += 14;
        }
        auto [cr_r, cr_g, cr_b] = kind_colour(kind);
        cairo_set_source_rgb(cr, cr_r, cr_g, cr_b);
        cairo_arc(cr, x + 4, y + 6, 4, 0, 2 * 3.14159265358979);
        cairo_fill(cr);
        painter.draw(name, x + 11, y, w, 9);
        x += w;
    }
    y += 24;

    y += painter.draw(text(lang, "key_figures"), margin, y, text_width, 14, true) + 6;
    const double street_km = r.street_km;
    auto per = [&](double count, double of, int decimals) {
        return of > 0 ? format_number(lang, count / of, decimals) : std::string("-");
    };
    const auto cameras = static_cast<double>(r.cameras);
    y += figure_row(painter, text(lang, "area"), format_number(lang, r.area_km2, 2) + " km²", y);
    y += figure_row(painter, text(lang, "cameras"), format_number(lang, cameras, 0), y);
    y += figure_row(painter, text(lang, "cameras_per_km2"), per(cameras, r.area_km2, 1), y);
    y += figure_row(painter, text(lang, "streets"), format_number(lang, street_km, 1) + " km", y);
    y += figure_row(painter, text(lang, "cameras_per_street_km"), per(cameras, street_km, 2), y);
    figure_row(painter, fmt::format("{} ({})", text(lang, "watched"), text(lang, "dori.observe")),
               format_number(lang, r.watched_share[1] * 100, 1) + " %", y);
}

// Active cameras per period as a line over a light grid; the first, middle and last periods
// named under it.
double draw_growth(cairo_t* cr, TextPainter& painter, const AreaReport& r, Language lang,
                   double y) {
    y += painter.draw(text(lang, "growth"), margin, y, text_width, 14, true) + 8;
    if (r.growth.empty())
        return y + painter.draw(text(lang, "no_growth"), margin, y, text_width, 10) + 10;
    const double chart_h = 150, left = margin + 40, width = text_width - 40;
    std::int64_t top = 1;
    for (const auto& [period, active] : r.growth)
        top = std::max(top, active);
    cairo_set_source_rgb(cr, 0.8, 0.8, 0.8);
    cairo_set_line_width(cr, 0.5);
    for (int i = 0; i <= 4; ++i) {
        double gy = y + chart_h * i / 4.0;
        cairo_move_to(cr, left, gy);
        cairo_line_to(cr, left + width, gy);
        painter.draw(format_number(lang, static_cast<double>(top) * (4 - i) / 4.0, 0), margin,
                     gy - 5, 36, 7, false, grey, PANGO_ALIGN_RIGHT);
    }
    cairo_stroke(cr);
    const std::size_t n = r.growth.size();
    auto px = [&](std::size_t i) {
        return n == 1 ? left + width / 2
                      : left + width * static_cast<double>(i) / static_cast<double>(n - 1);
    };
    auto py = [&](std::int64_t v) {
        return y + chart_h - chart_h * static_cast<double>(v) / static_cast<double>(top);
    };
    cairo_set_source_rgb(cr, 0, 0x72 / 255.0, 0xB2 / 255.0);
    cairo_set_line_width(cr, 2);
    for (std::size_t i = 0; i < n; ++i) {
        if (i == 0)
            cairo_move_to(cr, px(i), py(r.growth[i].second));
        else
            cairo_line_to(cr, px(i), py(r.growth[i].second));
    }
    if (n == 1) cairo_arc(cr, px(0), py(r.growth[0].second), 2.5, 0, 2 * 3.14159265358979);
    cairo_stroke(cr);
    for (std::size_t i : {std::size_t{0}, n / 2, n - 1}) {
        if (n < 3 && i == n / 2 && i != 0 && i != n - 1) continue;
        painter.draw(r.growth[i].first, px(i) - 40, y + chart_h + 4, 80, 7, false, grey,
                     PANGO_ALIGN_CENTER);
    }
    return y + chart_h + 22;
}

// Page 2: watched shares per DORI level, cameras by type, growth, method.
void draw_second_page(cairo_t* cr, TextPainter& painter, const AreaReport& r, Language lang) {
    double y = margin;
    y += painter.draw(text(lang, "watched"), margin, y, text_width, 14, true) + 8;
    constexpr const char* levels[] = {"dori.detect", "dori.observe", "dori.recognise",
                                      "dori.identify"};
    for (std::size_t i = 0; i < 4; ++i) {
        const double share = std::clamp(r.watched_share[i], 0.0, 1.0);
        double h = painter.draw(text(lang, levels[i]), margin, y, text_width * 0.55, 9);
        const double bar_x = margin + text_width * 0.56, bar_w = text_width * 0.3;
        cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
        cairo_rectangle(cr, bar_x, y + 1, bar_w, 9);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0.84, 0.37, 0.0);  // vermillion, apart from the camera colours
        cairo_rectangle(cr, bar_x, y + 1, bar_w * share, 9);
        cairo_fill(cr);
        painter.draw(format_number(lang, share * 100, 1) + " %", bar_x + bar_w, y,
                     text_width * 0.14, 9, true, ink, PANGO_ALIGN_RIGHT);
        y += std::max(h, 12.0) + 5;
    }
    y += 14;
    y += painter.draw(text(lang, "by_kind"), margin, y, text_width, 14, true) + 6;
    for (const auto& [kind, count] : r.cameras_by_kind)
        y += figure_row(painter, kind_name(lang, kind),
                        format_number(lang, static_cast<double>(count), 0), y);
    y += 14;
    y = draw_growth(cr, painter, r, lang, y);
    y += 8;
    y += painter.draw(text(lang, "method"), margin, y, text_width, 14, true) + 6;
    painter.draw(text(lang, "method_text"), margin, y, text_width, 9);
}

}  // namespace

std::string render_report_pdf(const AreaReport& report, Language language) {
    std::string bytes;
    std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface(
        cairo_pdf_surface_create_for_stream(append_bytes, &bytes, page_width, page_height),
        &cairo_surface_destroy);
    check(cairo_surface_status(surface.get()), "surface");
    const std::string area =
        report.area_name.empty() ? std::string(text(language, "selected_area")) : report.area_name;
    cairo_pdf_surface_set_metadata(
        surface.get(), CAIRO_PDF_METADATA_TITLE,
        fmt::format(fmt::runtime(text(language, "title")), area).c_str());
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "Sightline");
    std::unique_ptr<cairo_t, decltype(&cairo_destroy)> cr(cairo_create(surface.get()),
                                                          &cairo_destroy);
    {
        TextPainter painter(cr.get());
        draw_first_page(cr.get(), painter, report, language);
        footer(painter, language, 1, 2);
        cairo_show_page(cr.get());
        draw_second_page(cr.get(), painter, report, language);
        footer(painter, language, 2, 2);
        cairo_show_page(cr.get());
    }
    check(cairo_status(cr.get()), "page");
    cr.reset();
    cairo_surface_finish(surface.get());
    check(cairo_surface_status(surface.get()), "finish");
    return bytes;
}

}  // namespace sightline::pdf
