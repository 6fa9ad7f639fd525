// Image formats recognised by their leading bytes only: a file name or a declared content type
// can lie, the bytes that the decoder will read cannot.

#include <array>

#include "photo/photo_pipeline.hpp"

namespace sightline::photo {
namespace {

bool starts_with_bytes(std::string_view bytes, std::string_view magic, std::size_t at = 0) {
    return bytes.size() >= at + magic.size() && bytes.substr(at, magic.size()) == magic;
}

// ISO-BMFF "ftyp" brands of HEIF still images (ISO/IEC 23008-12). "mif1"/"msf1" are also the
// base brands of AVIF, which libheif decodes as well; plain "avif"/"avis" majors are refused.
bool is_heif_brand(std::string_view brand) {
    constexpr std::array<std::string_view, 8> brands = {"heic", "heix", "heim", "heis",
                                                        "hevc", "hevx", "mif1", "msf1"};
    for (auto b : brands)
        if (brand == b) return true;
    return false;
}

}  // namespace

std::string_view to_string(ImageFormat format) noexcept {
    switch (format) {
        case ImageFormat::jpeg:
            return "jpeg";
        case ImageFormat::png:
            return "png";
        case ImageFormat::webp:
            return "webp";
        case ImageFormat::heif:
            return "heif";
    }
    return "jpeg";
}

std::string_view mime_type(ImageFormat format) noexcept {
    switch (format) {
        case ImageFormat::jpeg:
            return "image/jpeg";
        case ImageFormat::png:
            return "image/png";
        case ImageFormat::webp:
            return "image/webp";
        case ImageFormat::heif:
            return "image/heic";
    }
    return "image/jpeg";
}

std::string_view file_extension(ImageFormat format) noexcept {
    switch (format) {
        case ImageFormat::jpeg:
            return "jpg";
        case ImageFormat::png:
            return "png";
        case ImageFormat::webp:
            return "webp";
        case ImageFormat::heif:
            return "heic";
    }
    return "jpg";
}

Result<ImageFormat> sniff_format(std::string_view bytes) {
    if (bytes.empty()) return fail(Errc::unsupported_media_type, "the file is empty");
    if (starts_with_bytes(bytes, "\xFF\xD8\xFF")) return ImageFormat::jpeg;
    if (starts_with_bytes(bytes, "\x89PNG\r\n\x1A\n")) return ImageFormat::png;
    if (starts_with_bytes(bytes, "RIFF") && starts_with_bytes(bytes, "WEBP", 8))
        return ImageFormat::webp;
    if (starts_with_bytes(bytes, "ftyp", 4) && bytes.size() >= 12 &&
        is_heif_brand(bytes.substr(8, 4)))
        return ImageFormat::heif;
    return fail(Errc::unsupported_media_type,
                "not a JPEG, PNG, WebP or HEIC image (judged by its content)");
}

}  // namespace sightline::photo
