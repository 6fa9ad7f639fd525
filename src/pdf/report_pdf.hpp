#pragma once
// The printable report of an area as a PDF (cairo, text laid out with Pango in DejaVu Sans):
// page 1 the map and key figures, page 2 the watched shares, the cameras by type, their growth
// and the method, in the reader's language.

#include <string>

#include "core/error.hpp"
#include "pdf/area_report.hpp"
#include "pdf/report_text.hpp"

namespace sightline::pdf {

/// The PDF's bytes. Throws sightline::Exception if cairo fails (out of memory).
std::string render_report_pdf(const AreaReport& report, Language language);

}  // namespace sightline::pdf
