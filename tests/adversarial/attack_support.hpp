#pragma once
// What the adversarial tests share: images made with ffmpeg (a worst-case PNG, a large JPEG),
// multipart report bodies, raw request heads, and the resident memory of the server process.

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "support/http_client.hpp"

namespace sightline::testing {

inline constexpr std::string_view attack_boundary = "sightline-adversarial-boundary-Q7x";

/// An image made by `ffmpeg -f lavfi -i <source> -frames:v 1 <dir>/<name>`; returns its bytes.
/// Throws std::runtime_error when ffmpeg fails.
std::string make_image(const std::filesystem::path& dir, std::string_view name,
                       std::string_view lavfi_source);
/// A multipart/form-data report (part "report", JSON) with one photo (part "photo").
std::string multipart_report(std::string_view photo, std::string_view photo_type,
                             double lat = 45.8129, double lon = 15.9772);
/// Content-Type for multipart_report().
HttpClient::Headers multipart_headers();
/// "POST /api/v1/reports HTTP/1.1" head with Host, the multipart Content-Type and Content-Length.
std::string report_request_head(std::size_t content_length);
/// VmRSS of a process in bytes (from /proc/PID/status); 0 if it cannot be read.
std::size_t resident_bytes(pid_t pid);

}  // namespace sightline::testing
