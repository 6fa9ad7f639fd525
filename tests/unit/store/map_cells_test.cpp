// Streets and areas found by the grid cells of their boxes (schema migration 13): every object
// whose box meets a query box is found, whatever its size and wherever it lies (across cell
// borders, in the southern and western hemispheres, beside the antimeridian and the poles), and a
// re-import of an area removes the objects of the earlier one inside it.
#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <span>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "store/sqlite/map_cells.hpp"
#include "store_test_support.hpp"

namespace sightline::store::testing {
namespace {

const geo::BBox world{-180, -90, 180, 90};

struct Shape {
    std::string what;
    geo::BBox box;
};

// Boxes that test the cells' edges. Streets are the box's diagonal, areas its outline.
std::vector<Shape> shapes() {
    return {
        {"inside one cell", {20.4601, 44.8121, 20.4622, 44.8139}},
        {"across a cell border in both directions", {20.4695, 44.8095, 20.4705, 44.8105}},
        {"as large as a cell", {20.43, 44.83, 20.44, 44.84}},
        {"long road (half a degree)", {20.1, 44.5, 20.6, 44.52}},
        {"forest (three degrees)", {18.2, 42.1, 21.3, 45.05}},
        {"river (fifty degrees)", {-10.0, 30.0, 40.0, 60.0}},
        {"around the world", {-180, -80, 180, 80}},
        {"Santiago, south and west", {-70.6512, -33.4412, -70.6498, -33.4391}},
        {"across the equator and the meridian", {-0.004, -0.006, 0.005, 0.003}},
        {"east of the antimeridian", {179.9951, -17.713, 179.9999, -17.709}},
        {"west of the antimeridian", {-180.0, -16.52, -179.9958, -16.518}},
        {"on the antimeridian's line", {180.0, 65.1, 180.0, 65.3}},
        {"at the south pole", {-60.5, -90.0, -60.49, -89.995}},
        {"at the north pole", {10.0, 89.992, 10.004, 90.0}},
    };
}

model::Street street_of(std::int64_t id, const geo::BBox& b) {
    return model::Street{
        id, "residential", fmt::format("street {}", id), {{b.south, b.west}, {b.north, b.east}}};
}

model::Area area_of(std::int64_t id, const geo::BBox& b, model::AreaKind kind) {
    model::Area a;
    a.osm_id = id;
    a.kind = kind;
    a.rings = {{{b.south, b.west},
                {b.south, b.east},
                {b.north, b.east},
                {b.north, b.west},
                {b.south, b.west}}};
    return a;
}

model::OsmExtract extract_of(const geo::BBox& bounds, std::span<const Shape> with,
                             std::int64_t first_id) {
    model::OsmExtract e;
    e.source_name = "cells.osm";
    e.bounds = bounds;
    std::int64_t id = first_id;
    for (const auto& s : with) {
        e.streets.push_back(street_of(id, s.box));
        e.areas.push_back(area_of(id, s.box, model::AreaKind::building));
        e.areas.push_back(area_of(id, s.box, model::AreaKind::water));
        ++id;
    }
    return e;
}

bool meets(const geo::BBox& a, const geo::BBox& b) {
    return a.west <= b.east && b.west <= a.east && a.south <= b.north && b.south <= a.north;
}

class MapCells : public ::testing::Test {
  protected:
    void SetUp() override { m_store = open_store(m_dir.path()); }

    void import(const model::OsmExtract& extract) {
        auto summary = m_store->apply_osm_import(extract, {"import", "", 1'700'000'000});
        ASSERT_TRUE(summary) << summary.error().message;
    }

    std::set<std::int64_t> streets(const geo::BBox& box) {
        std::set<std::int64_t> ids;
        m_store->for_each_street(box, [&](const model::Street& s) {
            EXPECT_TRUE(ids.insert(s.osm_way_id).second) << "twice: " << s.osm_way_id;
        });
        return ids;
    }

    std::set<std::int64_t> areas(const geo::BBox& box, model::AreaKind kind) {
        std::set<std::int64_t> ids;
        m_store->for_each_area(box, kind, [&](const model::Area& a) {
            EXPECT_EQ(a.kind, kind);
            EXPECT_TRUE(ids.insert(a.osm_id).second) << "twice: " << a.osm_id;
        });
        return ids;
    }

    TempDir m_dir;
    std::unique_ptr<SqliteStore> m_store;
};

// Every query box gives exactly the objects whose box meets it (what the R*Trees gave): small
// boxes at each corner and edge of each object, far from the corner its cell is of, boxes just
// beside each object, and random boxes of all sizes.
TEST_F(MapCells, FindEveryObjectWhoseBoxMeetsTheQuery) {
    const auto all = shapes();
    import(extract_of(world, all, 1));
    std::vector<geo::BBox> queries{world};
    constexpr double small = 1e-5;
    for (const auto& s : all) {
        const auto& b = s.box;
        queries.push_back(b);
        for (double lat : {b.south, (b.south + b.north) / 2, b.north})
            for (double lon : {b.west, (b.west + b.east) / 2, b.east}) {
                queries.push_back({lon - small, lat - small, lon + small, lat + small});
                queries.push_back({lon, lat, lon + 0.3, lat + 0.3});  // north-east of it
            }
        queries.push_back({b.east + small, b.south, b.east + 0.02, b.north});  // just beside
        queries.push_back({b.west, b.north + small, b.east, b.north + 0.02});  // just above
    }
    // Turned inside out: SQL's box test finds the objects that span the gap, and so must we.
    queries.push_back({10, 40, 5, 50});
    queries.push_back({0, 50, 30, 40});
    queries.push_back({179.9999, -17.712, 179.996, -17.711});
    std::mt19937 random(17);
    std::uniform_real_distribution<double> lat(-90, 90), lon(-180, 180), size(0, 1);
    for (int i = 0; i < 400; ++i) {
        const double extent = std::pow(10.0, -4 + 6 * size(random));  // 1e-4 to 100 degrees
        const double west = lon(random), south = lat(random);
        queries.push_back(
            {west, south, std::min(west + extent, 180.0), std::min(south + extent / 2, 90.0)});
    }
    for (const auto& q : queries) {
        std::set<std::int64_t> expected;
        for (std::size_t i = 0; i < all.size(); ++i)
            if (meets(all[i].box, q)) expected.insert(static_cast<std::int64_t>(i) + 1);
        const auto where = fmt::format("query {},{} - {},{}", q.south, q.west, q.north, q.east);
        EXPECT_EQ(streets(q), expected) << where;
        EXPECT_EQ(areas(q, model::AreaKind::building), expected) << where;
        EXPECT_EQ(areas(q, model::AreaKind::water), expected) << where;
        EXPECT_TRUE(areas(q, model::AreaKind::park).empty()) << where;
    }
    const double nan = std::nan("");
    EXPECT_TRUE(streets({nan, 0, 1, 1}).empty());
    EXPECT_TRUE(areas({-180, -90, 180, nan}, model::AreaKind::water).empty());
    auto bounds = m_store->street_bounds();
    ASSERT_TRUE(bounds);
    EXPECT_EQ(bounds->west, -180);
    EXPECT_EQ(bounds->south, -90);
    EXPECT_EQ(bounds->east, 180);
    EXPECT_EQ(bounds->north, 90);
}

// The box test agrees with the geometry as the store gives it back (E7 degrees): a point at
// 44.81000006 is kept as 44.8100001, so a box from 44.81000008 meets the street, though the
// coordinates the import was given do not reach it.
TEST_F(MapCells, TheBoxIsThatOfTheStoredGeometry) {
    model::OsmExtract e;
    e.bounds = world;
    e.streets.push_back(
        {1, "residential", "", {{44.80000004, 20.40000004}, {44.81000006, 20.41000006}}});
    import(e);
    const geo::BBox beyond{20.41000008, 44.81000008, 20.5, 44.9};
    std::vector<geo::LatLon> points;
    m_store->for_each_street(beyond, [&](const model::Street& s) { points = s.points; });
    ASSERT_EQ(points.size(), 2u) << "not found by a box that meets its stored geometry";
    EXPECT_GE(points[1].lat, beyond.south);
    EXPECT_GE(points[1].lon, beyond.west);
    // And 44.80000004 is kept as 44.8: a box up to 44.80000002 meets it.
    const geo::BBox below{20.0, 44.0, 20.40000002, 44.80000002};
    EXPECT_EQ(streets(below), std::set<std::int64_t>{1});
}

// Rows come out in the order they were written (their ids), as from the R*Trees: tiles encode
// features in this order.
TEST_F(MapCells, GiveObjectsInTheOrderTheyWereImported) {
    auto all = shapes();
    std::reverse(all.begin(), all.end());  // the first ones in the largest cells
    import(extract_of(world, all, 1));
    std::vector<std::int64_t> order;
    m_store->for_each_street(world, [&](const model::Street& s) { order.push_back(s.osm_way_id); });
    ASSERT_EQ(order.size(), all.size());
    EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
    order.clear();
    m_store->for_each_area(world, model::AreaKind::water,
                           [&](const model::Area& a) { order.push_back(a.osm_id); });
    ASSERT_EQ(order.size(), all.size());
    EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
}

// An import of an object's own box replaces it and whatever else lies within that box (here
// with new OSM ids: the old ones were deleted in OSM), also when the same extract comes twice;
// objects reaching outside the box stay. A model of the store says which objects are left.
TEST_F(MapCells, AReimportReplacesTheObjectsWithinItsBounds) {
    const auto all = shapes();
    std::map<std::int64_t, geo::BBox> present;
    auto import_and_model = [&](const geo::BBox& bounds, std::span<const Shape> with,
                                std::int64_t first_id) {
        constexpr double slack = 1e-4;  // osm_import.cpp widens the bounds so much
        std::erase_if(present, [&](const auto& row) {
            const auto& b = row.second;
            return b.west >= bounds.west - slack && b.east <= bounds.east + slack &&
                   b.south >= bounds.south - slack && b.north <= bounds.north + slack;
        });
        for (std::size_t i = 0; i < with.size(); ++i)
            present[first_id + static_cast<std::int64_t>(i)] = with[i].box;
        import(extract_of(bounds, with, first_id));
        std::set<std::int64_t> expected;
        for (const auto& row : present)
            expected.insert(row.first);
        return expected;
    };
    import_and_model(world, all, 1);
    for (std::size_t i = 0; i < all.size(); ++i) {
        const auto one = std::span(all).subspan(i, 1);
        const std::int64_t new_id = 1000 + static_cast<std::int64_t>(i);
        for (int twice = 0; twice < 2; ++twice) {
            const auto expected = import_and_model(all[i].box, one, new_id);
            EXPECT_EQ(streets(world), expected) << all[i].what;
            EXPECT_EQ(areas(world, model::AreaKind::building), expected) << all[i].what;
            EXPECT_EQ(areas(world, model::AreaKind::water), expected) << all[i].what;
        }
    }
    // An extract without any of them, over the whole world: nothing is left.
    import(extract_of(world, {}, 1));
    EXPECT_TRUE(streets(world).empty());
    EXPECT_TRUE(areas(world, model::AreaKind::building).empty());
    EXPECT_TRUE(areas(world, model::AreaKind::water).empty());
    EXPECT_FALSE(m_store->street_bounds());
}

// The cell is that of the box's south-west corner on the finest level whose cells are larger
// than the box: one cell away at most from any point of the box, row by row and column by column.
TEST(MapCellsGrid, ABoxIsOnTheFinestLevelThatHoldsIt) {
    using sqlite::map_cell;
    constexpr int shift = sqlite::map_cell_level_shift;
    EXPECT_EQ(map_cell({20.4601, 44.8121, 20.4622, 44.8139}) >> shift, 0);
    EXPECT_EQ(map_cell({20.0, 44.0, 20.0, 44.0}) >> shift, 0) << "a point";
    EXPECT_EQ(map_cell({20.1, 44.5, 20.6, 44.52}) >> shift, 3) << "0.5 degrees: 0.64-degree cells";
    EXPECT_EQ(map_cell({-180, -90, 180, 90}) >> shift, sqlite::map_cell_levels);
    const std::int64_t columns = std::int64_t{1} << sqlite::map_cell_column_bits;
    for (const auto& s : shapes()) {
        const auto cell = map_cell(s.box);
        const int level = static_cast<int>(cell >> shift);
        if (level == sqlite::map_cell_levels) continue;
        const double per_degree = sqlite::map_cells_per_degree(level);
        const auto row = (cell >> sqlite::map_cell_column_bits) & (columns - 1);
        const auto column = cell & (columns - 1);
        EXPECT_GE(static_cast<std::int64_t>((s.box.north + 90) * per_degree), row) << s.what;
        EXPECT_LE(static_cast<std::int64_t>((s.box.north + 90) * per_degree), row + 1) << s.what;
        EXPECT_LE(static_cast<std::int64_t>((s.box.east + 180) * per_degree), column + 1) << s.what;
    }
}

}  // namespace
}  // namespace sightline::store::testing
