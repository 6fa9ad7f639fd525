#include "tiles/mvt_encoder.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
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

bool LayerBuilder::add_point(TilePoint p, std::optional<std::uint64_t> id) {
    auto& f = m_features.emplace_back();
    f.id = id;
    f.type = GeomType::point;
    f.geometry.reserve(3);
    f.tags.reserve(16);  // the cameras layer's 8 properties
    GeometryWriter(f.geometry).move_to(to_grid(p));
    return true;
}

bool LayerBuilder::add_linestring(std::span<const TilePoint> line,
                                  std::optional<std::uint64_t> id) {
    auto points = quantize(line, false);
    if (points.size() < 2) return false;
    Feature f;
    f.id = id;
    f.type = GeomType::linestring;
    f.geometry.reserve(points.size() * 2 + 2);
    GeometryWriter w(f.geometry);
    w.move_to(points.front());
    w.line_to(std::span(points).subspan(1));
    m_features.push_back(std::move(f));
    return true;
}

bool LayerBuilder::add_polygon(std::span<const PointList> rings, std::optional<std::uint64_t> id) {
    Feature f;
    f.id = id;
    f.type = GeomType::polygon;
    GeometryWriter w(f.geometry);
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
    if (f.geometry.empty()) return false;
    m_features.push_back(std::move(f));
    return true;
}

std::uint32_t LayerBuilder::index_of(Dictionary& dict, std::vector<std::string>& list,
                                     std::string_view text) {
    if (auto it = dict.find(text); it != dict.end()) return it->second;
    auto index = static_cast<std::uint32_t>(list.size());
    list.emplace_back(text);
    dict.emplace(std::string(text), index);
    return index;
}

std::uint32_t LayerBuilder::key_index(std::string_view key) {
    // A layer has a handful of keys: a linear scan beats hashing (tiles_bench, z14).
    for (std::size_t i = 0; i < m_keys.size(); ++i)
        if (m_keys[i] == key) return static_cast<std::uint32_t>(i);
    return index_of(m_key_index, m_keys, key);
}

void LayerBuilder::add_tag(std::string_view key, std::string_view encoded_value) {
    assert(!m_features.empty());
    auto& tags = m_features.back().tags;
    tags.push_back(key_index(key));
    tags.push_back(index_of(m_value_index, m_values, encoded_value));
}

void LayerBuilder::add_property(std::string_view key, std::string_view value) {
    m_scratch.clear();
    protozero::pbf_writer w(m_scratch);
    w.add_string(field::value_string, value.data(), value.size());
    add_tag(key, m_scratch);
}

void LayerBuilder::add_property(std::string_view key, std::int64_t value) {
    m_scratch.clear();
    protozero::pbf_writer w(m_scratch);
    if (value >= 0) {
        assert(!m_features.empty());
        const auto k = key_index(key);
        auto [it, added] = m_uint_index.try_emplace(static_cast<std::uint64_t>(value),
                                                    static_cast<std::uint32_t>(m_values.size()));
        if (added) {
            w.add_uint64(field::value_uint, static_cast<std::uint64_t>(value));
            m_values.push_back(m_scratch);
        }
        auto& tags = m_features.back().tags;
        tags.push_back(k);
        tags.push_back(it->second);
        return;
    }
    w.add_sint64(field::value_sint, value);
    add_tag(key, m_scratch);
}

void LayerBuilder::add_property(std::string_view key, double value) {
    m_scratch.clear();
    protozero::pbf_writer w(m_scratch);
    w.add_double(field::value_double, value);
    add_tag(key, m_scratch);
}

void LayerBuilder::add_property(std::string_view key, bool value) {
    m_scratch.clear();
    protozero::pbf_writer w(m_scratch);
    w.add_bool(field::value_bool, value);
    add_tag(key, m_scratch);
}

void LayerBuilder::encode_to(std::string& out) const {
    if (m_features.empty()) return;
    protozero::pbf_writer tile(out);
    protozero::pbf_writer layer(tile, field::tile_layers);
    layer.add_uint32(field::layer_version, 2);
    layer.add_string(field::layer_name, m_name);
    for (const auto& f : m_features) {
        protozero::pbf_writer feature(layer, field::layer_features);
        if (f.id) feature.add_uint64(field::feature_id, *f.id);
        if (!f.tags.empty())
            feature.add_packed_uint32(field::feature_tags, f.tags.begin(), f.tags.end());
        feature.add_enum(field::feature_type, static_cast<std::int32_t>(f.type));
        feature.add_packed_uint32(field::feature_geometry, f.geometry.begin(), f.geometry.end());
    }
    for (const auto& key : m_keys)
        layer.add_string(field::layer_keys, key);
    for (const auto& value : m_values)
        layer.add_message(field::layer_values, value);
    layer.add_uint32(field::layer_extent, m_extent);
}

std::string encode_tile(std::span<const LayerBuilder> layers) {
    std::string out;
    for (const auto& layer : layers)
        layer.encode_to(out);
    return out;
}

}  // namespace sightline::tiles
