#include "services/area_report_service.hpp"

#include <algorithm>
#include <limits>
#include <map>

#include "core/clock.hpp"
#include "geo/polygon.hpp"
#include "model/camera.hpp"
#include "search/script.hpp"
#include "services/history_stats.hpp"

namespace sightline::services {
namespace {

// Buildings are drawn only where they would show: at the report's map scale a city's blocks
// are a grey wash, and reading them costs more than the rest of the report.
constexpr double max_area_with_buildings_km2 = 4;

std::optional<std::string> name_in(const model::District& d, std::string_view language) {
    for (const auto& [lang, name] : d.names)
        if (lang == language) return name;
    return std::nullopt;
}

}  // namespace

std::string district_name(const model::District& district, std::string_view language) {
    if (language == "en") return name_in(district, "en").value_or(district.name);
    if (language == "sr-Cyrl") return name_in(district, "sr").value_or(district.name);
    if (language == "sr-Latn" || language == "sr") {
        if (auto latin = name_in(district, "sr-Latn")) return *latin;
        if (auto serbian = name_in(district, "sr")) return search::serbian_to_latin(*serbian);
    }
    return district.name;
}

GrowthSource history_growth(store::Store& store) {
    return [&store](const geo::BBox& box) {
        const auto now = unix_now();
        const auto history = load_history(store, box, HistoryInterval::month, now);
        const bool by_year = history.periods.size() > 36;
        std::vector<std::pair<std::string, std::int64_t>> growth;
        for (const auto& p : history.periods) {
            // A year's figure is its last month's ("2024-05" -> "2024"): one read of the store.
            std::string period = by_year ? p.period.substr(0, 4) : p.period;
            if (by_year && !growth.empty() && growth.back().first == period)
                growth.back().second = p.active;
            else
                growth.emplace_back(std::move(period), p.active);
        }
        return growth;
    };
}

void AreaReportService::add_map_layers(pdf::AreaReport& report) {
    m_map.for_each_street(
        report.bbox, [&](const model::Street& street) { report.streets.push_back(street.points); });
    if (report.bbox.area_km2() <= max_area_with_buildings_km2)
        m_map.for_each_area(report.bbox, model::AreaKind::building, [&](const model::Area& area) {
            if (!area.rings.empty()) report.buildings.push_back(area.rings.front());
        });
}

Result<pdf::AreaReport> AreaReportService::gather(const AreaReportRequest& request) {
    if (request.bbox.has_value() == request.district.has_value())
        return fail(Errc::invalid_argument, "give either a bbox or a district");
    pdf::AreaReport report;
    report.generated_at = request.now;
    std::optional<geo::MultiPolygon> inside;  // a district's outline
    if (request.district) {
        auto found = m_districts.district(*request.district);
        if (!found) return std::unexpected(found.error());
        const auto& [figures, outline] = *found;
        report.area_name = district_name(figures.district, request.language);
        report.bbox = figures.bbox;
        report.outline = outline;
        report.area_km2 = figures.area_km2;
        report.cameras = figures.cameras;
        report.street_km = figures.street_m / 1000;
        for (std::size_t i = 0; i < report.watched_share.size(); ++i)
            report.watched_share[i] =
                figures.street_m > 0 ? figures.watched_m[i] / figures.street_m : 0;
        inside = outline;
    } else {
        CoverageRequest coverage;
        coverage.bbox = *request.bbox;
        coverage.cell_m = 100'000;  // one cell: only the totals are printed
        auto measured = m_analysis.coverage(coverage);
        if (!measured) return std::unexpected(measured.error());
        report.bbox = *request.bbox;
        report.area_km2 = request.bbox->area_km2();
        report.street_km = measured->street_m / 1000;
        for (std::size_t i = 0; i < report.watched_share.size(); ++i)
            report.watched_share[i] =
                measured->street_m > 0 ? measured->by_level_m[i] / measured->street_m : 0;
    }

    store::CameraQuery query;
    query.bbox = report.bbox;
    query.limit = std::numeric_limits<int>::max();
    std::map<std::string, std::int64_t> by_kind;
    std::int64_t counted = 0;
    for (const auto& camera : m_store.find_cameras(query)) {
        auto kind = model::camera_kind(camera.tags);
        report.camera_points.push_back({camera.location, kind});
        if (inside && !geo::contains(*inside, camera.location)) continue;
        ++by_kind[kind];
        ++counted;
    }
    if (!request.district) report.cameras = counted;
    report.cameras_by_kind.assign(by_kind.begin(), by_kind.end());
    std::stable_sort(report.cameras_by_kind.begin(), report.cameras_by_kind.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    if (m_growth) report.growth = m_growth(report.bbox);
    add_map_layers(report);
    return report;
}

}  // namespace sightline::services
