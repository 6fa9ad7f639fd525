// Containers recognised by their leading bytes only: a file name or a declared content type can
// lie, the bytes that the demuxer will read cannot.

#include <array>

#include "video/video_scrubber.hpp"

namespace sightline::video {
namespace {

// ISO-BMFF brands of still images (HEIF, AVIF): those files are photos (photo/image_format.cpp
// claims the HEIF ones), not videos, even though they start with an ftyp box as MP4 does.
bool is_image_brand(std::string_view brand) {
    constexpr std::array<std::string_view, 10> brands = {"heic", "heix", "heim", "heis", "hevc",
                                                         "hevx", "mif1", "msf1", "avif", "avis"};
    for (auto b : brands)
        if (brand == b) return true;
    return false;
}

}  // namespace

bool looks_like_video(std::string_view bytes) noexcept {
    if (bytes.starts_with("\x1A\x45\xDF\xA3")) return true;  // EBML: Matroska, WebM
    if (bytes.size() >= 12 && bytes.substr(4, 4) == "ftyp")
        return !is_image_brand(bytes.substr(8, 4));
    return false;
}

}  // namespace sightline::video
