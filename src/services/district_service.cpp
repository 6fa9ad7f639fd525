#include "services/district_service.hpp"

#include <algorithm>
#include <limits>

#include <fmt/core.h>

#include "geo/polygon.hpp"

namespace sightline::services {

Result<DistrictFigures> DistrictService::measure(const model::District& district) {
    DistrictFigures f;
    f.bbox = geo::BBox::empty_box();
    for (const auto& polygon : district.polygons)
        for (auto p : polygon.front())
            f.bbox.extend(p);
    f.area_km2 = geo::area_m2(district.polygons) / 1e6;

    store::CameraQuery query;
    query.bbox = f.bbox;
    query.limit = std::numeric_limits<int>::max();
    for (const auto& camera : m_store.find_cameras(query))
        if (geo::contains(district.polygons, camera.location)) ++f.cameras;

    CoverageRequest request;
    request.districts.push_back(analysis::DistrictArea{district.name, district.polygons});
    request.max_area_km2 = std::numeric_limits<double>::infinity();  // a district is bounded
    auto coverage = m_analysis.coverage(request);
    if (!coverage) return std::unexpected(coverage.error());
    if (!coverage->cells.empty()) {
        f.street_m = coverage->cells.front().street_m;
        f.watched_m = coverage->cells.front().by_level_m;
    }
    f.district = district;
    f.district.polygons.clear();
    return f;
}

Result<std::shared_ptr<const DistrictTable>> DistrictService::table(
    const AnalysisProgress& progress) {
    auto current = [this]() -> std::shared_ptr<const DistrictTable> {
        std::lock_guard lock(m_mutex);
        if (m_table && m_table->camera_version == m_store.camera_version() &&
            m_table->map_version == m_map.map_version())
            return m_table;
        return nullptr;
    };
    if (auto table = current()) return table;
    std::lock_guard compute(m_compute);
    if (auto table = current()) return table;  // another caller computed it meanwhile

    auto fresh = std::make_shared<DistrictTable>();
    // Versions first: a change during the computation makes the next call compute again.
    fresh->camera_version = m_store.camera_version();
    fresh->map_version = m_map.map_version();
    auto districts = m_map.districts(/*with_polygons=*/true);
    std::size_t complete = static_cast<std::size_t>(std::count_if(
        districts.begin(), districts.end(), [](const model::District& d) { return d.complete; }));
    std::size_t done = 0;
    for (auto& district : districts) {
        if (!district.complete || district.polygons.empty()) {
            fresh->incomplete.push_back(std::move(district));
            continue;
        }
        auto figures = measure(district);
        if (!figures) return std::unexpected(figures.error());
        fresh->level = std::max(fresh->level, district.admin_level);
        fresh->districts.push_back(std::move(*figures));
        if (progress) progress("districts", ++done, complete);
    }
    std::lock_guard lock(m_mutex);
    m_table = fresh;
    return std::shared_ptr<const DistrictTable>(fresh);
}

Result<std::pair<DistrictFigures, geo::MultiPolygon>> DistrictService::district(std::int64_t id) {
    auto outline = m_map.find_district(id);
    if (!outline || !outline->complete)
        return fail(Errc::not_found, fmt::format("no district {}", id));
    auto table = this->table();
    if (!table) return std::unexpected(table.error());
    for (const auto& f : (*table)->districts)
        if (f.district.id == id) return std::pair{f, std::move(outline->polygons)};
    // Imported after the table was read: measure it on its own.
    auto figures = measure(*outline);
    if (!figures) return std::unexpected(figures.error());
    return std::pair{std::move(*figures), std::move(outline->polygons)};
}

}  // namespace sightline::services
