#pragma once
// The body of a submission that may carry photos (a report, a camera check): a JSON object, or
// multipart/form-data with one part named after the thing ("report", "check") holding that
// JSON and parts "photo". The photos are views into the request body.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "http/request.hpp"

namespace sightline::http {

struct UploadBody {
    nlohmann::json json;
    std::vector<std::string_view> photos;
};

struct UploadRules {
    std::string_view part;   ///< the JSON part's name, also the thing's name in messages
    std::size_t max_photos;  ///< more photo parts get too_large with `too_many`
    std::string too_many;    ///< "at most 4 photos per report"
};

/// invalid_argument for malformed JSON or parts (a missing or repeated JSON part, an unknown or
/// empty part), unsupported_media_type for a JSON part that is not JSON, too_large for too many
/// photos or one over max_photo_bytes.
Result<UploadBody> read_upload_body(const Request& req, std::size_t max_json_depth,
                                    const UploadRules& rules);

}  // namespace sightline::http
