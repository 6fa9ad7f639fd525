#pragma once
// What a photo's metadata says and which kinds of metadata it carries, read with exiv2 from the
// bytes in memory. Internal to the photo module: exiv2 types never leave photo_metadata.cpp.

#include <string>
#include <string_view>
#include <vector>

#include "photo/photo_pipeline.hpp"

namespace sightline::photo {

struct PhotoMetadata {
    PhotoSuggestion suggestion;
    /// Kinds found, in a fixed order: "EXIF", "GPS", "device", "date", "XMP", "IPTC", "ICC",
    /// "comment", "thumbnail".
    std::vector<std::string> kinds;
};

/// Never fails: metadata exiv2 cannot parse (offsets outside the file, bad rationals) is left out.
/// `exif_blob` is the EXIF block as the decoder found it ("Exif\0\0" and/or a TIFF header), used
/// when exiv2 cannot read the container itself (HEIF). Thread-safe.
PhotoMetadata read_metadata(std::string_view bytes, double camera_distance_m,
                            std::string_view exif_blob = {}) noexcept;

/// Mutes exiv2's stderr logging and prepares its XMP parser for use from several threads. Safe to
/// call more than once.
void initialise_exiv2() noexcept;

/// Adds `kind` unless present, keeping the order read_metadata() documents.
void add_kind(std::vector<std::string>& kinds, std::string_view kind);

}  // namespace sightline::photo
