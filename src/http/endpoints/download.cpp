#include "http/endpoints/download.hpp"

#include <memory>
#include <string>
#include <utility>

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

}  // namespace sightline::http
