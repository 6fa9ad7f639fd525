#pragma once
// Where the bytes of scrubbed photos and their thumbnails live, named by the image's SHA-256.
// PhotoFiles keeps them as files in the data folder (SQLite); the PostgreSQL backend keeps them
// in a table. Bytes are written before the report that links them is committed; a report that
// fails leaves bytes that no photo record names, which sweep_orphans() deletes.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace sightline::store {

enum class PhotoVariant { image, thumbnail };

class PhotoStorage {
  public:
    virtual ~PhotoStorage() = default;
    /// Writes the image (extension `extension`, e.g. "jpg") and its thumbnail (may be empty).
    /// Existing bytes with the same hash are kept: same name, same bytes. Throws
    /// sightline::Exception when the storage refuses.
    virtual void write(std::string_view sha256, std::string_view extension, std::string_view image,
                       std::string_view thumbnail_webp) = 0;
    /// The bytes, or nullopt if they do not exist.
    [[nodiscard]] virtual std::optional<std::string> read(std::string_view sha256,
                                                          std::string_view extension,
                                                          PhotoVariant variant) const = 0;
    /// Deletes both variants of a photo; missing ones are fine.
    virtual void remove(std::string_view sha256, std::string_view extension) = 0;
    /// Deletes stored photos whose hash `is_recorded` does not know (and unfinished writes);
    /// returns how many were deleted.
    virtual std::size_t sweep_orphans(
        const std::function<bool(std::string_view sha256)>& is_recorded) = 0;
};

}  // namespace sightline::store
