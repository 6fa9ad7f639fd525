#pragma once
// The framing of a PBF file: each blob is a 4-byte big-endian length, a BlobHeader of that many
// bytes (its type, "OSMHeader" or "OSMData", and the size of the blob's data), then the data.
// Walking it reads a few bytes per blob and decodes nothing.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/file_descriptor.hpp"

namespace sightline::osm {

/// One blob as it lies in the file: its framing, BlobHeader and data.
struct PbfBlob {
    std::uint64_t offset = 0;  ///< of its 4-byte length
    std::uint64_t bytes = 0;   ///< all of it, from its length to the end of its data
    bool is_header = false;    ///< an OSMHeader blob (else OSMData or unknown)
};

/// The blobs of `path` in file order, up to the first one that is not whole (a truncated or
/// corrupt tail is left for the decoder to report). Fails with invalid_argument on a
/// BlobHeader without a type, which libosmium (2.18) cannot be given (see the .cpp), and with
/// not_found when the file cannot be opened.
Result<std::vector<PbfBlob>> list_pbf_blobs(const std::filesystem::path& path);

/// The bytes of `blobs` of the file `path`, one after the other: with its header blob first, a
/// PBF file libosmium can read from memory. Throws sightline::Exception if they cannot be read.
std::string read_pbf_blobs(const std::filesystem::path& path, std::span<const PbfBlob> blobs);

/// The same written to a temporary file in `dir`, unlinked at once (nothing is left behind,
/// whatever happens), for a reader that opens files by name: name() is /proc/self/fd/N.
class PbfBlobCopy {
  public:
    PbfBlobCopy(const std::filesystem::path& path, std::span<const PbfBlob> blobs,
                const std::filesystem::path& dir);
    PbfBlobCopy(const PbfBlobCopy&) = delete;
    PbfBlobCopy& operator=(const PbfBlobCopy&) = delete;

    [[nodiscard]] std::string name() const;
    [[nodiscard]] std::uint64_t bytes() const noexcept { return m_bytes; }

  private:
    core::FileDescriptor m_fd;
    std::uint64_t m_bytes = 0;
};

}  // namespace sightline::osm
