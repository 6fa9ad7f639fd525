#include "adversarial/attack_support.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

namespace sightline::testing {

std::string make_image(const std::filesystem::path& dir, std::string_view name,
                       std::string_view lavfi_source) {
    const auto path = dir / std::string(name);
    const std::string command = fmt::format(
        "ffmpeg -hide_banner -loglevel error -nostdin -y -f lavfi -i '{}' -frames:v 1 '{}'",
        lavfi_source, path.string());
    if (std::system(command.c_str()) != 0)
        throw std::runtime_error("ffmpeg could not make a test image: " + command);
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string multipart_report(std::string_view photo, std::string_view photo_type, double lat,
                             double lon) {
    const nlohmann::json report{{"location", {{"lat", lat}, {"lon", lon}}},
                                {"tags", {{"camera:type", "fixed"}}}};
    std::string body;
    body +=
        fmt::format("--{}\r\nContent-Disposition: form-data; name=\"report\"\r\n", attack_boundary);
    body += "Content-Type: application/json\r\n\r\n" + report.dump() + "\r\n";
    body += fmt::format(
        "--{}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"photo\"\r\n",
        attack_boundary);
    body += fmt::format("Content-Type: {}\r\n\r\n", photo_type);
    body += photo;
    body += fmt::format("\r\n--{}--\r\n", attack_boundary);
    return body;
}

HttpClient::Headers multipart_headers() {
    return {{"Content-Type", fmt::format("multipart/form-data; boundary={}", attack_boundary)}};
}

std::string report_request_head(std::size_t content_length) {
    return fmt::format(
        "POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: multipart/form-data; boundary={}\r\nContent-Length: {}\r\n\r\n",
        attack_boundary, content_length);
}

std::size_t resident_bytes(pid_t pid) {
    std::ifstream status(fmt::format("/proc/{}/status", pid));
    std::string line;
    while (std::getline(status, line)) {
        if (!line.starts_with("VmRSS:")) continue;
        std::istringstream fields(line.substr(6));
        std::size_t kib = 0;
        fields >> kib;
        return kib * 1024;
    }
    return 0;
}

}  // namespace sightline::testing
