#pragma once
// Mapbox Vector Tile 2.1 encoding: one LayerBuilder per layer collects features (geometry as
// MoveTo/LineTo/ClosePath commands with zigzag deltas, properties through the layer's key and
// value dictionaries); encode_tile() writes the layers as one protobuf message. protozero stays
// inside mvt_encoder.cpp.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "geo/tile_id.hpp"

namespace sightline::tiles {

/// A point in tile units (geo::tile_extent per side, origin top-left, y down); rounded to the
/// integer grid when encoded.
using TilePoint = geo::TilePoint;
/// A line string or a closed ring (first == last) of tile points.
using PointList = std::vector<TilePoint>;

/// MVT GeomType.
enum class GeomType : std::uint32_t { point = 1, linestring = 2, polygon = 3 };

/// MVT command ids (spec 4.3.1).
enum class Command : std::uint32_t { move_to = 1, line_to = 2, close_path = 7 };

/// Command integer: id in the low 3 bits, repeat count above.
constexpr std::uint32_t command_integer(Command id, std::uint32_t count) noexcept {
    return (static_cast<std::uint32_t>(id) & 0x7u) | (count << 3);
}
/// Zigzag encoding of a parameter integer (spec 4.3.2).
constexpr std::uint32_t zigzag(std::int32_t n) noexcept {
    return (static_cast<std::uint32_t>(n) << 1) ^ static_cast<std::uint32_t>(n >> 31);
}
/// Signed area (surveyor's formula, tile units, y down): positive for an MVT exterior ring.
double ring_area(std::span<const TilePoint> ring) noexcept;

/// Collects the features of one layer. Not thread-safe; one builder per tile render.
class LayerBuilder {
  public:
    explicit LayerBuilder(std::string name, std::uint32_t extent = geo::tile_extent);

    [[nodiscard]] const std::string& name() const noexcept { return m_name; }
    [[nodiscard]] std::size_t feature_count() const noexcept { return m_features.size(); }
    [[nodiscard]] bool empty() const noexcept { return m_features.empty(); }

    /// Adds a point feature. Returns true (a point is never degenerate).
    bool add_point(TilePoint p, std::optional<std::uint64_t> id = std::nullopt);
    /// Adds a line string; consecutive points that round to the same grid point are merged.
    /// Returns false (and adds nothing) if fewer than 2 distinct points remain.
    bool add_linestring(std::span<const TilePoint> line,
                        std::optional<std::uint64_t> id = std::nullopt);
    /// Adds a polygon: rings[0] is the exterior, the rest are holes; rings may be given closed
    /// or open and in either orientation (the encoder orients them as MVT requires). Rings with
    /// fewer than 3 distinct grid points or zero area are dropped; returns false (and adds
    /// nothing) if the exterior is dropped.
    bool add_polygon(std::span<const PointList> rings,
                     std::optional<std::uint64_t> id = std::nullopt);

    /// Properties of the feature added last (call after a successful add_*). A key repeated on
    /// one feature is the caller's bug.
    void add_property(std::string_view key, std::string_view value);
    void add_property(std::string_view key, const char* value) {
        add_property(key, std::string_view(value));
    }
    void add_property(std::string_view key, std::int64_t value);
    void add_property(std::string_view key, int value) {
        add_property(key, static_cast<std::int64_t>(value));
    }
    void add_property(std::string_view key, double value);
    void add_property(std::string_view key, bool value);

    /// Appends this layer as a Tile.layers message (protobuf bytes) to `out`; nothing if empty.
    void encode_to(std::string& out) const;

  private:
    // Every feature's tags and geometry live in two layer-wide arrays (no allocation per
    // feature), and the value dictionary in one byte arena with an open-addressing index: the
    // per-feature cost is what a tile of a hundred cameras is made of (bench/tiles_bench.sh).
    struct Feature {
        std::uint64_t id = 0;
        bool has_id = false;
        GeomType type = GeomType::point;
        std::uint32_t tags_begin = 0;  ///< into m_tags; the feature's tags run to tags_end
        std::uint32_t tags_end = 0;
        std::uint32_t geometry_begin = 0;  ///< into m_geometry
        std::uint32_t geometry_end = 0;
    };

    void begin_feature(std::optional<std::uint64_t> id, GeomType type);
    void add_tag(std::uint32_t key, std::string_view encoded_value);
    std::uint32_t key_index(std::string_view key);
    std::uint32_t value_index(std::string_view encoded_value);
    [[nodiscard]] std::string_view value(std::uint32_t index) const noexcept;

    std::string m_name;
    std::uint32_t m_extent;
    std::vector<Feature> m_features;
    std::vector<std::uint32_t> m_tags;
    std::vector<std::uint32_t> m_geometry;
    std::vector<std::string> m_keys;
    std::uint32_t m_next_key = 0;  ///< the key likely to come next (features repeat their order)
    std::string m_value_bytes;     ///< each value an encoded Value message, back to back
    std::vector<std::uint32_t> m_value_offsets{0};  ///< value i is [offsets[i], offsets[i+1])
    std::vector<std::uint32_t> m_value_slots;       ///< hash table: value index + 1, 0 empty
    std::vector<std::uint32_t> m_value_hashes;      ///< low 32 bits of each value's hash
    std::string m_scratch;
};

/// A whole tile: the non-empty layers in order. An empty result (no bytes) is a valid tile
/// without layers.
std::string encode_tile(std::span<const LayerBuilder> layers);

}  // namespace sightline::tiles
