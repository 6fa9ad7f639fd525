#include "osm/node_location_index.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

namespace sightline::osm {
namespace {

constexpr int bucket_bits = 16;
// Ids from here on go to the pairs: a file with one node at id 2^62 must not make the bucket
// table 2^46 entries long. OpenStreetMap's node ids are below 2^34 today; 2^36 keeps the
// table at most 8 MB.
constexpr std::uint64_t max_compact_id = std::uint64_t{1} << 36;
constexpr std::size_t first_capacity_bytes = std::size_t{1} << 20;

}  // namespace

template <typename T>
NodeLocationIndex::GrowingArray<T>::~GrowingArray() {
    clear();
}

template <typename T>
void NodeLocationIndex::GrowingArray<T>::push_back(T value) {
    if (m_size == m_capacity) {
        const std::size_t old_bytes = m_capacity * sizeof(T);
        const std::size_t new_bytes = std::max(first_capacity_bytes, old_bytes * 2);
        void* grown = m_data == nullptr ? ::mmap(nullptr, new_bytes, PROT_READ | PROT_WRITE,
                                                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                                        : ::mremap(m_data, old_bytes, new_bytes, MREMAP_MAYMOVE);
        if (grown == MAP_FAILED) throw std::bad_alloc();
        m_data = static_cast<T*>(grown);
        m_capacity = new_bytes / sizeof(T);
    }
    m_data[m_size++] = value;  // pages are touched only as they are filled
}

template <typename T>
void NodeLocationIndex::GrowingArray<T>::clear() noexcept {
    if (m_data != nullptr) ::munmap(m_data, m_capacity * sizeof(T));
    m_data = nullptr;
    m_size = 0;
    m_capacity = 0;
}

NodeLocationIndex::NodeLocationIndex() = default;
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
    const std::uint64_t bucket = id >> bucket_bits;
    if (m_bucket_end.size() <= bucket) m_bucket_end.resize(bucket + 1, m_low.size());
    m_low.push_back(static_cast<std::uint16_t>(id));
    m_points.push_back(point);
    m_bucket_end[bucket] = m_low.size();
    m_last_id = id;
    m_any = true;
}

void NodeLocationIndex::go_unordered() {
    m_pairs.reserve(m_low.size() + 1024);
    std::uint64_t begin = 0;
    for (std::uint64_t bucket = 0; bucket < m_bucket_end.size(); ++bucket) {
        for (std::uint64_t i = begin; i < m_bucket_end[bucket]; ++i)
            m_pairs.emplace_back((bucket << bucket_bits) | m_low.data()[i], m_points.data()[i]);
        begin = m_bucket_end[bucket];
    }
    m_bucket_end = {};
    m_low.clear();
    m_points.clear();
    m_unordered = true;
}

std::optional<NodeLocationIndex::Point> NodeLocationIndex::get(std::uint64_t id) const noexcept {
    if (m_unordered) {
        auto it =
            std::lower_bound(m_pairs.begin(), m_pairs.end(), id,
                             [](const auto& pair, std::uint64_t key) { return pair.first < key; });
        if (it == m_pairs.end() || it->first != id) return std::nullopt;
        return it->second;
    }
    const std::uint64_t bucket = id >> bucket_bits;
    if (bucket >= m_bucket_end.size()) return std::nullopt;
    const std::uint64_t begin = bucket == 0 ? 0 : m_bucket_end[bucket - 1];
    const std::uint64_t end = m_bucket_end[bucket];
    const auto low = static_cast<std::uint16_t>(id);
    const std::uint16_t* first = m_low.data() + begin;
    const std::uint16_t* last = m_low.data() + end;
    const std::uint16_t* found = std::lower_bound(first, last, low);
    if (found == last || *found != low) return std::nullopt;
    return m_points.data()[found - m_low.data()];
}

void NodeLocationIndex::sort() {
    if (!m_unordered || m_sorted) return;
    std::stable_sort(m_pairs.begin(), m_pairs.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    m_sorted = true;
}

std::size_t NodeLocationIndex::size() const noexcept {
    return m_unordered ? m_pairs.size() : m_low.size();
}

std::size_t NodeLocationIndex::used_memory() const noexcept {
    return m_bucket_end.capacity() * sizeof(std::uint64_t) + m_low.size() * sizeof(std::uint16_t) +
           m_points.size() * sizeof(Point) + m_pairs.capacity() * sizeof(m_pairs[0]);
}

void NodeLocationIndex::clear() {
    m_bucket_end = {};
    m_low.clear();
    m_points.clear();
    m_pairs = {};
    m_last_id = 0;
    m_any = false;
    m_unordered = false;
    m_sorted = true;
}

}  // namespace sightline::osm
