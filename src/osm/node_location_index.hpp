#pragma once
// Where every node of an extract is, for building its ways: 10 bytes per node when the ids come
// in ascending order (as in every sorted PBF), in memory that grows in place. A real country
// has tens of millions of nodes with ids up to 12 billion; libosmium's sparse indexes take 16
// bytes per node, and its std::vector-based ones held twice that while growing.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace sightline::osm {

/// A map from node id to a location in fixed point (libosmium's: 1e-7 degrees in int32). Ids
/// in ascending order are kept compactly: buckets of 65,536 ids, each the low 16 bits of its
/// nodes' ids (sorted) and their locations. An id that is not above the last one switches to
/// pairs of (id, location), sorted by sort(), which must then be called before lookups.
class NodeLocationIndex {
  public:
    struct Point {
        std::int32_t x = 0;
        std::int32_t y = 0;
        friend bool operator==(const Point&, const Point&) = default;
    };

    NodeLocationIndex();
    ~NodeLocationIndex();
    NodeLocationIndex(const NodeLocationIndex&) = delete;
    NodeLocationIndex& operator=(const NodeLocationIndex&) = delete;

    void set(std::uint64_t id, Point point);
    /// The location of `id`; nullopt when it was never set.
    [[nodiscard]] std::optional<Point> get(std::uint64_t id) const noexcept;
    /// Needed before lookups when ids were set out of order; cheap otherwise.
    void sort();
    [[nodiscard]] std::size_t size() const noexcept;
    [[nodiscard]] std::size_t used_memory() const noexcept;
    [[nodiscard]] bool compact() const noexcept { return !m_unordered; }
    void clear();

  private:
    /// Plain values in an anonymous memory map that grows in place (mremap): no copy, and
    /// never the old and the new array at once.
    template <typename T>
    class GrowingArray {
      public:
        GrowingArray() = default;
        ~GrowingArray();
        GrowingArray(const GrowingArray&) = delete;
        GrowingArray& operator=(const GrowingArray&) = delete;
        void push_back(T value);
        void clear() noexcept;
        [[nodiscard]] std::size_t size() const noexcept { return m_size; }
        [[nodiscard]] std::size_t capacity() const noexcept { return m_capacity; }
        [[nodiscard]] const T* data() const noexcept { return m_data; }

      private:
        T* m_data = nullptr;
        std::size_t m_size = 0;
        std::size_t m_capacity = 0;
    };

    void go_unordered();

    // Compact form: m_bucket_end[b] is the end (in m_low / m_points) of bucket b's nodes.
    std::vector<std::uint64_t> m_bucket_end;
    GrowingArray<std::uint16_t> m_low;
    GrowingArray<Point> m_points;
    std::uint64_t m_last_id = 0;
    bool m_any = false;
    // Unordered form.
    bool m_unordered = false;
    bool m_sorted = true;
    std::vector<std::pair<std::uint64_t, Point>> m_pairs;
};

}  // namespace sightline::osm
