#pragma once
// The photo files: scrubbed images and their WebP thumbnails, named by the SHA-256 of the image,
// under DATA/photos/ab/cd/<sha256>.<ext>. Written to a temporary name, fsynced and renamed, so a
// file either exists complete or not at all; the database row is committed only afterwards.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "store/photo_storage.hpp"

namespace sightline::store {

class PhotoFiles final : public PhotoStorage {
  public:
    explicit PhotoFiles(std::filesystem::path root);

    /// Writes the image (extension `extension`, e.g. "jpg") and its thumbnail (may be empty).
    /// Existing files with the same hash are kept: same name, same bytes. Throws
    /// sightline::Exception when the disk refuses.
    void write(std::string_view sha256, std::string_view extension, std::string_view image,
               std::string_view thumbnail_webp) override;
    /// The file's bytes, or nullopt if it does not exist.
    [[nodiscard]] std::optional<std::string> read(std::string_view sha256,
                                                  std::string_view extension,
                                                  PhotoVariant variant) const override;
    /// Deletes both files of a photo; missing files are fine.
    void remove(std::string_view sha256, std::string_view extension) override;
    /// Deletes files whose hash is not recorded, and `.partial` files of interrupted writes.
    std::size_t sweep_orphans(
        const std::function<bool(std::string_view sha256)>& is_recorded) override;
    [[nodiscard]] std::filesystem::path path(std::string_view sha256, std::string_view extension,
                                             PhotoVariant variant) const;

    [[nodiscard]] const std::filesystem::path& root() const noexcept { return m_root; }

  private:
    std::filesystem::path m_root;
};

}  // namespace sightline::store
