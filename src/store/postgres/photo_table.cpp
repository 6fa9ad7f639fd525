#include "store/postgres/photo_table.hpp"

#include "store/postgres/pool.hpp"

namespace sightline::store::postgres {
namespace {
std::string_view variant_name(PhotoVariant variant) {
    return variant == PhotoVariant::image ? "image" : "thumbnail";
}
}  // namespace

void PhotoTable::write(std::string_view sha256, std::string_view extension, std::string_view image,
                       std::string_view thumbnail_webp) {
    auto db = m_pool.acquire();
    Transaction tx(*db);
    // Content-addressed: bytes already stored under the hash are the same bytes.
    static constexpr const char* insert =
        "INSERT INTO photo_bytes (sha256, variant, extension, bytes) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (sha256, variant) DO NOTHING";
    db->run(insert, sha256, std::string_view("image"), extension, Bytes{image});
    if (!thumbnail_webp.empty())
        db->run(insert, sha256, std::string_view("thumbnail"), std::string_view("webp"),
                Bytes{thumbnail_webp});
    tx.commit();
}

std::optional<std::string> PhotoTable::read(std::string_view sha256, std::string_view extension,
                                            PhotoVariant variant) const {
    auto db = m_pool.acquire();
    auto rows = db->run(
        "SELECT bytes FROM photo_bytes WHERE sha256 = $1 AND variant = $2 "
        "AND ($2 = 'thumbnail' OR extension = $3)",
        sha256, variant_name(variant), extension);
    if (rows.empty()) return std::nullopt;
    return rows.bytes(0, 0);
}

void PhotoTable::remove(std::string_view sha256, std::string_view extension) {
    auto db = m_pool.acquire();
    db->run(
        "DELETE FROM photo_bytes WHERE sha256 = $1 AND (variant = 'thumbnail' OR extension = $2)",
        sha256, extension);
}

// Only bytes older than an hour: another server may be between writing a photo's bytes and
// committing its report.
std::size_t PhotoTable::sweep_orphans(const std::function<bool(std::string_view)>&) {
    auto db = m_pool.acquire();
    auto rows = db->run(
        "DELETE FROM photo_bytes AS b WHERE NOT EXISTS "
        "(SELECT 1 FROM photos AS p WHERE p.sha256 = b.sha256) "
        "AND b.stored_at < now() - interval '1 hour'");
    return static_cast<std::size_t>(rows.affected());
}

}  // namespace sightline::store::postgres
