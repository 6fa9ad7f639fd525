#pragma once
// Where every node of an extract is, for building its ways. A real country has tens of millions
// of nodes with ids up to 12 billion; the import must not hold them all in memory. Ids in
// ascending order (as in every sorted PBF) go to a temporary file of 4 KiB pages, 12 bytes per
// node, read back through a small cache of pages: the memory this takes is the same for a city
// and a country. The kernel's page cache keeps the file's pages while memory is free and drops
// them when it is not, which memory of our own could not do.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "core/file_descriptor.hpp"

namespace sightline::osm {

/// A map from node id to a location in fixed point (libosmium's: 1e-7 degrees in int32).
/// Ascending ids are kept in pages on disk, each a first id and up to 340 (id offset, location)
/// records; only the pages' first ids stay in memory (8 bytes per 340 nodes). An id that is not
/// above the last one switches to pairs of (id, location) in memory, sorted by sort(), which must
/// then be called before lookups.
class NodeLocationIndex {
  public:
    struct Point {
        std::int32_t x = 0;
        std::int32_t y = 0;
        friend bool operator==(const Point&, const Point&) = default;
    };

    /// Pages held in memory for lookups: 16 MiB.
    static constexpr std::size_t default_cache_pages = 4096;

    /// The file is made in `dir` and unlinked at once: nothing is left behind, even when the
    /// process is killed. Throws sightline::Exception when it cannot be made, and later when it
    /// cannot be written or read (a full disk): never a crash.
    explicit NodeLocationIndex(const std::filesystem::path& dir,
                               std::size_t cache_pages = default_cache_pages);
    ~NodeLocationIndex();
    NodeLocationIndex(const NodeLocationIndex&) = delete;
    NodeLocationIndex& operator=(const NodeLocationIndex&) = delete;

    void set(std::uint64_t id, Point point);
    /// The location of `id`; nullopt when it was never set. Not thread-safe (it fills the cache).
    [[nodiscard]] std::optional<Point> get(std::uint64_t id) const;
    /// Needed before lookups when ids were set out of order; cheap otherwise.
    void sort();
    [[nodiscard]] std::size_t size() const noexcept;
    /// Bytes of memory held (not the file's).
    [[nodiscard]] std::size_t used_memory() const noexcept;
    [[nodiscard]] bool compact() const noexcept { return !m_unordered; }
    void clear();

  private:
    struct Page;  // 4 KiB: a header and the records (node_location_index.cpp)

    [[nodiscard]] const Page& page_at(std::uint64_t page) const;
    void write_pending();
    void go_unordered();

    std::filesystem::path m_dir;
    core::FileDescriptor m_fd;
    // Compact form: the first id of every page, written or pending.
    std::vector<std::uint64_t> m_first_ids;
    std::uint64_t m_written_pages = 0;  // pages [0, m_written_pages) are in the file
    std::unique_ptr<Page[]> m_pending;  // the pages after those, the last one being filled
    std::size_t m_pending_pages = 0;
    std::size_t m_cache_pages;
    mutable std::unique_ptr<Page[]> m_cache;          // page p in slot p % m_cache_pages
    mutable std::vector<std::uint64_t> m_cache_tags;  // page + 1 in each slot, 0 when empty
    mutable std::uint64_t m_last_page = 0;            // where the last lookup found its page
    std::uint64_t m_count = 0;
    std::uint64_t m_last_id = 0;
    bool m_any = false;
    // Unordered form.
    bool m_unordered = false;
    bool m_sorted = true;
    std::vector<std::pair<std::uint64_t, Point>> m_pairs;
};

}  // namespace sightline::osm
