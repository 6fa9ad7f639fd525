#include "services/district_service.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <unordered_set>

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

namespace {

bool overlap(const geo::BBox& a, const geo::BBox& b) {
    return a.west <= b.east && b.west <= a.east && a.south <= b.north && b.south <= a.north;
}

// Neighbours one after the other (bands of 0.05 degrees, west to east and back), so that the
// viewsheds of cameras near a border, cached for one district, serve the next one too: in name
// order a country's districts thrashed the cache.
std::vector<std::size_t> neighbourly_order(const std::vector<model::District>& districts) {
    struct Place {
        std::size_t index;
        std::int64_t band;
        double lon;
    };
    std::vector<Place> places;
    for (std::size_t i = 0; i < districts.size(); ++i) {
        auto box = geo::BBox::empty_box();
        for (const auto& polygon : districts[i].polygons)
            for (auto p : polygon.front())
                box.extend(p);
        const auto band = static_cast<std::int64_t>(std::floor((box.south + box.north) / 2 / 0.05));
        const double lon = (box.west + box.east) / 2;
        places.push_back({i, band, band % 2 == 0 ? lon : -lon});
    }
    std::sort(places.begin(), places.end(), [](const Place& a, const Place& b) {
        return std::tie(a.band, a.lon) < std::tie(b.band, b.lon);
    });
    std::vector<std::size_t> order;
    for (const auto& p : places)
        order.push_back(p.index);
    return order;
}

}  // namespace

std::optional<std::vector<bool>> DistrictService::touched(
    const DistrictTable& before, const std::vector<store::CameraStamp>& now) const {
    std::vector<geo::LatLon> changed;  // old and new places
    std::size_t cameras = 0;           // that changed
    std::size_t still_there = 0;
    for (const auto& c : now) {
        auto it = before.cameras.find(c.id.value);
        if (it == before.cameras.end()) {
            changed.push_back(c.location);
            ++cameras;
            continue;
        }
        ++still_there;
        const auto& old = it->second;
        if (old.updated_at == c.updated_at && old.removed == c.removed &&
            old.location == c.location)
            continue;
        changed.push_back(old.location);
        changed.push_back(c.location);
        ++cameras;
    }
    if (still_there < before.cameras.size()) {  // rows deleted since (not merely removed)
        std::unordered_set<std::int64_t> present;
        for (const auto& c : now)
            present.insert(c.id.value);
        for (const auto& [id, old] : before.cameras)
            if (!present.contains(id)) {
                changed.push_back(old.location);
                ++cameras;
            }
    }
    if (cameras > max_incremental_cameras) return std::nullopt;
    const double reach_m = m_analysis.options().max_range_m;
    std::vector<bool> out(before.districts.size(), false);
    for (auto p : changed) {
        const auto reach = geo::BBox::around(p, reach_m);
        for (std::size_t i = 0; i < out.size(); ++i)
            if (!out[i] && overlap(reach, before.districts[i].bbox)) out[i] = true;
    }
    return out;
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
    std::shared_ptr<const DistrictTable> before;
    {
        std::lock_guard lock(m_mutex);
        before = m_table;
    }
    auto publish = [this](std::shared_ptr<DistrictTable> fresh) {
        std::lock_guard lock(m_mutex);
        m_table = fresh;
        return std::shared_ptr<const DistrictTable>(std::move(fresh));
    };

    auto fresh = std::make_shared<DistrictTable>();
    // Versions first, then the cameras, then the measuring: a change during it makes the next
    // call look again, and a change the stamps already show is in what gets measured.
    fresh->camera_version = m_store.camera_version();
    fresh->map_version = m_map.map_version();
    const auto stamps = m_store.camera_stamps();
    fresh->cameras.reserve(stamps.size());
    for (const auto& c : stamps)
        fresh->cameras.emplace(c.id.value, c);

    // Same map, a few cameras changed: the districts out of their reach keep their figures.
    if (before && before->map_version == fresh->map_version) {
        if (auto touched = this->touched(*before, stamps)) {
            fresh->level = before->level;
            fresh->incomplete = before->incomplete;
            fresh->districts = before->districts;
            const auto total =
                static_cast<std::size_t>(std::count(touched->begin(), touched->end(), true));
            bool complete = true;
            for (std::size_t i = 0; i < touched->size() && complete; ++i) {
                if (!(*touched)[i]) continue;
                if (m_stopping) return fail(Errc::unavailable, "the server is stopping");
                auto outline = m_map.find_district(fresh->districts[i].district.id);
                if (!outline || !outline->complete) {
                    complete = false;  // the map changed under us: measure everything
                    break;
                }
                auto figures = measure(*outline);
                if (!figures) return std::unexpected(figures.error());
                fresh->districts[i] = std::move(*figures);
                ++fresh->measured;
                if (progress) progress("districts", fresh->measured, total);
            }
            if (complete) return publish(std::move(fresh));
            fresh->districts.clear();
            fresh->incomplete.clear();
            fresh->measured = 0;
        }
    }

    auto districts = m_map.districts(/*with_polygons=*/true);
    std::vector<std::optional<DistrictFigures>> figures(districts.size());
    const std::size_t complete = static_cast<std::size_t>(
        std::count_if(districts.begin(), districts.end(),
                      [](const model::District& d) { return d.complete && !d.polygons.empty(); }));
    for (std::size_t i : neighbourly_order(districts)) {
        const auto& district = districts[i];
        if (!district.complete || district.polygons.empty()) continue;
        if (m_stopping) return fail(Errc::unavailable, "the server is stopping");
        auto measured = measure(district);
        if (!measured) return std::unexpected(measured.error());
        figures[i] = std::move(*measured);
        ++fresh->measured;
        if (progress) progress("districts", fresh->measured, complete);
    }
    for (std::size_t i = 0; i < districts.size(); ++i) {  // by name, as the store gives them
        if (figures[i]) {
            fresh->level = std::max(fresh->level, districts[i].admin_level);
            fresh->districts.push_back(std::move(*figures[i]));
        } else {
            fresh->incomplete.push_back(std::move(districts[i]));
        }
    }
    return publish(std::move(fresh));
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
