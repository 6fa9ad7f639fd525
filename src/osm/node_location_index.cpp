#include "osm/node_location_index.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>

#include <fmt/core.h>

#include "core/error.hpp"

namespace sightline::osm {
namespace {

constexpr std::size_t page_bytes = 4096;
// Pages written to the file in one call.
constexpr std::size_t write_batch_pages = 64;
// Ids from here on go to the pairs. With ids below it, at most 16 gaps between neighbours are
// too wide for a page's 32-bit offsets (each starts a page): a file cannot make the index write
// a page per node. OpenStreetMap's node ids are below 2^34 today.
constexpr std::uint64_t max_compact_id = std::uint64_t{1} << 36;

// Plain members without initializers: the cache's pages are not touched (not resident) until
// they are used.
struct PageHeader {
    std::uint64_t first_id;
    std::uint32_t count;
    std::uint32_t unused;
};

struct Record {
    std::uint32_t offset;  // id - first_id
    std::int32_t x;
    std::int32_t y;
};

constexpr std::size_t records_per_page = (page_bytes - sizeof(PageHeader)) / sizeof(Record);

[[noreturn]] void fail_io(const std::filesystem::path& dir, const char* what) {
    throw sightline::Exception(fmt::format("temporary file of node locations in {}: {}: {}",
                                           dir.string(), what, std::strerror(errno)));
}

}  // namespace

struct NodeLocationIndex::Page {
    PageHeader header;
    Record records[records_per_page];
};

NodeLocationIndex::NodeLocationIndex(const std::filesystem::path& dir, std::size_t cache_pages)
    : m_dir(dir),
      m_pending(std::make_unique_for_overwrite<Page[]>(write_batch_pages)),
      m_cache_pages(std::max<std::size_t>(cache_pages, 1)),
      m_cache(std::make_unique_for_overwrite<Page[]>(m_cache_pages)),
      m_cache_tags(m_cache_pages, 0) {
    static_assert(sizeof(Page) == page_bytes);
    static_assert(std::is_trivially_default_constructible_v<Page>);
    std::string name = (dir / "sightline-nodes-XXXXXX").string();
    m_fd = core::FileDescriptor(::mkstemp(name.data()));
    if (!m_fd.valid()) fail_io(dir, "cannot create");
    ::unlink(name.c_str());
}

NodeLocationIndex::~NodeLocationIndex() = default;

void NodeLocationIndex::set(std::uint64_t id, Point point) {
    if (!m_unordered && ((m_any && id <= m_last_id) || id >= max_compact_id)) {
        if (m_any && id == m_last_id) return;  // the same node twice in a row: the first stays
        go_unordered();
    }
    if (m_unordered) {
        if (!m_pairs.empty() && id < m_pairs.back().first) m_sorted = false;
        m_pairs.emplace_back(id, point);
        return;
    }
    Page* page = m_pending_pages == 0 ? nullptr : &m_pending[m_pending_pages - 1];
    if (page == nullptr || page->header.count == records_per_page ||
        id - page->header.first_id > std::numeric_limits<std::uint32_t>::max()) {
        if (m_pending_pages == write_batch_pages) write_pending();
        page = &m_pending[m_pending_pages++];
        page->header = PageHeader{id, 0, 0};
        m_first_ids.push_back(id);
    }
    page->records[page->header.count++] = {static_cast<std::uint32_t>(id - page->header.first_id),
                                           point.x, point.y};
    m_last_id = id;
    m_any = true;
    ++m_count;
}

// Every pending page is full (or closed by a wide gap) when this runs: a page in the file never
// changes, so the cache never holds an outdated copy.
void NodeLocationIndex::write_pending() {
    if (!core::write_all_at(m_fd.get(), m_pending.get(), m_pending_pages * page_bytes,
                            m_written_pages * page_bytes))
        fail_io(m_dir, "cannot write");
    m_written_pages += m_pending_pages;
    m_pending_pages = 0;
}

const NodeLocationIndex::Page& NodeLocationIndex::page_at(std::uint64_t page) const {
    if (page >= m_written_pages) return m_pending[page - m_written_pages];
    const std::size_t slot = page % m_cache_pages;
    Page& cached = m_cache[slot];
    if (m_cache_tags[slot] == page + 1) return cached;
    const auto got = core::read_at(m_fd.get(), &cached, page_bytes, page * page_bytes);
    if (got != static_cast<std::int64_t>(page_bytes)) {
        m_cache_tags[slot] = 0;
        if (got >= 0) errno = EIO;  // the file is shorter than what was written to it
        fail_io(m_dir, "cannot read back");
    }
    m_cache_tags[slot] = page + 1;
    return cached;
}

void NodeLocationIndex::go_unordered() {
    m_pairs.reserve(m_count + 1024);
    for (std::uint64_t p = 0; p < m_first_ids.size(); ++p) {
        const Page& page = page_at(p);
        for (std::uint32_t i = 0; i < page.header.count; ++i)
            m_pairs.emplace_back(page.header.first_id + page.records[i].offset,
                                 Point{page.records[i].x, page.records[i].y});
    }
    m_first_ids = {};
    m_written_pages = 0;
    m_pending_pages = 0;
    std::fill(m_cache_tags.begin(), m_cache_tags.end(), 0);
    if (::ftruncate(m_fd.get(), 0) != 0) fail_io(m_dir, "cannot truncate");
    m_unordered = true;
}

std::optional<NodeLocationIndex::Point> NodeLocationIndex::get(std::uint64_t id) const {
    if (m_unordered) {
        auto it =
            std::lower_bound(m_pairs.begin(), m_pairs.end(), id,
                             [](const auto& pair, std::uint64_t key) { return pair.first < key; });
        if (it == m_pairs.end() || it->first != id) return std::nullopt;
        return it->second;
    }
    if (!m_any || id < m_first_ids.front() || id > m_last_id) return std::nullopt;
    // The page of the last lookup, then the next one: a way's nodes are mostly neighbours.
    const std::uint64_t pages = m_first_ids.size();
    auto holds = [&](std::uint64_t p) {
        return p < pages && m_first_ids[p] <= id && (p + 1 == pages || id < m_first_ids[p + 1]);
    };
    std::uint64_t p = m_last_page;
    if (!holds(p)) {
        if (holds(p + 1)) {
            ++p;
        } else {
            p = static_cast<std::uint64_t>(
                    std::upper_bound(m_first_ids.begin(), m_first_ids.end(), id) -
                    m_first_ids.begin()) -
                1;
        }
        m_last_page = p;
    }
    const Page& page = page_at(p);
    const std::uint64_t offset = id - page.header.first_id;
    const std::uint32_t count = page.header.count;
    const std::uint32_t last_offset = page.records[count - 1].offset;
    if (offset > last_offset) return std::nullopt;
    const auto key = static_cast<std::uint32_t>(offset);
    // Ids within a page are nearly evenly spread (often consecutive): the record is found
    // where its offset says, or within a few places of it; else by bisection.
    const Record* first = page.records;
    const Record* last = page.records + count;
    const std::size_t guess =
        last_offset == 0 ? 0
                         : static_cast<std::size_t>(std::uint64_t{key} * (count - 1) / last_offset);
    constexpr std::size_t window = 8;
    const Record* low = first + (guess > window ? guess - window : 0);
    const Record* high = first + std::min<std::size_t>(guess + window + 1, count);
    if (!(low->offset <= key && (high == last || key <= high->offset))) {
        low = first;
        high = last;
    }
    const Record* found = std::lower_bound(
        low, high, key, [](const Record& record, std::uint32_t k) { return record.offset < k; });
    if (found == last || found->offset != key) return std::nullopt;
    return Point{found->x, found->y};
}

void NodeLocationIndex::sort() {
    if (!m_unordered || m_sorted) return;
    std::stable_sort(m_pairs.begin(), m_pairs.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    m_sorted = true;
}

std::size_t NodeLocationIndex::size() const noexcept {
    return m_unordered ? m_pairs.size() : m_count;
}

std::size_t NodeLocationIndex::used_memory() const noexcept {
    return m_first_ids.capacity() * sizeof(std::uint64_t) +
           (write_batch_pages + m_cache_pages) * page_bytes +
           m_cache_tags.capacity() * sizeof(std::uint64_t) +
           m_pairs.capacity() * sizeof(m_pairs[0]);
}

void NodeLocationIndex::clear() {
    m_first_ids = {};
    m_written_pages = 0;
    m_pending_pages = 0;
    std::fill(m_cache_tags.begin(), m_cache_tags.end(), 0);
    m_last_page = 0;
    m_pairs = {};
    m_count = 0;
    m_last_id = 0;
    m_any = false;
    m_unordered = false;
    m_sorted = true;
    if (::ftruncate(m_fd.get(), 0) != 0) fail_io(m_dir, "cannot truncate");
}

}  // namespace sightline::osm
