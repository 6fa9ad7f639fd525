#pragma once
// A scrubbed photo attached to a report: only what the stored, metadata-free image itself shows.
// No capture time, no device, no position: those never leave the intake.

#include <cstdint>
#include <string>
#include <string_view>

#include "model/ids.hpp"

namespace sightline::model {

constexpr std::size_t max_photos_per_report = 4;

struct PhotoRecord {
    std::string sha256;  ///< hex SHA-256 of the stored (scrubbed) bytes: its name and address
    std::string format;  ///< jpeg, png, webp, heif
    int width = 0;
    int height = 0;
    std::int64_t byte_size = 0;
    int faces_blurred = 0;
    std::uint64_t perceptual_hash = 0;  ///< 64-bit dHash, for near-duplicate hints
    friend bool operator==(const PhotoRecord&, const PhotoRecord&) = default;
};

/// A public photo of a camera: one of the photos of a report that became part of it.
struct CameraPhoto {
    std::string sha256;
    ReportId report_id;
    std::int64_t reported_at = 0;  ///< the report's time (to the hour)
    friend bool operator==(const CameraPhoto&, const CameraPhoto&) = default;
};

/// Another report's photo that looks like one of this report's.
struct SimilarPhoto {
    ReportId report_id;
    std::string sha256;      ///< the other report's photo
    std::string similar_to;  ///< this report's photo
    int distance = 0;        ///< Hamming distance of the perceptual hashes (0 = same picture)
};

/// Perceptual hashes this close (of 64 bits) are flagged as the same picture.
constexpr int similar_photo_max_distance = 10;

/// 64 lowercase hex digits.
bool is_sha256_hex(std::string_view text) noexcept;
int hamming_distance(std::uint64_t a, std::uint64_t b) noexcept;

}  // namespace sightline::model
