#include "model/report.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/core.h>

#include "geo/distance.hpp"
#include "model/camera.hpp"

namespace sightline::model {

std::string_view to_string(ReportStatus status) noexcept {
    switch (status) {
        case ReportStatus::pending:
            return "pending";
        case ReportStatus::accepted:
            return "accepted";
        case ReportStatus::merged:
            return "merged";
        case ReportStatus::rejected:
            return "rejected";
        case ReportStatus::withdrawn:
            return "withdrawn";
    }
    return "pending";
}

Result<ReportStatus> parse_report_status(std::string_view text) {
    for (auto s : {ReportStatus::pending, ReportStatus::accepted, ReportStatus::merged,
                   ReportStatus::rejected, ReportStatus::withdrawn})
        if (text == to_string(s)) return s;
    return fail(Errc::invalid_argument,
                "status must be pending, accepted, merged, rejected or withdrawn");
}

Result<NewReport> validate_report(NewReport r) {
    if (!r.location.is_valid())
        return fail(Errc::invalid_argument,
                    "location must have lat in -90..90 and lon in -180..180");
    if (r.accuracy_m && !(*r.accuracy_m >= 0 && *r.accuracy_m <= max_accuracy_m))
        return fail(Errc::invalid_argument,
                    fmt::format("accuracy_m must be between 0 and {}", max_accuracy_m));
    if (r.directions_deg.size() > max_directions)
        return fail(Errc::invalid_argument,
                    fmt::format("at most {} directions are allowed", max_directions));
    for (double d : r.directions_deg)
        if (!(d >= 0 && d < 360))
            return fail(Errc::invalid_argument, "directions_deg must be in [0, 360)");
    if (!is_clean_utf8(r.note) && !r.note.empty()) {
        // Notes may contain line breaks; check them without \n, \r and \t.
        std::string stripped;
        for (char c : r.note)
            if (c != '\n' && c != '\r' && c != '\t') stripped += c;
        if (!is_clean_utf8(stripped))
            return fail(Errc::invalid_argument, "note must be valid UTF-8 text");
    }
    if (utf8_length(r.note) > max_note_length)
        return fail(Errc::invalid_argument,
                    fmt::format("note is limited to {} characters", max_note_length));
    if (auto ok = validate_tags(r.tags); !ok) return std::unexpected(ok.error());
    if (r.photos.size() > max_photos_per_report)
        return fail(Errc::too_large,
                    fmt::format("at most {} photos per report", max_photos_per_report));
    for (const auto& photo : r.photos)
        if (!is_sha256_hex(photo.sha256))
            return fail(Errc::invalid_argument, "photo hash must be 64 lowercase hex digits");

    r.tags.try_emplace("man_made", "surveillance");
    auto direction_tag = tag(r.tags, "camera:direction");
    if (!direction_tag && !r.directions_deg.empty()) {
        r.tags["camera:direction"] = format_directions(r.directions_deg);
    } else if (direction_tag && r.directions_deg.empty()) {
        r.directions_deg = *parse_directions(*direction_tag);  // validated above
    } else if (direction_tag) {
        auto tagged = *parse_directions(*direction_tag);
        bool same = tagged.size() == r.directions_deg.size();
        for (std::size_t i = 0; same && i < tagged.size(); ++i)
            same = geo::heading_difference_deg(tagged[i], r.directions_deg[i]) < 0.5;
        if (!same)
            return fail(Errc::invalid_argument,
                        "directions_deg and the camera:direction tag disagree; give one of them");
    }
    return r;
}

DuplicateCandidate score_duplicate(const NewReport& report, CameraId id,
                                   geo::LatLon camera_location, const Tags& camera_tags) {
    DuplicateCandidate c;
    c.camera_id = id;
    c.distance_m = geo::distance_m(report.location, camera_location);
    std::string report_kind = camera_kind(report.tags);
    std::string existing_kind = camera_kind(camera_tags);
    c.same_kind =
        report_kind == existing_kind || report_kind == "unknown" || existing_kind == "unknown";

    // Distance term: 1 at the same spot, 0 at the search radius widened by the report's
    // stated GPS accuracy (phones are often 5-20 m off in street canyons).
    double reach = duplicate_radius_m + std::min(report.accuracy_m.value_or(0.0), 50.0);
    double distance_score = std::clamp(1.0 - c.distance_m / reach, 0.0, 1.0);
    double kind_score = c.same_kind ? 1.0 : 0.3;
    // Direction term: neutral when either side gives no direction.
    double direction_score = 1.0;
    auto existing_dir = tag(camera_tags, "camera:direction");
    if (!report.directions_deg.empty() && existing_dir) {
        if (auto dirs = parse_directions(*existing_dir); dirs && !dirs->empty()) {
            double best = 180;
            for (double a : report.directions_deg)
                for (double b : *dirs)
                    best = std::min(best, geo::heading_difference_deg(a, b));
            direction_score = best <= 45 ? 1.0 : (best <= 90 ? 0.7 : 0.4);
        }
    }
    c.score = distance_score * kind_score * direction_score;
    return c;
}

}  // namespace sightline::model
