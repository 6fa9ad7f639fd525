#include "model/camera.hpp"

namespace sightline::model {

std::string_view to_string(CameraStatus status) noexcept {
    switch (status) {
        case CameraStatus::reported:
            return "reported";
        case CameraStatus::verified:
            return "verified";
        case CameraStatus::disputed:
            return "disputed";
        case CameraStatus::removed:
            return "removed";
    }
    return "reported";
}

Result<CameraStatus> parse_camera_status(std::string_view text) {
    for (auto s : {CameraStatus::reported, CameraStatus::verified, CameraStatus::disputed,
                   CameraStatus::removed})
        if (text == to_string(s)) return s;
    return fail(Errc::invalid_argument, "status must be reported, verified, disputed or removed");
}

std::string camera_kind(const Tags& tags) {
    auto surveillance_type = tag(tags, "surveillance:type");
    if (surveillance_type && *surveillance_type == "ALPR") return "ALPR";
    if (auto camera_type = tag(tags, "camera:type")) return std::string(*camera_type);
    if (surveillance_type) return std::string(*surveillance_type);
    return "unknown";
}

}  // namespace sightline::model
