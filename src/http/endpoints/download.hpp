#pragma once
// An open-data export as a download sent piece by piece (chunked), so the server holds one piece
// per client, not the document (Response::body_stream).

#include <string_view>

#include "http/request.hpp"
#include "store/camera_text_stream.hpp"

namespace sightline::http {

/// 200 with Content-Disposition: attachment; filename="<file_name>".
Response streamed_download(store::CameraTextStream stream, std::string_view content_type,
                           std::string_view file_name);

}  // namespace sightline::http
