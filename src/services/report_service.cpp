#include "services/report_service.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/core.h>

#include "analysis/local_frame.hpp"
#include "core/clock.hpp"
#include "services/crypto.hpp"

namespace sightline::services {

ReportService::ReportService(store::Store& store, PhotoService& photos, ReportOptions options,
                             store::MapStore* map)
    : m_store(store),
      m_photos(photos),
      m_options(options),
      m_limiter(options.burst, options.per_hour),
      m_map(map) {}

std::optional<double> ReportService::nearest_street_m(geo::LatLon location) {
    if (m_map == nullptr) return std::nullopt;
    constexpr double search_m = 2.5 * far_from_street_m;
    const analysis::LocalFrame frame(location);
    std::optional<double> nearest;
    m_map->for_each_street(geo::BBox::around(location, search_m), [&](const model::Street& s) {
        for (std::size_t i = 0; i + 1 < s.points.size(); ++i) {
            double d = std::sqrt(analysis::squared_distance_to_segment(
                {0, 0}, frame.to_local(s.points[i]), frame.to_local(s.points[i + 1])));
            if (!nearest || d < *nearest) nearest = d;
        }
    });
    if (nearest) return nearest;
    // Nothing close: far from the streets if the map reaches here, unknown if it does not.
    auto bounds = m_map->street_bounds();
    if (bounds && bounds->contains(location)) return search_m;
    return std::nullopt;
}

Result<SubmittedReport> ReportService::submit(model::NewReport input, std::uint64_t client_key,
                                              std::span<const std::string_view> photos) {
    if (photos.size() > model::max_photos_per_report)
        return fail(Errc::too_large,
                    fmt::format("at most {} photos per report", model::max_photos_per_report));
    auto report = model::validate_report(std::move(input));
    if (!report) return std::unexpected(report.error());
    // Before the expensive part: a flood of photos is refused before any is decoded.
    if (!m_limiter.allow(client_key, monotonic_seconds()))
        return fail(Errc::rate_limited, "too many reports from this connection; try again later");

    PlausibilityFacts facts;
    facts.nearest_street_m = nearest_street_m(report->location);
    facts.recent_reports_from_client =
        m_recent.record(client_key, monotonic_seconds(), burst_window_s);
    report->flags = plausibility_flags(*report, facts, analysis::CameraCatalogue::builtin());

    SubmittedReport result;
    if (!photos.empty()) {
        auto uploads = m_photos.scrub_and_write(photos);
        if (!uploads) return std::unexpected(uploads.error());
        result.photos = std::move(*uploads);
        for (const auto& upload : result.photos)
            report->photos.push_back(upload.record);
    }
    result.withdraw_token = random_token(24);
    auto id = m_store.insert_report(*report, sha256_hex(result.withdraw_token),
                                    round_down_to_hour(unix_now()));
    if (!id) {
        if (!photos.empty()) m_photos.discard_unreferenced();
        return std::unexpected(id.error());
    }
    result.id = *id;
    // The report is stored: from here on nothing may turn the answer into an error, or the
    // client would send it again. Likely duplicates are a hint; without the store, none.
    try {
        result.likely_duplicates = likely_duplicates(*report);
    } catch (const UnavailableError&) {
        result.likely_duplicates.clear();
    }
    return result;
}

Result<model::CameraCheck> ReportService::check_camera(model::CameraId id, model::NewCheck input,
                                                       std::uint64_t client_key,
                                                       std::span<const std::string_view> photos) {
    if (photos.size() > model::max_photos_per_check)
        return fail(Errc::too_large, "a check may carry one photo");
    auto check = model::validate_check(std::move(input));
    if (!check) return std::unexpected(check.error());
    if (!m_limiter.allow(client_key, monotonic_seconds()))
        return fail(Errc::rate_limited, "too many reports from this connection; try again later");
    if (!photos.empty()) {
        // Seconds of CPU per photo: not for a camera that cannot be checked.
        auto camera = m_store.find_camera(id);
        if (!camera) return std::unexpected(camera.error());
        if (camera->status == model::CameraStatus::removed)
            return fail(Errc::conflict, "this camera was removed; report it anew if it is back");
        auto uploads = m_photos.scrub_and_write(photos);
        if (!uploads) return std::unexpected(uploads.error());
        for (const auto& upload : *uploads)
            check->photos.push_back(upload.record);
    }
    // The hour, as for reports: when exactly someone walked past is nobody's business.
    auto stored = m_store.insert_check(id, *check, round_down_to_hour(unix_now()));
    if (!stored && !photos.empty()) m_photos.discard_unreferenced();
    return stored;
}

Status ReportService::withdraw(model::ReportId id, std::string_view withdraw_token) {
    if (withdraw_token.empty() || withdraw_token.size() > 256)
        return fail(Errc::not_found, "no such report, or wrong withdraw token");
    auto ok = m_store.withdraw_report(id, sha256_hex(withdraw_token));
    if (ok) m_photos.discard_unreferenced();
    return ok;
}

std::vector<model::DuplicateCandidate> ReportService::likely_duplicates(
    const model::NewReport& report) {
    double radius = model::duplicate_radius_m + std::min(report.accuracy_m.value_or(0.0), 50.0);
    std::vector<model::DuplicateCandidate> out;
    for (const auto& camera : m_store.cameras_near(report.location, radius, 20)) {
        auto candidate = model::score_duplicate(report, camera.id, camera.location, camera.tags);
        if (candidate.score > 0) out.push_back(candidate);
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.score > b.score; });
    if (out.size() > static_cast<std::size_t>(m_options.max_duplicates))
        out.resize(m_options.max_duplicates);
    return out;
}

namespace {
model::NewReport as_new_report(const model::Report& r) {
    return model::NewReport{r.location, r.accuracy_m, r.directions_deg, r.tags,
                            r.note,     r.photos,     r.flags};
}
}  // namespace

std::vector<ReportForReview> ReportService::list_for_review(const store::ReportQuery& query) {
    std::vector<ReportForReview> out;
    for (auto& report : m_store.list_reports(query)) {
        std::vector<model::DuplicateCandidate> dups;
        if (report.status == model::ReportStatus::pending)
            dups = likely_duplicates(as_new_report(report));
        auto similar = m_photos.similar_to(report, m_options.max_duplicates);
        out.push_back({std::move(report), std::move(dups), std::move(similar)});
    }
    return out;
}

Result<ReportForReview> ReportService::find_for_review(model::ReportId id) {
    auto report = m_store.find_report(id);
    if (!report) return std::unexpected(report.error());
    std::vector<model::DuplicateCandidate> dups;
    if (report->status == model::ReportStatus::pending)
        dups = likely_duplicates(as_new_report(*report));
    auto similar = m_photos.similar_to(*report, m_options.max_duplicates);
    return ReportForReview{std::move(*report), std::move(dups), std::move(similar)};
}

}  // namespace sightline::services
