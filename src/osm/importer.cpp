// The only file that compiles libosmium's reader, location index and area assembler (they are
// slow to compile). Two passes over the file, as libosmium's multipolygon examples do: pass 1
// collects multipolygon relations, pass 2 stores node locations, builds ways, cameras and
// areas.
#include "osm/importer.hpp"

#include "osm/background_sink.hpp"
#include "osm/node_location_index.hpp"
#include "osm/pbf_blobs.hpp"
#include "osm/place_spill.hpp"
#include "osm/places.hpp"

// GCC 12 at -O3 reports false positives (stringop-overread, array-bounds) inside libosmium's
// builders once they are inlined into this file; the code is libosmium's, not ours.
#pragma GCC diagnostic ignored "-Wstringop-overread"
#pragma GCC diagnostic ignored "-Warray-bounds"
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <osmium/area/assembler.hpp>
#include <osmium/area/multipolygon_manager.hpp>
#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/thread/pool.hpp>
#include <osmium/visitor.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <fmt/core.h>

namespace sightline::osm {
namespace {

using Clock = std::chrono::steady_clock;

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// The values of the keys the import reads, found in one walk over an object's tags: libosmium's
// get_value_by_key walks them all again for each key it is asked, comparing strings, and a way
// is asked for about ten. Other keys fall back to it. Like it, the first tag of a key wins.
class TagValues {
  public:
    explicit TagValues(const osmium::TagList& tags) : m_tags(tags) {
        for (const auto& t : tags) {
            const int k = known_key(t.key());
            if (k >= 0 && m_values[static_cast<std::size_t>(k)] == nullptr)
                m_values[static_cast<std::size_t>(k)] = t.value();
        }
    }
    const char* operator()(const char* key) const {
        const int k = known_key(key);
        return k >= 0 ? m_values[static_cast<std::size_t>(k)] : m_tags.get_value_by_key(key);
    }

  private:
    static constexpr std::array<std::string_view, 16> keys{
        "access",   "addr:housenumber", "area",     "barrier", "boundary",
        "building", "building:levels",  "foot",     "height",  "highway",
        "landuse",  "leisure",          "man_made", "name",    "natural",
        "waterway"};
    static int known_key(std::string_view key) noexcept {
        for (std::size_t i = 0; i < keys.size(); ++i)
            if (keys[i] == key) return static_cast<int>(i);
        return -1;
    }

    const osmium::TagList& m_tags;
    std::array<const char*, keys.size()> m_values{};
};

bool equals(const char* value, const char* expected) {
    return value != nullptr && std::strcmp(value, expected) == 0;
}

bool one_of(const char* value, std::initializer_list<const char*> options) {
    if (value == nullptr) return false;
    return std::any_of(options.begin(), options.end(),
                       [value](const char* o) { return std::strcmp(value, o) == 0; });
}

template <typename Get>
bool walkable(const Get& tag) {
    const char* highway = tag("highway");
    if (highway == nullptr) return false;
    // area=yes highways are squares (pedestrian areas): polygons, not lines of the network.
    if (equals(tag("area"), "yes")) return false;
    const char* foot = tag("foot");
    bool foot_allowed = one_of(foot, {"yes", "designated", "permissive"});
    if (equals(highway, "motorway") || equals(highway, "motorway_link")) return foot_allowed;
    static const std::unordered_set<std::string_view> usable{
        "footway",     "pedestrian",     "path",         "steps",        "living_street",
        "residential", "service",        "unclassified", "tertiary",     "tertiary_link",
        "secondary",   "secondary_link", "primary",      "primary_link", "trunk",
        "trunk_link",  "track",          "cycleway",     "road",         "corridor",
        "bridleway",   "sidewalk",       "crossing",     "platform",     "elevator"};
    if (!usable.contains(highway)) return false;
    if (foot_allowed) return true;
    if (equals(foot, "no")) return false;
    if (one_of(tag("access"), {"no", "private"})) return false;
    return true;
}

/// A node on a way that stops people on foot: a barrier that forbids them (a locked gate), or one
/// nobody walks through (a wall, a fence) unless it says feet may pass.
template <typename Get>
bool barrier_blocks_feet(const Get& tag) {
    const char* barrier = tag("barrier");
    if (barrier == nullptr || equals(barrier, "no")) return false;
    const char* foot = tag("foot");
    if (one_of(foot, {"yes", "designated", "permissive"})) return false;
    if (equals(foot, "no")) return true;
    if (one_of(tag("access"), {"no", "private"})) return true;
    return one_of(barrier, {"wall", "fence", "hedge", "retaining_wall", "city_wall", "ditch"});
}

enum class Kind { none, building, water, park };

template <typename Get>
Kind classify_area(const Get& tag) {
    if (const char* b = tag("building"); b != nullptr && std::strcmp(b, "no") != 0)
        return Kind::building;
    const char* natural = tag("natural");
    const char* landuse = tag("landuse");
    if (equals(natural, "water") || equals(tag("waterway"), "riverbank") ||
        one_of(landuse, {"reservoir", "basin"}))
        return Kind::water;
    if (one_of(tag("leisure"), {"park", "garden", "playground"}) ||
        one_of(landuse, {"grass", "recreation_ground", "forest", "meadow", "village_green"}) ||
        equals(natural, "wood"))
        return Kind::park;
    return Kind::none;
}

osmium::TagsFilter area_filter() {
    osmium::TagsFilter filter{false};
    filter.add_rule(true, osmium::TagMatcher{"building"});
    for (const char* v : {"water", "wood"})
        filter.add_rule(true, osmium::TagMatcher{"natural", v});
    filter.add_rule(true, osmium::TagMatcher{"waterway", "riverbank"});
    for (const char* v :
         {"reservoir", "basin", "grass", "recreation_ground", "forest", "meadow", "village_green"})
        filter.add_rule(true, osmium::TagMatcher{"landuse", v});
    for (const char* v : {"park", "garden", "playground"})
        filter.add_rule(true, osmium::TagMatcher{"leisure", v});
    filter.add_rule(true, osmium::TagMatcher{"boundary", "administrative"});
    return filter;
}

model::Tags all_tags(const osmium::TagList& list) {
    model::Tags tags;
    for (const auto& t : list)
        tags.emplace(t.key(), t.value());
    return tags;
}

geo::LatLon to_lat_lon(const osmium::Location& l) {
    return {l.lat_without_check(), l.lon_without_check()};
}

double height_of(const TagValues& tag) {
    if (const char* h = tag("height")) {
        double m = parse_height_m(h);
        if (m > 0) return m;
    }
    if (const char* levels = tag("building:levels")) {
        double n = parse_height_m(levels);  // same number syntax, no unit expected
        if (n > 0) return n * 3.0;
    }
    return 0;
}

// Area centroid of a closed ring (planar in degrees: fine at camera-site scale), else the mean.
geo::LatLon centroid(const std::vector<geo::LatLon>& points) {
    std::size_t n = points.size();
    if (n >= 4 && points.front() == points.back()) {
        // Relative to the first point: the shoelace sum of absolute degrees loses ~1e-8.
        const geo::LatLon o = points.front();
        double a = 0, cx = 0, cy = 0;
        for (std::size_t i = 0; i + 1 < n; ++i) {
            double x0 = points[i].lon - o.lon, y0 = points[i].lat - o.lat;
            double x1 = points[i + 1].lon - o.lon, y1 = points[i + 1].lat - o.lat;
            double cross = x0 * y1 - x1 * y0;
            a += cross;
            cx += (x0 + x1) * cross;
            cy += (y0 + y1) * cross;
        }
        if (std::abs(a) > 1e-18) return {o.lat + cy / (3 * a), o.lon + cx / (3 * a)};
        --n;  // degenerate: average without the repeated last point
    }
    geo::LatLon sum{0, 0};
    for (std::size_t i = 0; i < n; ++i) {
        sum.lat += points[i].lat;
        sum.lon += points[i].lon;
    }
    return {sum.lat / static_cast<double>(n), sum.lon / static_cast<double>(n)};
}

class ExtractHandler : public osmium::handler::Handler {
  public:
    /// Cameras, streets and areas go to `sink` as they are built; places
    /// into `places` (their context is filled at the end) and the street grouping.
    ExtractHandler(model::OsmExtract& extract, model::MapDataSink& sink, PlaceSpill& places,
                   ReadStats& stats, int district_level)
        : m_extract(extract),
          m_sink(sink),
          m_places(places),
          m_stats(stats),
          m_min_district_level(district_level != 0 ? district_level : 8),
          m_max_district_level(district_level != 0 ? district_level : 10) {}

    /// Pass 1: remembers an administrative boundary relation at a district level (its area is
    /// assembled in pass 2, or it is reported incomplete); true if it is one.
    bool consider_boundary(const osmium::Relation& relation) {
        auto district = district_from_tags(relation.tags());
        if (!district) return false;
        district->osm_id = relation.id();
        district->complete = false;
        m_boundaries.emplace(relation.id(), std::move(*district));
        return true;
    }

    void node(const osmium::Node& node) {
        ++m_stats.nodes;
        const auto& loc = node.location();
        if (!loc.valid()) return;
        m_box.extend(loc);
        if (node.tags().empty()) return;
        const TagValues tag(node.tags());
        if (barrier_blocks_feet(tag)) {
            if (!m_blocking_nodes.empty() && node.id() <= m_blocking_nodes.back())
                m_blocking_sorted = false;
            m_blocking_nodes.push_back(node.id());
        }
        add_place(node.tags(), tag, [&] { return to_lat_lon(loc); });
        if (!equals(tag("man_made"), "surveillance")) return;
        model::OsmCamera camera;
        camera.osm = {"node", node.id(), static_cast<int>(node.version()),
                      static_cast<std::int64_t>(node.timestamp().seconds_since_epoch())};
        camera.location = to_lat_lon(loc);
        camera.tags = all_tags(node.tags());
        m_sink.add_camera(camera);
    }

    void way(const osmium::Way& way) {
        ++m_stats.ways;
        for (const auto& ref : way.nodes())
            if (!ref.location().valid()) ++m_stats.missing_node_refs;
        const auto& tags = way.tags();
        if (tags.empty()) return;
        const TagValues tag(tags);
        bool camera = equals(tag("man_made"), "surveillance");
        bool street = walkable(tag);
        if (way.nodes().size() > 3 && way.nodes().ends_have_same_id() &&
            !equals(tag("area"), "no") && classify_area(tag) != Kind::none)
            ++m_area_way_candidates;
        const bool place = !street && has_place_key(tag);
        if (!camera && !street && !place) return;

        std::vector<geo::LatLon> points;
        points.reserve(way.nodes().size());
        std::vector<std::size_t> cuts;  // indexes into points of nodes that stop people on foot
        for (const auto& ref : way.nodes()) {
            if (!ref.location().valid()) continue;
            if (street && blocks(ref.ref())) cuts.push_back(points.size());
            points.push_back(to_lat_lon(ref.location()));
        }
        if (camera && !points.empty()) {
            model::OsmCamera c;
            c.osm = {"way", way.id(), static_cast<int>(way.version()),
                     static_cast<std::int64_t>(way.timestamp().seconds_since_epoch())};
            c.location = centroid(points);
            c.tags = all_tags(tags);
            m_sink.add_camera(c);
        }
        if (place && !points.empty()) add_place(tags, tag, [&] { return centroid(points); });
        if (!street) return;
        if (points.size() < 2) {
            ++m_stats.dropped_ways;
            return;
        }
        model::Street s;
        s.osm_way_id = way.id();
        s.highway = tag("highway");
        if (const char* name = tag("name")) s.name = name;
        // A barrier splits the way: the pieces on either side, without the barrier's point, so
        // routes cannot pass it.
        cuts.push_back(points.size());
        std::size_t begin = 0;
        for (std::size_t cut : cuts) {
            if (cut >= begin + 2) {
                model::Street piece = s;
                piece.points.assign(points.begin() + static_cast<std::ptrdiff_t>(begin),
                                    points.begin() + static_cast<std::ptrdiff_t>(cut));
                m_sink.add_street(piece);
                m_street_places.add(piece);
            }
            begin = cut + 1;
        }
    }

    /// Pass 1: every relation read (not relation(): pass 2 may read them again).
    void count_relation() { ++m_stats.relations; }

    void area(const osmium::Area& area) {
        const auto& tags = area.tags();
        const TagValues tag(tags);
        if (equals(tag("boundary"), "administrative")) {
            add_district(area);
            return;
        }
        auto kind = classify_area(tag);
        if (kind == Kind::none) return;
        ++(area.from_way() ? m_area_ways_built : m_area_relations_built);
        model::Area base;
        base.osm_id = area.orig_id();
        base.from_relation = !area.from_way();
        base.kind = kind == Kind::building ? model::AreaKind::building
                    : kind == Kind::water  ? model::AreaKind::water
                                           : model::AreaKind::park;
        if (const char* name = tag("name")) base.name = name;
        if (kind == Kind::building) base.height_m = height_of(tag);
        auto ring_points = [](const osmium::NodeRefList& ring) {
            std::vector<geo::LatLon> points;
            points.reserve(ring.size());
            for (const auto& ref : ring)
                points.push_back(to_lat_lon(ref.location()));
            return points;
        };
        for (const auto& outer : area.outer_rings()) {
            model::Area a = base;
            a.rings.push_back(ring_points(outer));
            for (const auto& inner : area.inner_rings(outer))
                a.rings.push_back(ring_points(inner));
            m_sink.add_area(a);
        }
    }

    /// Called once after pass 2. libosmium builds at most one area per way and per relation, so
    /// the candidates that built none are the broken ones.
    void finish(std::uint64_t relation_candidates) {
        choose_districts();
        auto unbuilt = [](std::uint64_t candidates, std::uint64_t built) {
            return candidates > built ? candidates - built : 0;
        };
        m_stats.broken_multipolygons = unbuilt(m_area_way_candidates, m_area_ways_built) +
                                       unbuilt(relation_candidates, m_area_relations_built);
    }

    [[nodiscard]] const osmium::Box& node_box() const noexcept { return m_box; }
    [[nodiscard]] const StreetPlaceBuilder& street_places() const noexcept {
        return m_street_places;
    }
    [[nodiscard]] const PlaceContext& context() const noexcept { return m_context; }

  private:
    // A district at an allowed level, without its outline, from a boundary's tags.
    std::optional<model::District> district_from_tags(const osmium::TagList& tags) const {
        if (!equals(tags.get_value_by_key("boundary"), "administrative")) return std::nullopt;
        const char* level_text = tags.get_value_by_key("admin_level");
        if (level_text == nullptr) return std::nullopt;
        int level = 0;
        std::string_view text{level_text};
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), level);
        if (ec != std::errc{} || end != text.data() + text.size() || level < m_min_district_level ||
            level > m_max_district_level)
            return std::nullopt;
        model::District district;
        district.admin_level = level;
        if (const char* name = tags.get_value_by_key("name")) district.name = name;
        for (const auto& tag : tags) {
            std::string_view key{tag.key()};
            if (key.starts_with("name:") && key.size() > 5 && *tag.value() != '\0')
                district.names.emplace_back(std::string(key.substr(5)), tag.value());
        }
        std::sort(district.names.begin(), district.names.end());
        return district;
    }

    void add_district(const osmium::Area& area) {
        std::optional<model::District> district;
        if (area.from_way()) {
            district = district_from_tags(area.tags());
        } else if (auto it = m_boundaries.find(area.orig_id()); it != m_boundaries.end()) {
            district = it->second;
            m_boundaries.erase(it);
        }
        if (!district) return;
        district->osm_id = area.orig_id();
        district->from_relation = !area.from_way();
        district->complete = true;
        auto ring_points = [](const osmium::NodeRefList& ring) {
            geo::Ring points;
            points.reserve(ring.size());
            for (const auto& ref : ring)
                points.push_back(to_lat_lon(ref.location()));
            return points;
        };
        for (const auto& outer : area.outer_rings()) {
            geo::Polygon& polygon = district->polygons.emplace_back();
            polygon.push_back(ring_points(outer));
            for (const auto& inner : area.inner_rings(outer))
                polygon.push_back(ring_points(inner));
        }
        if (!district->polygons.empty()) m_districts.push_back(std::move(*district));
    }

    // The finest level with a complete boundary (else the finest with any), its complete
    // boundaries by name, then the ones whose outline could not be closed.
    void choose_districts() {
        int level = 0;
        for (const auto& d : m_districts)
            level = std::max(level, d.admin_level);
        if (level == 0)
            for (const auto& [id, d] : m_boundaries)
                level = std::max(level, d.admin_level);
        m_extract.district_level = level;
        auto by_name = [](const model::District& a, const model::District& b) {
            return std::tie(a.name, a.osm_id) < std::tie(b.name, b.osm_id);
        };
        for (auto& d : m_districts)
            if (d.admin_level == level) m_extract.districts.push_back(std::move(d));
        std::sort(m_extract.districts.begin(), m_extract.districts.end(), by_name);
        std::size_t complete = m_extract.districts.size();
        for (auto& [id, d] : m_boundaries)
            if (d.admin_level == level) m_extract.districts.push_back(std::move(d));
        std::sort(m_extract.districts.begin() + static_cast<std::ptrdiff_t>(complete),
                  m_extract.districts.end(), by_name);
        m_districts.clear();
        m_boundaries.clear();
    }

    bool blocks(osmium::object_id_type node) {
        if (!m_blocking_sorted) {
            std::sort(m_blocking_nodes.begin(), m_blocking_nodes.end());
            m_blocking_nodes.erase(std::unique(m_blocking_nodes.begin(), m_blocking_nodes.end()),
                                   m_blocking_nodes.end());
            m_blocking_sorted = true;
        }
        return std::binary_search(m_blocking_nodes.begin(), m_blocking_nodes.end(), node);
    }

    static bool has_place_key(const TagValues& tag) {
        return tag("name") != nullptr || tag("addr:housenumber") != nullptr;
    }

    // A searchable place (osm/places.hpp) from the tags, placed where `location()` says.
    template <typename Location>
    void add_place(const osmium::TagList& tags, const TagValues& tag, const Location& location) {
        if (!has_place_key(tag)) return;
        TagPairs pairs;
        pairs.reserve(tags.size());
        for (const auto& t : tags)
            pairs.emplace_back(t.key(), t.value());
        auto place = place_from_tags(pairs);
        if (!place) return;
        place->location = location();
        m_context.consider(*place);
        m_places.push(*place);
    }

    model::OsmExtract& m_extract;
    model::MapDataSink& m_sink;
    PlaceSpill& m_places;
    StreetPlaceBuilder m_street_places;
    PlaceContext m_context;
    ReadStats& m_stats;
    osmium::Box m_box;
    // Sorted (as nodes come in sorted files) once ways ask: 8 bytes per node, not a hash node.
    std::vector<osmium::object_id_type> m_blocking_nodes;
    bool m_blocking_sorted = true;
    std::uint64_t m_area_ways_built = 0;
    std::uint64_t m_area_relations_built = 0;
    std::uint64_t m_area_way_candidates = 0;
    int m_min_district_level;
    int m_max_district_level;
    std::unordered_map<osmium::object_id_type, model::District> m_boundaries;  ///< not built yet
    std::vector<model::District> m_districts;                                  ///< built
};

// A TagList is "key\0value\0..." walked with strlen. libosmium's PBF decoder copies strings
// from the block's string table as they are, so a string with a NUL inside shifts that walk past
// the end of the list and of the buffer (heap overflow, found by tests/fuzz/osm_pbf_fuzz.cpp).
// This checks each list before anything else reads it: the walk stays within the list when the
// list ends with a NUL and holds an even number of them (each ends a key or a value), which one
// pass over its bytes counts.
bool tags_are_sound(const osmium::TagList& tags) {
    const auto* begin = reinterpret_cast<const char*>(tags.data()) + sizeof(osmium::TagList);
    const auto* end = reinterpret_cast<const char*>(tags.data()) + tags.byte_size();
    if (begin == end) return true;
    if (end[-1] != '\0') return false;
    std::size_t nuls = 0;
    for (const char* p = begin; p != end; ++p)
        nuls += *p == '\0';
    return nuls % 2 == 0;
}

/// Throws (caught by read_osm_file as "cannot read FILE: ...") on an object whose tags cannot be
/// read safely.
void check_tags(const osmium::memory::Buffer& buffer) {
    for (const auto& object : buffer.select<osmium::OSMObject>())
        if (!tags_are_sound(object.tags()))
            throw std::runtime_error(fmt::format("{} {}: a tag holds a NUL byte",
                                                 osmium::item_type_to_name(object.type()),
                                                 object.id()));
}

// libosmium's index interface over NodeLocationIndex (a temporary file of pages for sorted
// files). libosmium looks locations up through get_noexcept: a failure to read the file back is
// kept here and thrown by rethrow_failure() after the buffer.
class CompactLocations final
    : public osmium::index::map::Map<osmium::unsigned_object_id_type, osmium::Location> {
  public:
    explicit CompactLocations(const std::filesystem::path& dir) : m_index(dir) {}
    void set(const osmium::unsigned_object_id_type id, const osmium::Location value) final {
        m_index.set(id, {value.x(), value.y()});
    }
    osmium::Location get(const osmium::unsigned_object_id_type id) const final {
        const auto location = get_noexcept(id);
        if (!location.valid()) throw osmium::not_found{id};
        return location;
    }
    osmium::Location get_noexcept(const osmium::unsigned_object_id_type id) const noexcept final {
        if (m_failure) return osmium::Location{};
        try {
            const auto point = m_index.get(id);
            return point ? osmium::Location{point->x, point->y} : osmium::Location{};
        } catch (...) {
            m_failure = std::current_exception();
            return osmium::Location{};
        }
    }
    void rethrow_failure() const {
        if (m_failure) std::rethrow_exception(m_failure);
    }
    std::size_t size() const final { return m_index.size(); }
    std::size_t used_memory() const final { return m_index.used_memory(); }
    void clear() final { m_index.clear(); }
    void sort() final { m_index.sort(); }

  private:
    NodeLocationIndex m_index;
    mutable std::exception_ptr m_failure;
};

using LocationIndex = CompactLocations;
using LocationHandler = osmium::handler::NodeLocationsForWays<LocationIndex>;
using Manager = osmium::area::MultipolygonManager<osmium::area::Assembler>;

// Thrown in pass 2 when a relation turns up that pass 1, reading the last blobs, did not see.
struct RelationNotLast {};

// Pass 2's check that pass 1 read every relation (those it read, sorted by id).
class RelationCheck : public osmium::handler::Handler {
  public:
    explicit RelationCheck(const std::vector<osmium::object_id_type>& read) : m_read(read) {}
    void relation(const osmium::Relation& relation) const {
        if (!std::binary_search(m_read.begin(), m_read.end(), relation.id()))
            throw RelationNotLast{};
    }

  private:
    const std::vector<osmium::object_id_type>& m_read;
};

// True if `blob` of `path` holds a relation (decoded on its own, after the file's header blob).
bool blob_has_relation(const std::filesystem::path& path, const PbfBlob& header,
                       const PbfBlob& blob) {
    const PbfBlob both[] = {header, blob};
    const std::string bytes = read_pbf_blobs(path, both);
    osmium::io::File file{bytes.data(), bytes.size(), "pbf"};
    osmium::io::Reader reader{file, osmium::osm_entity_bits::relation, osmium::io::read_meta::no};
    bool found = false;
    while (osmium::memory::Buffer buffer = reader.read())
        for ([[maybe_unused]] const auto& relation : buffer.select<osmium::Relation>())
            found = true;
    reader.close();
    return found;
}

// The blobs of a PBF file (`blobs`, as list_pbf_blobs() found them) that pass 1 reads with
// RelationSearch::last_blobs: its header blob and every blob from the first one holding a
// relation, found by bisection on "holds a relation" (false, then true, in a file sorted by type;
// about log2(blobs) blobs decoded). Empty when the file's framing is not the usual one (libosmium
// then reads it whole, and reports what is wrong).
std::vector<PbfBlob> relation_blobs(const std::filesystem::path& path,
                                    const std::vector<PbfBlob>& blobs) {
    if (blobs.empty() || !blobs.front().is_header) return {};
    // libosmium refuses a blob over 32 MiB; such a file is left to it (and never held here).
    constexpr std::uint64_t max_blob_bytes = std::uint64_t{64} << 20;
    if (std::any_of(blobs.begin(), blobs.end(),
                    [](const PbfBlob& blob) { return blob.bytes > max_blob_bytes; }))
        return {};
    const PbfBlob header = blobs.front();
    // The first blob holding a relation is in [low, high]; high == size: none does.
    std::size_t low = 1;
    std::size_t high = blobs.size();
    while (low < high) {
        const std::size_t middle = low + (high - low) / 2;
        if (blob_has_relation(path, header, blobs[middle])) {
            high = middle;
        } else {
            low = middle + 1;
        }
    }
    const std::size_t first = low;
    std::vector<PbfBlob> kept{header};
    kept.insert(kept.end(), blobs.begin() + static_cast<std::ptrdiff_t>(first), blobs.end());
    return kept;
}

// `blobs`: a PBF file's, as check_file() listed them (empty for XML).
model::OsmExtract read_extract(const std::filesystem::path& path, const std::vector<PbfBlob>& blobs,
                               model::MapDataSink& sink, const ImportOptions& options,
                               ReadStats& stats) {
    auto start = Clock::now();
    std::uint64_t total = std::filesystem::file_size(path);
    std::uint64_t objects = 0;
    auto report = [&](int pass, std::uint64_t bytes) {
        if (!options.on_progress) return;
        double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
        options.on_progress(ReadProgress{.pass = pass,
                                         .bytes_read = std::min(bytes, total),
                                         .bytes_total = total,
                                         .objects = objects,
                                         .elapsed_s = elapsed});
    };

    // libosmium's reader thread queues up to 20 chunks of 1 MiB before anything is decoded: the
    // progress (its offset) would run 20 MB ahead of the work. Two chunks keep the decoder
    // threads just as busy.
    ::setenv("OSMIUM_MAX_INPUT_QUEUE_SIZE", "2", /*overwrite=*/0);
    // And up to 20 decoded blocks (a few MB each) wait for the handlers, which are the slower
    // side here (the store's writes): 6 keep them fed and hold 12-16 MB less.
    ::setenv("OSMIUM_MAX_OSMDATA_QUEUE_SIZE", "6", /*overwrite=*/0);
    osmium::io::File file{path.string()};
    osmium::area::Assembler::config_type config;
    config.create_empty_areas = false;  // a broken multipolygon yields nothing (and is counted)
    Manager manager{config, area_filter()};

    model::OsmExtract extract;
    extract.source_name = path.filename().string();
    // Places and node locations wait in temporary files (unlinked at once) in the data folder.
    const std::filesystem::path temp_dir =
        options.temp_dir.empty() ? std::filesystem::temp_directory_path() : options.temp_dir;
    PlaceSpill places{temp_dir};
    // The sink (the store's writes) runs on its own thread beside the reading and assembling.
    BackgroundSink background{sink};
    ExtractHandler handler{extract, background, places, stats, options.district_level};

    // Pass 1: multipolygon relations. In a PBF file, only the blobs at its end that hold them
    // (RelationSearch::last_blobs), copied to a temporary file for libosmium's reader; their
    // ids are kept so that pass 2 can tell if a relation was elsewhere.
    std::uint64_t relation_candidates = 0;
    const bool last_blobs_only = options.relation_search == RelationSearch::last_blobs &&
                                 file.format() == osmium::io::file_format::pbf;
    std::vector<osmium::object_id_type> relations_read;
    // A decoder on every core, where libosmium's shared pool has one fewer. Pass 1 is all
    // decoding (the relations come last in a file; every block before them is inflated to get
    // there). In pass 2 the nodes' blocks take longer to decode than to handle: one decoder left
    // 40% of a core idle there on a country. In its ways, the decoders wait on a bounded queue
    // (OSMIUM_MAX_OSMDATA_QUEUE_SIZE) and leave the cores to the handlers and the store.
    osmium::thread::Pool decoders{
        static_cast<int>(std::max(1U, std::thread::hardware_concurrency()))};
    {
        std::optional<PbfBlobCopy> tail;
        if (last_blobs_only) {
            const auto kept = relation_blobs(path, blobs);
            if (!kept.empty()) tail.emplace(path, kept, temp_dir);
        }
        const osmium::io::File pass_file = tail ? osmium::io::File{tail->name(), "pbf"} : file;
        const std::uint64_t pass_bytes = tail ? tail->bytes() : total;
        // This pass does not need the objects' metadata.
        osmium::io::Reader reader{pass_file, osmium::osm_entity_bits::relation, decoders,
                                  osmium::io::read_meta::no};
        while (osmium::memory::Buffer buffer = reader.read()) {
            check_tags(buffer);
            for (const auto& relation : buffer.select<osmium::Relation>()) {
                ++objects;
                handler.count_relation();
                if (last_blobs_only) relations_read.push_back(relation.id());
                // Only the relations whose areas are kept reach the manager: it holds the member
                // ways of every relation it accepts until pass 2 has seen them.
                if (!manager.new_relation(relation)) continue;  // not an area relation
                const bool kept_area = classify_area([&relation](const char* key) {
                                           return relation.tags().get_value_by_key(key);
                                       }) != Kind::none;
                if (!kept_area && !handler.consider_boundary(relation)) continue;
                manager.relation(relation);
                if (kept_area) ++relation_candidates;
            }
            report(1, total - pass_bytes + reader.offset());
        }
        reader.close();
        report(1, total);
        manager.prepare_for_lookup();
        std::sort(relations_read.begin(), relations_read.end());
    }

    // Pass 2: nodes (locations, cameras) and ways (streets, way cameras, areas).
    LocationIndex index{temp_dir};
    LocationHandler locations{index};
    locations.ignore_errors();  // bbox cuts reference nodes outside the file
    auto& second_pass = manager.handler(
        [&handler](osmium::memory::Buffer&& areas) { osmium::apply(areas, handler); });
    // With last_blobs_only, the relations are read again (their blobs are a few percent of the
    // file), only to check that pass 1 saw every one.
    RelationCheck relation_check{relations_read};
    osmium::io::Reader reader{file,
                              osmium::osm_entity_bits::node | osmium::osm_entity_bits::way |
                                  (last_blobs_only ? osmium::osm_entity_bits::relation
                                                   : osmium::osm_entity_bits::nothing),
                              decoders, osmium::io::read_meta::yes};
    osmium::Box header_box = reader.header().box();
    while (osmium::memory::Buffer buffer = reader.read()) {
        check_tags(buffer);
        osmium::apply(buffer, locations, handler, second_pass, relation_check);
        index.rethrow_failure();
        objects = stats.relations + stats.nodes + stats.ways;
        report(2, reader.offset());
    }
    second_pass.flush();
    reader.close();
    handler.finish(relation_candidates);
    report(2, total);
    // Places in reading order, then one per street, as add_context() over all of them.
    const auto& context = handler.context();
    auto street_places = handler.street_places().places();
    ReadProgress writing{.pass = 3,
                         .bytes_read = total,
                         .bytes_total = total,
                         .objects = objects,
                         .places_total = places.size() + street_places.size()};
    auto write_place = [&](model::Place& place) {
        context.fill(place);
        background.add_place(place);
        if (++writing.places_written % 16384 == 0 && options.on_progress) {
            writing.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
            options.on_progress(writing);
        }
    };
    places.for_each(write_place);
    for (auto& place : street_places)
        write_place(place);
    background.drain();
    if (options.on_progress) {
        writing.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
        options.on_progress(writing);
    }

    // The header box, unless it is a placeholder: heidelberg_routing says 0,0,180,90, which
    // would make a re-import "remove" the cameras and streets of every other city in that
    // quarter of the globe. A header box over 100 times the area of the nodes' box is clipped
    // to it (real extracts have nodes all over their box; hand-cut ones a few times less).
    osmium::Box box = handler.node_box();
    auto area = [](const osmium::Box& b) {
        return (b.top_right().lon() - b.bottom_left().lon()) *
               (b.top_right().lat() - b.bottom_left().lat());
    };
    if (header_box.valid() && box.valid() && area(header_box) > 100 * area(box)) {
        osmium::Location bl{std::max(header_box.bottom_left().x(), box.bottom_left().x()),
                            std::max(header_box.bottom_left().y(), box.bottom_left().y())};
        osmium::Location tr{std::min(header_box.top_right().x(), box.top_right().x()),
                            std::min(header_box.top_right().y(), box.top_right().y())};
        if (bl.x() <= tr.x() && bl.y() <= tr.y()) box = osmium::Box{bl, tr};
    } else if (header_box.valid()) {
        box = header_box;
    }
    if (box.valid()) {
        extract.bounds = {box.bottom_left().lon(), box.bottom_left().lat(), box.top_right().lon(),
                          box.top_right().lat()};
    }
    return extract;
}

}  // namespace

bool relations_not_last(const Error& error) {
    return error.code == Errc::conflict;
}

bool is_osm_file_name(std::string_view name) {
    return ends_with(name, ".osm.pbf") || ends_with(name, ".pbf") || ends_with(name, ".osm") ||
           ends_with(name, ".osm.bz2") || ends_with(name, ".osm.gz");
}

bool is_walkable(const TagLookup& tag) {
    return walkable(tag);
}

bool blocks_feet(const TagLookup& tag) {
    return barrier_blocks_feet(tag);
}

double parse_height_m(std::string_view text) {
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || !std::isfinite(value) || value <= 0) return 0;
    std::string_view rest(end, static_cast<std::size_t>(text.data() + text.size() - end));
    while (!rest.empty() && rest.front() == ' ')
        rest.remove_prefix(1);
    // Only metres ("12", "12 m", "12.5m"); feet and other units are ignored rather than guessed.
    if (!rest.empty() && rest != "m") return 0;
    return value;
}

namespace {

// check_osm_file(), giving a PBF file's blobs from its framing walk (none for XML): the read
// bisects them for its relations without walking the file again.
Result<std::vector<PbfBlob>> check_file(const std::filesystem::path& path) {
    std::string name = path.string();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return fail(Errc::not_found, fmt::format("cannot read {}: no such file", name));
    if (!std::filesystem::is_regular_file(path, ec))
        return fail(Errc::invalid_argument, fmt::format("cannot read {}: not a file", name));
    if (!is_osm_file_name(path.filename().string()))
        return fail(Errc::invalid_argument,
                    fmt::format("cannot read {}: unknown format (expected .osm.pbf, .osm, "
                                ".osm.bz2 or .osm.gz)",
                                name));
    if (!ends_with(path.filename().string(), ".pbf")) return std::vector<PbfBlob>{};
    auto blobs = list_pbf_blobs(path);
    if (!blobs)
        return fail(Errc::invalid_argument,
                    fmt::format("cannot read {}: {}", name, blobs.error().message));
    return blobs;
}

}  // namespace

Status check_osm_file(const std::filesystem::path& path) {
    if (auto checked = check_file(path); !checked) return std::unexpected(checked.error());
    return {};
}

Result<model::OsmExtract> read_osm_file(const std::filesystem::path& path, model::MapDataSink& sink,
                                        const ImportOptions& options) {
    const auto blobs = check_file(path);
    if (!blobs) return std::unexpected(blobs.error());
    ReadStats stats;
    try {
        auto extract = read_extract(path, *blobs, sink, options, stats);
        if (options.stats) *options.stats = stats;
        return extract;
    } catch (const RelationNotLast&) {
        return fail(Errc::conflict,
                    fmt::format("{}: a relation before the file's last blobs", path.string()));
    } catch (const sightline::Exception&) {
        throw;  // the environment (a full disk, the store), not the file: not "cannot read"
    } catch (const std::exception& e) {
        // libosmium reports truncated and corrupt input (pbf_error, xml_error, io_error,
        // gzip/bzip2 errors) as exceptions derived from std ones.
        return fail(Errc::invalid_argument,
                    fmt::format("cannot read {}: {}", path.string(), e.what()));
    }
}

namespace {

// The in-memory form: everything the sink gets kept in the extract.
class CollectingSink final : public model::MapDataSink {
  public:
    explicit CollectingSink(model::OsmExtract& extract) : m_extract(extract) {}
    void add_camera(const model::OsmCamera& camera) override {
        m_extract.cameras.push_back(camera);
    }
    void add_street(const model::Street& street) override { m_extract.streets.push_back(street); }
    void add_area(const model::Area& area) override { m_extract.areas.push_back(area); }
    void add_place(const model::Place& place) override { m_extract.places.push_back(place); }

  private:
    model::OsmExtract& m_extract;
};

}  // namespace

Result<model::OsmExtract> read_osm_file(const std::filesystem::path& path,
                                        const ImportOptions& options) {
    model::OsmExtract collected;
    CollectingSink sink{collected};
    auto extract = read_osm_file(path, sink, options);
    if (!extract && relations_not_last(extract.error())) {
        collected = {};
        ImportOptions whole_file = options;
        whole_file.relation_search = RelationSearch::whole_file;
        extract = read_osm_file(path, sink, whole_file);
    }
    if (!extract) return extract;
    extract->cameras = std::move(collected.cameras);
    extract->streets = std::move(collected.streets);
    extract->areas = std::move(collected.areas);
    extract->places = std::move(collected.places);
    return extract;
}

}  // namespace sightline::osm
