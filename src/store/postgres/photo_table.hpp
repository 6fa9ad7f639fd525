#pragma once
// PhotoStorage in the database: the image and thumbnail bytes of each photo are rows of
// `photo_bytes`, so every server behind the load balancer serves every photo and a pg_dump
// holds them. Written in their own short transaction before the report that links them (as
// files are), so a report that fails leaves only bytes that sweep_orphans() removes.

#include "store/photo_storage.hpp"

namespace sightline::store::postgres {

class Pool;

class PhotoTable final : public PhotoStorage {
  public:
    explicit PhotoTable(Pool& pool) : m_pool(pool) {}

    void write(std::string_view sha256, std::string_view extension, std::string_view image,
               std::string_view thumbnail_webp) override;
    [[nodiscard]] std::optional<std::string> read(std::string_view sha256,
                                                  std::string_view extension,
                                                  PhotoVariant variant) const override;
    void remove(std::string_view sha256, std::string_view extension) override;
    /// One statement: bytes whose hash has no `photos` row go (is_recorded is not needed).
    std::size_t sweep_orphans(
        const std::function<bool(std::string_view sha256)>& is_recorded) override;

  private:
    Pool& m_pool;
};

}  // namespace sightline::store::postgres
