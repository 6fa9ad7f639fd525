#include "http/endpoints/download.hpp"

#include <memory>
#include <string>
#include <utility>

#include <fmt/core.h>

#include "http/conditional.hpp"
#include "services/camera_dumps.hpp"

namespace sightline::http {

Response streamed_download(store::CameraTextStream stream, std::string_view content_type,
                           std::string_view file_name) {
    Response response;
    response.content_type = std::string(content_type);
    response.with_header("Content-Disposition",
                         "attachment; filename=\"" + std::string(file_name) + "\"");
    auto shared = std::make_shared<store::CameraTextStream>(std::move(stream));
    response.body_stream = [shared] { return shared->next(); };
    return response;
}

CameraValidators camera_validators(services::Services& services, std::string_view variant) {
    CameraValidators v;
    v.camera_version = services.store.camera_version();
    v.last_modified = services.store.cameras_changed_at();
    // The data set's random id: a database made afresh counts its versions from 0 again.
    v.etag = fmt::format("W/\"{}-{}-{}\"", services.map.data_id(), v.camera_version, variant);
    return v;
}

Response& with_validators(Response& response, const CameraValidators& validators) {
    response.with_header("ETag", validators.etag);
    if (validators.last_modified > 0)
        response.with_header("Last-Modified", http_date(validators.last_modified));
    response.with_header("Cache-Control", "no-cache");
    response.with_header("Link", fmt::format("<{}>; rel=\"license\"", services::data_licence_url));
    return response;
}

std::optional<Response> not_modified(const Request& request, const CameraValidators& validators) {
    if (!is_not_modified(request, validators.etag, validators.last_modified)) return std::nullopt;
    Response response;
    response.status = 304;
    response.content_type.clear();
    with_validators(response, validators);
    return response;
}

}  // namespace sightline::http
