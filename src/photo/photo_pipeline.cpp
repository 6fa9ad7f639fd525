// The photo intake with libvips: limits checked on the header, pixels decoded into one buffer,
// rotated upright, faces blurred in place, and re-encoded from raw pixels so that no metadata
// can survive (the new image never had any).

#include "photo/photo_pipeline.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <memory>
#include <mutex>
#include <thread>

#include <vips/vips.h>

#include "faces/face_blur.hpp"
#include "photo/photo_metadata.hpp"

namespace sightline::photo {
namespace {

struct GObjectUnref {
    void operator()(VipsImage* image) const noexcept { g_object_unref(image); }
};
using ImagePtr = std::unique_ptr<VipsImage, GObjectUnref>;

struct GFree {
    void operator()(void* p) const noexcept { g_free(p); }
};
using VipsBuffer = std::unique_ptr<void, GFree>;

// libheif's default is 50; 60 keeps street signs and camera housings legible.
constexpr int heif_quality = 60;
constexpr int thumbnail_quality = 80;

void ignore_log(const gchar*, GLogLevelFlags, const gchar*, gpointer) {}

void initialise_vips() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (VIPS_INIT("sightline") != 0) throw Exception("libvips could not be initialised");
        // A server decodes each upload once: the operation cache would only hold pixel buffers.
        vips_cache_set_max(0);
        vips_cache_set_max_mem(0);
        // Requests already run in parallel; a few vips threads per image are enough.
        vips_concurrency_set(
            static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u)));
        // Decoder warnings ("premature end of JPEG file") become our own error values instead.
        g_log_set_handler("VIPS",
                          static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE |
                                                      G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG),
                          ignore_log, nullptr);
    });
}

std::unexpected<Error> vips_failure(Errc code, std::string message) {
    vips_error_clear();  // vips' own messages name internals; the caller gets ours
    return fail(code, std::move(message));
}

// Reads the header only: the pixels are decoded later, sequentially, when they are written out.
// `bytes` must outlive the image.
Result<ImagePtr> open_image(std::string_view bytes, ImageFormat format) {
    initialise_vips();
    void* data = const_cast<char*>(bytes.data());  // vips loaders never write to the buffer
    VipsImage* out = nullptr;
    int rc = -1;
    switch (format) {
        case ImageFormat::jpeg:
            rc = vips_jpegload_buffer(data, bytes.size(), &out, "access", VIPS_ACCESS_SEQUENTIAL,
                                      "fail_on", VIPS_FAIL_ON_TRUNCATED, nullptr);
            break;
        case ImageFormat::png:
            rc = vips_pngload_buffer(data, bytes.size(), &out, "access", VIPS_ACCESS_SEQUENTIAL,
                                     "fail_on", VIPS_FAIL_ON_TRUNCATED, nullptr);
            break;
        case ImageFormat::webp:
            rc = vips_webpload_buffer(data, bytes.size(), &out, "access", VIPS_ACCESS_SEQUENTIAL,
                                      "fail_on", VIPS_FAIL_ON_TRUNCATED, nullptr);
            break;
        case ImageFormat::heif:
            rc = vips_heifload_buffer(data, bytes.size(), &out, "access", VIPS_ACCESS_SEQUENTIAL,
                                      "fail_on", VIPS_FAIL_ON_TRUNCATED, nullptr);
            break;
    }
    if (rc != 0 || out == nullptr) {
        if (out) g_object_unref(out);
        return vips_failure(Errc::unprocessable, std::string("the ") +
                                                     std::string(to_string(format)) +
                                                     " image is corrupt or contains no picture");
    }
    return ImagePtr(out);
}

Result<ImageFormat> check_input(std::string_view bytes, const PhotoLimits& limits) {
    if (bytes.size() > limits.max_bytes)
        return fail(Errc::too_large, "the photo is larger than " +
                                         std::to_string(limits.max_bytes / (1024 * 1024)) + " MB");
    return sniff_format(bytes);
}

Status check_pixels(std::int64_t width, std::int64_t height, const PhotoLimits& limits) {
    // Header dimensions go up to 2^32 - 1 each: their product overflows std::int64_t (found by
    // tests/fuzz/photo_intake_fuzz.cpp), so compare without multiplying.
    if (width > 0 && height > limits.max_pixels / width)
        return fail(Errc::too_large, "the photo has more than " +
                                         std::to_string(limits.max_pixels / 1'000'000) +
                                         " megapixels");
    return {};
}

std::uint32_t big_endian_32(std::string_view bytes, std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i)
        v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
    return v;
}

// libpng refuses giant dimensions with a generic error before vips sees them, so a PNG bomb is
// recognised from its IHDR here to get the right answer (too_large, not unprocessable).
Status check_png_header(std::string_view bytes, const PhotoLimits& limits) {
    if (bytes.size() < 24 || bytes.substr(12, 4) != "IHDR") return {};
    return check_pixels(big_endian_32(bytes, 16), big_endian_32(bytes, 20), limits);
}

Status check_image_pixels(VipsImage* image, const PhotoLimits& limits) {
    return check_pixels(vips_image_get_width(image), vips_image_get_height(image), limits);
}

Result<ImagePtr> open_checked(std::string_view bytes, ImageFormat format,
                              const PhotoLimits& limits) {
    if (format == ImageFormat::png)
        if (auto ok = check_png_header(bytes, limits); !ok) return std::unexpected(ok.error());
    auto image = open_image(bytes, format);
    if (!image) return image;
    if (auto ok = check_image_pixels(image->get(), limits); !ok) return std::unexpected(ok.error());
    return image;
}

std::string_view exif_blob(VipsImage* image) {
    const void* data = nullptr;
    std::size_t length = 0;
    if (vips_image_get_typeof(image, VIPS_META_EXIF_NAME) == 0 ||
        vips_image_get_blob(image, VIPS_META_EXIF_NAME, &data, &length) != 0) {
        vips_error_clear();
        return {};
    }
    return {static_cast<const char*>(data), length};
}

std::uint32_t little_endian_32(std::string_view bytes, std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 4; i-- > 0;)
        v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
    return v;
}

void put_little_endian_32(std::string& out, std::size_t at, std::uint32_t v) {
    for (std::size_t i = 0; i < 4; ++i)
        out[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

// libvips 8.14's webpsave writes an EXIF chunk (made up from the image's own fields) even with
// "strip", so the RIFF container is rewritten without EXIF, XMP and ICC chunks, and the VP8X
// flags that announce them are cleared.
std::string without_webp_metadata(std::string_view webp) {
    std::string out(webp.substr(0, 12));
    std::size_t at = 12;
    while (at + 8 <= webp.size()) {
        auto fourcc = webp.substr(at, 4);
        std::size_t size = little_endian_32(webp, at + 4);
        std::size_t padded = 8 + size + (size & 1);
        if (at + padded > webp.size()) padded = webp.size() - at;
        if (fourcc != "EXIF" && fourcc != "XMP " && fourcc != "ICCP") {
            auto chunk = std::string(webp.substr(at, padded));
            if (fourcc == "VP8X" && chunk.size() > 8)
                chunk[8] = static_cast<char>(static_cast<unsigned char>(chunk[8]) & ~0x2Cu);
            out += chunk;
        }
        at += padded;
    }
    put_little_endian_32(out, 4, static_cast<std::uint32_t>(out.size() - 8));
    return out;
}

// An operation's output replaces `image`; false (with vips' error set) when it failed.
template <typename Op>
bool apply(ImagePtr& image, Op&& op) {
    VipsImage* out = nullptr;
    if (op(image.get(), &out) != 0 || out == nullptr) return false;
    image.reset(out);
    return true;
}

/// Upright 8-bit sRGB pixels, 3 bands or 4 with alpha, rows packed.
struct Pixels {
    VipsBuffer data;
    int width = 0;
    int height = 0;
    int bands = 0;
};

Result<Pixels> decode(ImagePtr image, ImageFormat format) {
    const int orientation = vips_image_get_orientation(image.get());
    if (vips_image_get_typeof(image.get(), VIPS_META_ICC_NAME) != 0 &&
        vips_image_get_interpretation(image.get()) != VIPS_INTERPRETATION_CMYK) {
        // Phones tag Display P3; showing those numbers as sRGB would wash colours out.
        VipsImage* out = nullptr;
        if (vips_icc_transform(image.get(), &out, "srgb", "embedded", TRUE, "depth", 8, nullptr) ==
            0) {
            image.reset(out);
        } else {
            vips_error_clear();  // an unusable profile: fall back to the plain conversion
        }
    }
    bool ok = apply(image, [](VipsImage* in, VipsImage** out) {
        return vips_colourspace(in, out, VIPS_INTERPRETATION_sRGB, nullptr);
    });
    if (ok && vips_image_get_format(image.get()) != VIPS_FORMAT_UCHAR)
        ok = apply(image, [](VipsImage* in, VipsImage** out) {
            return vips_cast(in, out, VIPS_FORMAT_UCHAR, nullptr);
        });
    if (ok && vips_image_get_bands(image.get()) > 4)
        ok = apply(image, [](VipsImage* in, VipsImage** out) {
            return vips_extract_band(in, out, 0, "n", 4, nullptr);
        });
    if (ok && vips_image_get_bands(image.get()) == 4 && format == ImageFormat::jpeg)
        ok = apply(image,
                   [](VipsImage* in, VipsImage** out) { return vips_flatten(in, out, nullptr); });
    if (!ok) return vips_failure(Errc::unprocessable, "the image cannot be converted to sRGB");

    Pixels pixels;
    pixels.width = vips_image_get_width(image.get());
    pixels.height = vips_image_get_height(image.get());
    pixels.bands = vips_image_get_bands(image.get());
    std::size_t size = 0;
    // The decoding happens here; fail_on=truncated turns a cut-off file into an error instead of
    // a grey lower half.
    pixels.data.reset(vips_image_write_to_memory(image.get(), &size));
    image.reset();
    if (!pixels.data) return vips_failure(Errc::unprocessable, "the image is truncated or corrupt");
    if (orientation < 2 || orientation > 8) return pixels;

    ImagePtr raw(vips_image_new_from_memory(pixels.data.get(), size, pixels.width, pixels.height,
                                            pixels.bands, VIPS_FORMAT_UCHAR));
    if (!raw) return vips_failure(Errc::unprocessable, "the image cannot be rotated");
    vips_image_set_int(raw.get(), VIPS_META_ORIENTATION, orientation);
    if (!apply(raw, [](VipsImage* in, VipsImage** out) { return vips_autorot(in, out, nullptr); }))
        return vips_failure(Errc::unprocessable, "the image cannot be rotated");
    Pixels upright;
    upright.width = vips_image_get_width(raw.get());
    upright.height = vips_image_get_height(raw.get());
    upright.bands = pixels.bands;
    upright.data.reset(vips_image_write_to_memory(raw.get(), &size));
    if (!upright.data) return vips_failure(Errc::unprocessable, "the image cannot be rotated");
    return upright;
}

// In place on the decoded buffer (RGB or RGBA; an alpha band is blurred with the colours).
int blur_detected_faces(Pixels& pixels, const faces::FaceDetector& detector) {
    const faces::ImageView view{static_cast<std::uint8_t*>(pixels.data.get()),
                                pixels.width,
                                pixels.height,
                                static_cast<std::ptrdiff_t>(pixels.width) * pixels.bands,
                                pixels.bands,
                                faces::ChannelOrder::rgb};
    const auto boxes = detector.detect(view);
    faces::blur_faces(view, boxes);
    return static_cast<int>(boxes.size());
}

// dHash: the mean grey of 9x8 cells, one bit per horizontal neighbour pair (left brighter than
// right). Each cell's mean is taken over a grid of at most ~48x48 samples: a 12 MP photo needs
// ~0.1 M reads instead of converting and area-averaging all 12 M pixels (~40 ms).
std::uint64_t difference_hash(const Pixels& pixels) {
    constexpr int cols = 9, rows = 8, samples_per_cell = 48;
    const int step_x = std::max(1, pixels.width / (cols * samples_per_cell));
    const int step_y = std::max(1, pixels.height / (rows * samples_per_cell));
    std::array<double, cols * rows> sum{};
    std::array<std::int64_t, cols * rows> count{};
    const auto* data = static_cast<const std::uint8_t*>(pixels.data.get());
    const auto row_bytes = static_cast<std::size_t>(pixels.width) * pixels.bands;
    for (int y = step_y / 2; y < pixels.height; y += step_y) {
        const int cell_row = static_cast<int>(static_cast<std::int64_t>(y) * rows / pixels.height);
        const std::uint8_t* row = data + static_cast<std::size_t>(y) * row_bytes;
        for (int x = step_x / 2; x < pixels.width; x += step_x) {
            const int cell = cell_row * cols +
                             static_cast<int>(static_cast<std::int64_t>(x) * cols / pixels.width);
            const std::uint8_t* p = row + static_cast<std::size_t>(x) * pixels.bands;
            const double grey =
                pixels.bands >= 3 ? 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2] : double(p[0]);
            sum[cell] += grey;
            ++count[cell];
        }
    }
    const auto mean = [&](int x, int y) {
        const int cell = y * cols + x;
        return count[cell] > 0 ? sum[cell] / static_cast<double>(count[cell]) : 0.0;
    };
    std::uint64_t hash = 0;
    for (int y = 0; y < rows; ++y)
        for (int x = 0; x < cols - 1; ++x)
            hash = (hash << 1) | (mean(x, y) > mean(x + 1, y) ? 1u : 0u);
    return hash;
}

// A vips image over `pixels` (not copied: `pixels` must outlive it) that carries no metadata.
Result<ImagePtr> image_of(const Pixels& pixels) {
    ImagePtr raw(vips_image_new_from_memory(
        pixels.data.get(),
        static_cast<std::size_t>(pixels.width) * static_cast<std::size_t>(pixels.height) *
            static_cast<std::size_t>(pixels.bands),
        pixels.width, pixels.height, pixels.bands, VIPS_FORMAT_UCHAR));
    if (!raw || !apply(raw, [](VipsImage* in, VipsImage** out) {
            return vips_copy(in, out, "interpretation", VIPS_INTERPRETATION_sRGB, nullptr);
        }))
        return vips_failure(Errc::unprocessable, "the image cannot be re-encoded");
    return raw;
}

Result<std::string> encode(VipsImage* image, ImageFormat format, int quality) {
    void* buffer = nullptr;
    std::size_t size = 0;
    int rc = -1;
    // "strip" is belt and braces: the image was built from raw pixels and has no metadata.
    switch (format) {
        case ImageFormat::jpeg:
            rc = vips_jpegsave_buffer(image, &buffer, &size, "Q", quality, "strip", TRUE, nullptr);
            break;
        case ImageFormat::png:
            rc = vips_pngsave_buffer(image, &buffer, &size, "strip", TRUE, nullptr);
            break;
        case ImageFormat::webp:
            rc = vips_webpsave_buffer(image, &buffer, &size, "Q", quality, "strip", TRUE, nullptr);
            break;
        case ImageFormat::heif:
            rc = vips_heifsave_buffer(image, &buffer, &size, "Q", heif_quality, "compression",
                                      VIPS_FOREIGN_HEIF_COMPRESSION_HEVC, "strip", TRUE, nullptr);
            break;
    }
    VipsBuffer owned(buffer);
    if (rc != 0 || !buffer)
        return vips_failure(Errc::unprocessable,
                            "the image cannot be encoded as " + std::string(to_string(format)));
    std::string_view encoded(static_cast<const char*>(buffer), size);
    if (format == ImageFormat::webp) return without_webp_metadata(encoded);
    return std::string(encoded);
}

Result<std::string> encode_thumbnail(VipsImage* image, int size) {
    ImagePtr thumb(image);
    g_object_ref(image);  // apply() replaces; the caller keeps its own reference
    // vips_thumbnail_image cannot shrink on load from memory and resamples the whole photo
    // (~270 ms for 12 MP); a whole-factor box shrink to about twice the size first: ~40 ms.
    const int longest = std::max(vips_image_get_width(image), vips_image_get_height(image));
    const int factor = longest / (2 * std::max(size, 1));
    if (factor >= 2 && !apply(thumb, [factor](VipsImage* in, VipsImage** out) {
            return vips_shrink(in, out, factor, factor, nullptr);
        }))
        return vips_failure(Errc::unprocessable, "the thumbnail cannot be made");
    if (!apply(thumb, [size](VipsImage* in, VipsImage** out) {
            return vips_thumbnail_image(in, out, size, "height", size, "size", VIPS_SIZE_DOWN,
                                        nullptr);
        }))
        return vips_failure(Errc::unprocessable, "the thumbnail cannot be made");
    void* buffer = nullptr;
    std::size_t length = 0;
    if (vips_webpsave_buffer(thumb.get(), &buffer, &length, "Q", thumbnail_quality, "strip", TRUE,
                             nullptr) != 0)
        return vips_failure(Errc::unprocessable, "the thumbnail cannot be encoded");
    VipsBuffer owned(buffer);
    return without_webp_metadata(std::string_view(static_cast<const char*>(buffer), length));
}

void add_kinds_vips_saw(const VipsImage* image, std::vector<std::string>& kinds) {
    auto* mutable_image = const_cast<VipsImage*>(image);  // vips' getters are not const-correct
    if (vips_image_get_typeof(mutable_image, VIPS_META_EXIF_NAME) != 0) add_kind(kinds, "EXIF");
    if (vips_image_get_typeof(mutable_image, VIPS_META_XMP_NAME) != 0) add_kind(kinds, "XMP");
    if (vips_image_get_typeof(mutable_image, VIPS_META_IPTC_NAME) != 0) add_kind(kinds, "IPTC");
    if (vips_image_get_typeof(mutable_image, VIPS_META_ICC_NAME) != 0) add_kind(kinds, "ICC");
    // PNG tEXt/iTXt chunks (exiv2 reports only some keys as the comment).
    gchar** fields = vips_image_get_fields(mutable_image);
    for (gchar** field = fields; field && *field; ++field)
        if (std::string_view(*field).starts_with("png-comment-")) add_kind(kinds, "comment");
    g_strfreev(fields);
}

}  // namespace

Result<PhotoSuggestion> inspect_photo(std::string_view bytes, const PhotoLimits& limits,
                                      double camera_distance_m) {
    auto format = check_input(bytes, limits);
    if (!format) return std::unexpected(format.error());
    auto image = open_checked(bytes, *format, limits);
    if (!image) return std::unexpected(image.error());
    return read_metadata(bytes, camera_distance_m, exif_blob(image->get())).suggestion;
}

Result<ScrubbedPhoto> scrub_photo(std::string_view bytes, const faces::FaceDetector& faces,
                                  const ScrubOptions& options) {
    auto format = check_input(bytes, options.limits);
    if (!format) return std::unexpected(format.error());
    auto image = open_checked(bytes, *format, options.limits);
    if (!image) return std::unexpected(image.error());

    ScrubbedPhoto scrubbed;
    scrubbed.format = *format;
    auto metadata = read_metadata(bytes, 10.0, exif_blob(image->get()));
    scrubbed.suggestion = metadata.suggestion;
    scrubbed.metadata_removed = std::move(metadata.kinds);
    add_kinds_vips_saw(image->get(), scrubbed.metadata_removed);

    auto pixels = decode(std::move(*image), *format);
    if (!pixels) return std::unexpected(pixels.error());
    scrubbed.width = pixels->width;
    scrubbed.height = pixels->height;
    try {
        scrubbed.faces_blurred = blur_detected_faces(*pixels, faces);
    } catch (const Exception&) {
        // Never store a photo whose faces could not be looked for.
        return fail(Errc::unprocessable, "faces could not be checked in this image");
    }
    scrubbed.perceptual_hash = difference_hash(*pixels);

    auto clean = image_of(*pixels);
    if (!clean) return std::unexpected(clean.error());
    auto encoded = encode(clean->get(), *format, options.jpeg_quality);
    if (!encoded) return std::unexpected(encoded.error());
    scrubbed.bytes = std::move(*encoded);
    if (options.thumbnail_size > 0) {
        auto thumb = encode_thumbnail(clean->get(), options.thumbnail_size);
        if (!thumb) return std::unexpected(thumb.error());
        scrubbed.thumbnail_webp = std::move(*thumb);
    }
    return scrubbed;
}

int hash_distance(std::uint64_t a, std::uint64_t b) noexcept {
    return std::popcount(a ^ b);
}

}  // namespace sightline::photo
