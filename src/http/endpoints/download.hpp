#pragma once
// Open-data downloads: an export sent piece by piece (chunked), so the server holds one piece per
// client, not the document (Response::body_stream); and the validators (ETag, Last-Modified) that
// let mirrors and feed readers fetch only what changed.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/request.hpp"
#include "services/services.hpp"
#include "store/camera_text_stream.hpp"

namespace sightline::http {

/// 200 with Content-Disposition: attachment; filename="<file_name>".
Response streamed_download(store::CameraTextStream stream, std::string_view content_type,
                           std::string_view file_name);

/// What a client compares to learn whether something made from the cameras changed.
struct CameraValidators {
    std::string etag;                ///< weak: the body also holds the time it was made
    std::int64_t last_modified = 0;  ///< unix seconds of the newest camera change; 0: none
    std::int64_t camera_version = 0;
};

/// W/"<data set id>-<camera version>-<variant>" and the time of the newest camera change. Read
/// before the body is made, so the ETag never names a newer state than the body holds.
CameraValidators camera_validators(services::Services& services, std::string_view variant);

/// Adds ETag, Last-Modified, Cache-Control: no-cache (revalidate, then use) and
/// Link: <licence>; rel="license".
Response& with_validators(Response& response, const CameraValidators& validators);

/// A 304 without body (with the validators) when the request's If-None-Match or
/// If-Modified-Since says the client has the current version; otherwise nullopt.
std::optional<Response> not_modified(const Request& request, const CameraValidators& validators);

}  // namespace sightline::http
