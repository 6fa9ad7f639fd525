#include "http/endpoints/upload_body.hpp"

#include <fmt/core.h>

#include "http/endpoints/json_body.hpp"
#include "http/endpoints/photo_endpoints.hpp"
#include "http/multipart.hpp"

namespace sightline::http {

Result<UploadBody> read_upload_body(const Request& req, std::size_t max_json_depth,
                                    const UploadRules& rules) {
    auto boundary = multipart_boundary(req.header("content-type").value_or(""));
    if (!boundary) return std::unexpected(boundary.error());
    UploadBody upload;
    if (!*boundary) {
        auto body = parse_json_object(req, max_json_depth);
        if (!body) return std::unexpected(body.error());
        upload.json = std::move(*body);
        return upload;
    }
    auto parts = parse_multipart(
        req.body, **boundary, {.max_parts = rules.max_photos + 2, .max_part_header_bytes = 4096});
    if (!parts) {
        if (parts.error().code == Errc::too_large) return fail(Errc::too_large, rules.too_many);
        return std::unexpected(parts.error());
    }
    bool have_json = false;
    for (const auto& part : *parts) {
        if (part.name == rules.part) {
            if (have_json)
                return fail(Errc::invalid_argument, fmt::format("send one '{}' part", rules.part));
            if (!part.content_type.empty() && !is_json_media_type(part.content_type))
                return fail(Errc::unsupported_media_type,
                            fmt::format("the '{}' part must be application/json", rules.part));
            auto json = parse_json_object_text(part.body, max_json_depth);
            if (!json) return std::unexpected(json.error());
            upload.json = std::move(*json);
            have_json = true;
        } else if (part.name == "photo") {
            if (upload.photos.size() == rules.max_photos)
                return fail(Errc::too_large, rules.too_many);
            if (part.body.size() > max_photo_bytes)
                return fail(Errc::too_large, fmt::format("a photo may have at most {} MB",
                                                         max_photo_bytes / (1024 * 1024)));
            if (part.body.empty()) return fail(Errc::invalid_argument, "a 'photo' part is empty");
            upload.photos.push_back(part.body);
        } else {
            std::string shown = part.name.size() > 40 ? part.name.substr(0, 40) + "..." : part.name;
            return fail(
                Errc::invalid_argument,
                fmt::format("unknown part '{}' (expected '{}' and 'photo')", shown, rules.part));
        }
    }
    if (!have_json)
        return fail(Errc::invalid_argument,
                    fmt::format("a multipart {} needs a part named '{}'", rules.part, rules.part));
    return upload;
}

}  // namespace sightline::http
