#include "tiles/mvt_encoder.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>

#include <protozero/pbf_writer.hpp>

namespace sightline::tiles {
namespace {

// Field numbers of vector_tile.proto (MVT 2.1).
namespace field {
constexpr protozero::pbf_tag_type tile_layers = 3;
constexpr protozero::pbf_tag_type layer_version = 15;
constexpr protozero::pbf_tag_type layer_name = 1;
constexpr protozero::pbf_tag_type layer_features = 2;
constexpr protozero::pbf_tag_type layer_keys = 3;
constexpr protozero::pbf_tag_type layer_values = 4;
constexpr protozero::pbf_tag_type layer_extent = 5;
constexpr protozero::pbf_tag_type feature_id = 1;
constexpr protozero::pbf_tag_type feature_tags = 2;
constexpr protozero::pbf_tag_type feature_type = 3;
constexpr protozero::pbf_tag_type feature_geometry = 4;
constexpr protozero::pbf_tag_type value_string = 1;
constexpr protozero::pbf_tag_type value_double = 3;
constexpr protozero::pbf_tag_type value_uint = 5;
constexpr protozero::pbf_tag_type value_sint = 6;
constexpr protozero::pbf_tag_type value_bool = 7;
}  // namespace field

struct GridPoint {
    std::int32_t x = 0;
    std::int32_t y = 0;
    friend bool operator==(GridPoint, GridPoint) = default;
};

// Clipping keeps coordinates within a few thousand units of the tile, but a caller may pass
// anything: clamp so the cast and the zigzag deltas cannot overflow.
std::int32_t to_grid(double v) noexcept {
    constexpr double limit = 1 << 28;
    if (!(v == v)) return 0;  // NaN
    return static_cast<std::int32_t>(std::lround(std::clamp(v, -limit, limit)));
}

GridPoint to_grid(TilePoint p) noexcept {
    return {to_grid(p.x), to_grid(p.y)};
}

// Rounds and drops consecutive duplicates (and the closing point of a ring when `ring`).
std::vector<GridPoint> quantize(std::span<const TilePoint> points, bool ring) {
    std::vector<GridPoint> out;
    out.reserve(points.size());
    for (const auto& p : points) {
        auto g = to_grid(p);
        if (out.empty() || !(out.back() == g)) out.push_back(g);
    }
    if (ring)
        while (out.size() > 1 && out.front() == out.back())
            out.pop_back();
    return out;
}

std::int64_t grid_area2(const std::vector<GridPoint>& ring) noexcept {
    std::int64_t sum = 0;
    for (std::size_t i = 0, n = ring.size(); i < n; ++i) {
        const auto& a = ring[i];
        const auto& b = ring[(i + 1) % n];
        sum += std::int64_t{a.x} * b.y - std::int64_t{b.x} * a.y;
    }
    return sum;
}

class GeometryWriter {
  public:
    explicit GeometryWriter(std::vector<std::uint32_t>& out) : m_out(out) {}
    void move_to(GridPoint p) {
        m_out.push_back(command_integer(Command::move_to, 1));
        delta(p);
    }
    void line_to(std::span<const GridPoint> points) {
        if (points.empty()) return;
        m_out.push_back(
            command_integer(Command::line_to, static_cast<std::uint32_t>(points.size())));
        for (auto p : points)
            delta(p);
    }
    void close_path() { m_out.push_back(command_integer(Command::close_path, 1)); }

  private:
    void delta(GridPoint p) {
        m_out.push_back(zigzag(p.x - m_cursor.x));
        m_out.push_back(zigzag(p.y - m_cursor.y));
        m_cursor = p;
    }
    std::vector<std::uint32_t>& m_out;
    GridPoint m_cursor;
};

// Values are a few bytes (an encoded string, varint or double): 8 bytes at a time, then
// MurmurHash3's finaliser, so that the low bits the table uses depend on every byte.
std::uint64_t hash_bytes(std::string_view bytes) noexcept {
    std::uint64_t h = bytes.size();
    std::size_t i = 0;
    for (; i + 8 <= bytes.size(); i += 8) {
        std::uint64_t word = 0;
        std::memcpy(&word, bytes.data() + i, 8);
        h = (h ^ word) * 0x9E3779B97F4A7C15ull;
        h = std::rotl(h, 31);
    }
    // Byte by byte: a memcpy of a variable length into the word stalls the load that follows
    // (a third of the dictionary's time at z14).
    std::uint64_t tail = 0;
    for (int shift = 0; i < bytes.size(); ++i, shift += 8)
        tail |= std::uint64_t{static_cast<unsigned char>(bytes[i])} << shift;
    h ^= tail;
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ull;
    return h ^ (h >> 33);
}

}  // namespace

double ring_area(std::span<const TilePoint> ring) noexcept {
    double sum = 0;
    for (std::size_t i = 0, n = ring.size(); i < n; ++i) {
        const auto& a = ring[i];
        const auto& b = ring[(i + 1) % n];
        sum += a.x * b.y - b.x * a.y;
    }
    return sum / 2;
}

LayerBuilder::LayerBuilder(std::string name, std::uint32_t extent)
    : m_name(std::move(name)), m_extent(extent) {}

void LayerBuilder::begin_feature(std::optional<std::uint64_t> id, GeomType type) {
    auto& f = m_features.emplace_back();
    f.has_id = id.has_value();
    f.id = id.value_or(0);
    f.type = type;
    f.tags_begin = f.tags_end = static_cast<std::uint32_t>(m_tags.size());
    f.geometry_begin = static_cast<std::uint32_t>(m_geometry.size());
}

bool LayerBuilder::add_point(TilePoint p, std::optional<std::uint64_t> id) {
    begin_feature(id, GeomType::point);
    GeometryWriter(m_geometry).move_to(to_grid(p));
    m_features.back().geometry_end = static_cast<std::uint32_t>(m_geometry.size());
    return true;
}

bool LayerBuilder::add_linestring(std::span<const TilePoint> line,
                                  std::optional<std::uint64_t> id) {
    auto points = quantize(line, false);
    if (points.size() < 2) return false;
    begin_feature(id, GeomType::linestring);
    GeometryWriter w(m_geometry);
    w.move_to(points.front());
    w.line_to(std::span(points).subspan(1));
    m_features.back().geometry_end = static_cast<std::uint32_t>(m_geometry.size());
    return true;
}

bool LayerBuilder::add_polygon(std::span<const PointList> rings, std::optional<std::uint64_t> id) {
    const auto start = m_geometry.size();
    GeometryWriter w(m_geometry);
    for (std::size_t i = 0; i < rings.size(); ++i) {
        auto ring = quantize(rings[i], true);
        if (ring.size() < 3) {
            if (i == 0) return false;
            continue;
        }
        auto area2 = grid_area2(ring);
        if (area2 == 0) {
            if (i == 0) return false;
            continue;
        }
        // Spec 4.3.4.4: exterior rings have positive area in tile coordinates, holes negative.
        if ((i == 0) != (area2 > 0)) std::reverse(ring.begin(), ring.end());
        w.move_to(ring.front());
        w.line_to(std::span(ring).subspan(1));
        w.close_path();
    }
    if (m_geometry.size() == start) return false;
    auto& f = m_features.emplace_back();
    f.has_id = id.has_value();
    f.id = id.value_or(0);
    f.type = GeomType::polygon;
    f.tags_begin = f.tags_end = static_cast<std::uint32_t>(m_tags.size());
    f.geometry_begin = static_cast<std::uint32_t>(start);
    f.geometry_end = static_cast<std::uint32_t>(m_geometry.size());
    return true;
}

std::uint32_t LayerBuilder::key_index(std::string_view key) {
    // A layer has a handful of keys, and features give them in the same order: try the one
    // after the last, then scan.
    if (m_next_key < m_keys.size() && m_keys[m_next_key] == key) return m_next_key++;
    for (std::size_t i = 0; i < m_keys.size(); ++i)
        if (m_keys[i] == key) {
            m_next_key = static_cast<std::uint32_t>(i + 1);
            return static_cast<std::uint32_t>(i);
        }
    m_keys.emplace_back(key);
    m_next_key = static_cast<std::uint32_t>(m_keys.size());
    return static_cast<std::uint32_t>(m_keys.size() - 1);
}

std::string_view LayerBuilder::value(std::uint32_t index) const noexcept {
    return std::string_view(m_value_bytes)
        .substr(m_value_offsets[index], m_value_offsets[index + 1] - m_value_offsets[index]);
}

std::uint32_t LayerBuilder::value_index(std::string_view encoded) {
    if (m_value_slots.size() < 2 * (m_value_offsets.size() + 1)) {
        // Grow to keep the load under a half, re-inserting every value.
        std::vector<std::uint32_t> slots(std::max<std::size_t>(256, m_value_slots.size() * 2), 0);
        const std::size_t mask = slots.size() - 1;
        for (std::uint32_t i = 0; i < m_value_hashes.size(); ++i) {
            auto at = std::size_t{m_value_hashes[i]} & mask;
            while (slots[at] != 0)
                at = (at + 1) & mask;
            slots[at] = i + 1;
        }
        m_value_slots = std::move(slots);
    }
    const std::size_t mask = m_value_slots.size() - 1;
    // The low 32 bits are kept per value: a different value is told apart without comparing
    // bytes, and the table regrows without hashing again (it never exceeds 2^32 slots).
    const auto hash = static_cast<std::uint32_t>(hash_bytes(encoded));
    auto at = std::size_t{hash} & mask;
    while (m_value_slots[at] != 0) {
        const auto index = m_value_slots[at] - 1;
        if (m_value_hashes[index] == hash && value(index) == encoded) return index;
        at = (at + 1) & mask;
    }
    const auto index = static_cast<std::uint32_t>(m_value_hashes.size());
    m_value_bytes.append(encoded);
    m_value_offsets.push_back(static_cast<std::uint32_t>(m_value_bytes.size()));
    m_value_hashes.push_back(hash);
    m_value_slots[at] = index + 1;
    return index;
}

void LayerBuilder::add_tag(std::uint32_t key, std::string_view encoded_value) {
    assert(!m_features.empty());
    m_tags.push_back(key);
    m_tags.push_back(value_index(encoded_value));
    m_features.back().tags_end = static_cast<std::uint32_t>(m_tags.size());
}

void LayerBuilder::add_property(std::string_view key, std::string_view value) {
    m_scratch.clear();
    protozero::pbf_writer w(m_scratch);
    w.add_string(field::value_string, value.data(), value.size());
    add_tag(key_index(key), m_scratch);
}

void LayerBuilder::add_property(std::string_view key, std::int64_t value) {
    m_scratch.clear();
    protozero::pbf_writer w(m_scratch);
    if (value >= 0)
        w.add_uint64(field::value_uint, static_cast<std::uint64_t>(value));
    else
        w.add_sint64(field::value_sint, value);
    add_tag(key_index(key), m_scratch);
}

void LayerBuilder::add_property(std::string_view key, double value) {
    m_scratch.clear();
    protozero::pbf_writer w(m_scratch);
    w.add_double(field::value_double, value);
    add_tag(key_index(key), m_scratch);
}

void LayerBuilder::add_property(std::string_view key, bool value) {
    m_scratch.clear();
    protozero::pbf_writer w(m_scratch);
    w.add_bool(field::value_bool, value);
    add_tag(key_index(key), m_scratch);
}

void LayerBuilder::encode_to(std::string& out) const {
    if (m_features.empty()) return;
    protozero::pbf_writer tile(out);
    protozero::pbf_writer layer(tile, field::tile_layers);
    layer.add_uint32(field::layer_version, 2);
    layer.add_string(field::layer_name, m_name);
    for (const auto& f : m_features) {
        protozero::pbf_writer feature(layer, field::layer_features);
        if (f.has_id) feature.add_uint64(field::feature_id, f.id);
        if (f.tags_end > f.tags_begin)
            feature.add_packed_uint32(field::feature_tags, m_tags.begin() + f.tags_begin,
                                      m_tags.begin() + f.tags_end);
        feature.add_enum(field::feature_type, static_cast<std::int32_t>(f.type));
        feature.add_packed_uint32(field::feature_geometry, m_geometry.begin() + f.geometry_begin,
                                  m_geometry.begin() + f.geometry_end);
    }
    for (const auto& key : m_keys)
        layer.add_string(field::layer_keys, key);
    for (std::uint32_t i = 0; i + 1 < m_value_offsets.size(); ++i) {
        const auto v = value(i);
        layer.add_message(field::layer_values, v.data(), v.size());
    }
    layer.add_uint32(field::layer_extent, m_extent);
}

std::string encode_tile(std::span<const LayerBuilder> layers) {
    std::string out;
    for (const auto& layer : layers)
        layer.encode_to(out);
    return out;
}

}  // namespace sightline::tiles
