#pragma once
// Photo intake: what a photo says about where it was taken (read before anything is removed),
// and the scrubbed image that is the only thing ever stored: auto-rotated, faces blurred, pixels
// re-encoded with no metadata. Works on bytes in memory only: no temporary files.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "faces/face_detector.hpp"
#include "geo/lat_lon.hpp"

namespace sightline::photo {

enum class ImageFormat { jpeg, png, webp, heif };
std::string_view to_string(ImageFormat format) noexcept;       ///< "jpeg", ...
std::string_view mime_type(ImageFormat format) noexcept;       ///< "image/jpeg", ...
std::string_view file_extension(ImageFormat format) noexcept;  ///< "jpg", "png", "webp", "heic"

/// Format from the leading bytes (never from a file name or a declared type).
/// unsupported_media_type when it is none of the four.
Result<ImageFormat> sniff_format(std::string_view bytes);

struct PhotoLimits {
    std::size_t max_bytes = 20 * 1024 * 1024;  ///< too_large (413) above
    std::int64_t max_pixels = 50'000'000;      ///< checked from the header before decoding (413)
};

/// What the photo's EXIF/XMP say, offered to the reporter as suggestions.
struct PhotoSuggestion {
    std::optional<geo::LatLon> photographer;  ///< GPS position
    std::optional<double> accuracy_m;         ///< GPSHPositioningError
    std::optional<double> heading_deg;        ///< GPSImgDirection: where the phone pointed
    std::optional<std::int64_t> taken_at;     ///< DateTimeOriginal as unix seconds (local time
                                              ///< read as UTC when no offset is recorded)
    /// The camera is in front of the photographer: `camera_distance_m` along the heading.
    std::optional<geo::LatLon> camera_position;
    double camera_distance_m = 0;
    /// Direction the camera faces if it looks back at the photographer (heading + 180).
    std::optional<double> camera_direction_deg;
};

/// Reads metadata without decoding pixels. Corrupt metadata yields an empty suggestion, not an
/// error; unsupported or oversized input is an error.
Result<PhotoSuggestion> inspect_photo(std::string_view bytes, const PhotoLimits& limits = {},
                                      double camera_distance_m = 10.0);

struct ScrubOptions {
    PhotoLimits limits;
    int thumbnail_size = 320;  ///< longest side of the WebP thumbnail; 0 = no thumbnail
    int jpeg_quality = 88;
};

struct ScrubbedPhoto {
    ImageFormat format = ImageFormat::jpeg;  ///< same as the input's
    std::string bytes;                       ///< the re-encoded image, no metadata at all
    std::string thumbnail_webp;              ///< empty when thumbnail_size == 0
    int width = 0;                           ///< after rotation
    int height = 0;
    int faces_blurred = 0;
    std::uint64_t perceptual_hash = 0;          ///< 64-bit dHash of the scrubbed image
    std::vector<std::string> metadata_removed;  ///< kinds found: "EXIF", "GPS", "XMP", "IPTC",
                                                ///< "ICC", "comment", "thumbnail", ...
    PhotoSuggestion suggestion;                 ///< read before stripping
};

/// The whole intake for one photo. Errors: unsupported_media_type (not an image of the four
/// formats), too_large (bytes or pixels over the limits), unprocessable (truncated, corrupt,
/// no image in a HEIF container).
Result<ScrubbedPhoto> scrub_photo(std::string_view bytes, const faces::FaceDetector& faces,
                                  const ScrubOptions& options = {});

/// Hamming distance of two perceptual hashes; <= 10 means "probably the same picture".
int hash_distance(std::uint64_t a, std::uint64_t b) noexcept;

}  // namespace sightline::photo
