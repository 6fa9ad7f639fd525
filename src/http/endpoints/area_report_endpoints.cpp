// GET /api/v1/report.pdf?bbox=|district=&lang=: the printable report of an area or a district.

#include "core/clock.hpp"
#include "http/endpoints/endpoints.hpp"
#include "http/endpoints/json_body.hpp"
#include "http/response.hpp"
#include "pdf/report_pdf.hpp"

namespace sightline::http {
namespace {

Response area_report(const Request& req, ApiContext& ctx) {
    services::AreaReportRequest request;
    auto bbox = req.query_param("bbox");
    auto district = req.query_param("district");
    if (bbox.has_value() == district.has_value())
        return error_response(
            Error{Errc::invalid_argument, "give either bbox=west,south,east,north or district=ID"});
    if (bbox) {
        auto box = geo::parse_bbox(*bbox);
        if (!box) return error_response(box.error());
        request.bbox = *box;
    } else {
        auto id = parse_id(district, "district");
        if (!id) return error_response(id.error());
        request.district = *id;
    }
    auto lang_text = req.query_param("lang").value_or("en");
    auto language = pdf::parse_language(lang_text);
    if (!language)
        return error_response(Error{Errc::invalid_argument, "lang must be en, sr-Latn or sr-Cyrl"});
    request.language = std::string(lang_text);
    request.now = unix_now();
    auto report = ctx.services.area_reports.gather(request);
    if (!report) return error_response(report.error());
    Response response;
    response.content_type = "application/pdf";
    response.body = pdf::render_report_pdf(*report, *language);
    response.with_header("Content-Disposition", "inline; filename=\"sightline-report.pdf\"");
    return response;
}

}  // namespace

void register_area_report_routes(Router& router, ApiContext& ctx) {
    router.add("GET", "/api/v1/report.pdf",
               [&ctx](const Request& r) { return area_report(r, ctx); });
    router.set_lane("GET", "/api/v1/report.pdf", Lane::heavy);  // coverage, then drawing
}

}  // namespace sightline::http
