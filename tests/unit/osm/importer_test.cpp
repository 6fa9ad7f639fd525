// The importer on hand-written fixtures (one of each case) and on broken input.
#include <algorithm>
#include <fstream>

#include <gtest/gtest.h>

#include "osm/importer.hpp"
#include "osm_test_support.hpp"

namespace sightline::osm {
namespace {

using testing::fixture;
using testing::read_fixture;

const model::OsmCamera* camera(const model::OsmExtract& e, std::string_view type, std::int64_t id) {
    for (const auto& c : e.cameras)
        if (c.osm.type == type && c.osm.id == id) return &c;
    return nullptr;
}

std::vector<std::int64_t> street_ids(const model::OsmExtract& e) {
    std::vector<std::int64_t> ids;
    for (const auto& s : e.streets)
        ids.push_back(s.osm_way_id);
    std::sort(ids.begin(), ids.end());
    return ids;
}

TEST(Importer, ReadsACameraNodeWithAllTagsAndProvenance) {
    auto e = read_fixture("basic.osm");
    const auto* c = camera(e, "node", 1);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->osm.version, 1);
    EXPECT_EQ(c->osm.timestamp, 1577934245);  // 2020-01-02T03:04:05Z
    EXPECT_DOUBLE_EQ(c->location.lat, 48.05);
    EXPECT_DOUBLE_EQ(c->location.lon, 11.05);
    EXPECT_EQ(c->tags.size(), 4u);
    EXPECT_EQ(c->tags.at("camera:direction"), "90");
    EXPECT_EQ(c->tags.at("operator"), "Bäckerei & Café \"Zur Post\"");
}

TEST(Importer, PlacesACameraOnAClosedWayAtItsCentroid) {
    auto e = read_fixture("basic.osm");
    const auto* c = camera(e, "way", 100);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->osm.version, 3);
    EXPECT_NEAR(c->location.lat, 48.02, 1e-9);
    EXPECT_NEAR(c->location.lon, 11.02, 1e-9);
    EXPECT_EQ(e.cameras.size(), 2u);
}

TEST(Importer, KeepsWalkableStreetsAndSkipsDanglingRefs) {
    ReadStats stats;
    auto e = read_fixture("basic.osm", &stats);
    // 400 foot=no, 403 one resolvable node, 404 motorway, 405 area=yes are left out; 406 is
    // access=private but foot=yes.
    EXPECT_EQ(street_ids(e), (std::vector<std::int64_t>{401, 402, 406}));
    auto it = std::find_if(e.streets.begin(), e.streets.end(),
                           [](const auto& s) { return s.osm_way_id == 402; });
    ASSERT_NE(it, e.streets.end());
    EXPECT_EQ(it->points.size(), 2u);
    EXPECT_EQ(it->highway, "residential");
    EXPECT_EQ(stats.missing_node_refs, 2u);
    EXPECT_EQ(stats.dropped_ways, 1u);
}

TEST(Importer, AssemblesBuildingsWaterAndParks) {
    ReadStats stats;
    auto e = read_fixture("basic.osm", &stats);
    int buildings = 0, water = 0, parks = 0;
    for (const auto& a : e.areas) {
        if (a.kind == model::AreaKind::building) ++buildings;
        if (a.kind == model::AreaKind::water) ++water;
        if (a.kind == model::AreaKind::park) ++parks;
    }
    EXPECT_EQ(buildings, 2);
    EXPECT_EQ(water, 1);
    EXPECT_EQ(parks, 1);
    EXPECT_EQ(stats.broken_multipolygons, 1u);  // relation 3001

    auto way =
        std::find_if(e.areas.begin(), e.areas.end(), [](const auto& a) { return a.osm_id == 200; });
    ASSERT_NE(way, e.areas.end());
    EXPECT_FALSE(way->from_relation);
    EXPECT_DOUBLE_EQ(way->height_m, 12.0);
    EXPECT_EQ(way->name, "Rathaus");
    ASSERT_EQ(way->rings.size(), 1u);
    EXPECT_EQ(way->rings[0].front(), way->rings[0].back());

    auto rel = std::find_if(e.areas.begin(), e.areas.end(),
                            [](const auto& a) { return a.osm_id == 3000; });
    ASSERT_NE(rel, e.areas.end());
    EXPECT_TRUE(rel->from_relation);
    EXPECT_DOUBLE_EQ(rel->height_m, 12.0);  // 4 levels x 3 m
    ASSERT_EQ(rel->rings.size(), 2u);       // outer + the hole
    EXPECT_EQ(rel->rings[1].size(), 5u);
}

std::vector<std::int64_t> area_ids(const model::OsmExtract& e) {
    std::vector<std::int64_t> ids;
    for (const auto& a : e.areas)
        ids.push_back(a.from_relation ? -a.osm_id : a.osm_id);
    std::sort(ids.begin(), ids.end());
    return ids;
}

// Pass 1 looks for a PBF's relations in its last blobs (RelationSearch::last_blobs).
// basic_sorted.osm.pbf is basic.osm sorted by type (`osmium sort`), its relations last;
// basic_file_order.osm.pbf keeps the XML's order (`osmium cat`): its two relations lie in blobs
// between nodes and ways, where the bisection does not look. Both must give what the XML gives.
TEST(Importer, FindsEveryRelationOfAPbfWhateverItsOrder) {
    const auto xml = read_fixture("basic.osm");
    ASSERT_EQ(std::count_if(xml.areas.begin(), xml.areas.end(),
                            [](const auto& a) { return a.from_relation; }),
              1);  // relation 3000; 3001 is broken
    for (const char* name : {"basic_sorted.osm.pbf", "basic_file_order.osm.pbf"}) {
        ReadStats stats;
        const auto pbf = read_fixture(name, &stats);
        EXPECT_EQ(area_ids(pbf), area_ids(xml)) << name;
        EXPECT_EQ(street_ids(pbf), street_ids(xml)) << name;
        EXPECT_EQ(pbf.cameras.size(), xml.cameras.size()) << name;
        EXPECT_EQ(pbf.places.size(), xml.places.size()) << name;
        EXPECT_EQ(stats.relations, 2u) << name;
        EXPECT_EQ(stats.broken_multipolygons, 1u) << name;
    }
}

TEST(Importer, SaysWhenAPbfsRelationsAreNotAllAtItsEnd) {
    class DroppingSink final : public model::MapDataSink {
      public:
        void add_camera(const model::OsmCamera&) override {}
        void add_street(const model::Street&) override {}
        void add_area(const model::Area&) override {}
        void add_place(const model::Place&) override {}
    } sink;
    ImportOptions options;  // RelationSearch::last_blobs
    auto sorted = read_osm_file(fixture("basic_sorted.osm.pbf"), sink, options);
    EXPECT_TRUE(sorted) << sorted.error().message;
    auto in_file_order = read_osm_file(fixture("basic_file_order.osm.pbf"), sink, options);
    ASSERT_FALSE(in_file_order);
    EXPECT_TRUE(relations_not_last(in_file_order.error())) << in_file_order.error().message;
    options.relation_search = RelationSearch::whole_file;
    auto whole = read_osm_file(fixture("basic_file_order.osm.pbf"), sink, options);
    EXPECT_TRUE(whole) << whole.error().message;
}

TEST(Importer, TakesBoundsFromTheHeader) {
    auto e = read_fixture("basic.osm");
    EXPECT_EQ(e.bounds, (geo::BBox{11.0, 48.0, 11.1, 48.1}));
    EXPECT_EQ(e.source_name, "basic.osm");
}

TEST(Importer, ParsesHeightsInMetres) {
    EXPECT_DOUBLE_EQ(parse_height_m("12"), 12.0);
    EXPECT_DOUBLE_EQ(parse_height_m("12 m"), 12.0);
    EXPECT_DOUBLE_EQ(parse_height_m("12.5"), 12.5);
    EXPECT_DOUBLE_EQ(parse_height_m("12.5m"), 12.5);
    EXPECT_DOUBLE_EQ(parse_height_m("40'"), 0.0);
    EXPECT_DOUBLE_EQ(parse_height_m("tall"), 0.0);
    EXPECT_DOUBLE_EQ(parse_height_m("-3"), 0.0);
}

TEST(Importer, DecidesWhatIsWalkable) {
    auto tags = [](std::map<std::string, std::string> t) {
        return [t = std::move(t)](const char* key) -> const char* {
            auto it = t.find(key);
            return it == t.end() ? nullptr : it->second.c_str();
        };
    };
    EXPECT_TRUE(is_walkable(tags({{"highway", "residential"}})));
    EXPECT_TRUE(is_walkable(tags({{"highway", "tertiary_link"}})));
    EXPECT_FALSE(is_walkable(tags({{"highway", "motorway"}})));
    EXPECT_TRUE(is_walkable(tags({{"highway", "motorway"}, {"foot", "yes"}})));
    EXPECT_FALSE(is_walkable(tags({{"highway", "footway"}, {"access", "no"}})));
    EXPECT_TRUE(
        is_walkable(tags({{"highway", "footway"}, {"access", "no"}, {"foot", "designated"}})));
    EXPECT_FALSE(is_walkable(tags({{"highway", "pedestrian"}, {"area", "yes"}})));
    EXPECT_FALSE(is_walkable(tags({{"highway", "construction"}})));
    EXPECT_FALSE(is_walkable(tags({{"building", "yes"}})));
}

TEST(Importer, CutsStreetsAtBarriersThatStopPeopleOnFoot) {
    auto e = read_fixture("barriers.osm");
    // 500 is cut at its locked gate into 1-2 and 4-5; 501 (open gate) and 502 (private gate,
    // foot=yes) stay whole; 503 would be a single point once the wall is left out.
    EXPECT_EQ(street_ids(e), (std::vector<std::int64_t>{500, 500, 501, 502}));
    std::vector<std::size_t> sizes;
    for (const auto& s : e.streets)
        if (s.osm_way_id == 500) sizes.push_back(s.points.size());
    EXPECT_EQ(sizes, (std::vector<std::size_t>{2, 2}));
    for (const auto& s : e.streets)
        for (auto p : s.points)
            EXPECT_FALSE(p.lat == 48.05 && p.lon == 11.0502) << "the locked gate is on a street";
}

TEST(Importer, DecidesWhichBarriersStopPeopleOnFoot) {
    auto tags = [](std::map<std::string, std::string> t) {
        return [t = std::move(t)](const char* key) -> const char* {
            auto it = t.find(key);
            return it == t.end() ? nullptr : it->second.c_str();
        };
    };
    EXPECT_FALSE(blocks_feet(tags({{"barrier", "gate"}})));
    EXPECT_FALSE(blocks_feet(tags({{"barrier", "bollard"}})));
    EXPECT_TRUE(blocks_feet(tags({{"barrier", "gate"}, {"access", "private"}})));
    EXPECT_TRUE(blocks_feet(tags({{"barrier", "gate"}, {"foot", "no"}})));
    EXPECT_FALSE(blocks_feet(tags({{"barrier", "gate"}, {"access", "no"}, {"foot", "yes"}})));
    EXPECT_TRUE(blocks_feet(tags({{"barrier", "fence"}})));
    EXPECT_FALSE(blocks_feet(tags({{"barrier", "fence"}, {"foot", "permissive"}})));
    EXPECT_FALSE(blocks_feet(tags({{"access", "no"}})));  // not a barrier
}

TEST(Importer, FailsOnAMissingFile) {
    auto e = read_osm_file(fixture("no_such_file.osm.pbf"));
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, Errc::not_found);
}

TEST(Importer, FailsOnAnUnknownSuffix) {
    testing::TempDir dir;
    auto path = dir.path() / "city.txt";
    std::ofstream(path) << "hello";
    auto e = read_osm_file(path);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, Errc::invalid_argument);
    EXPECT_NE(e.error().message.find("unknown format"), std::string::npos);
}

TEST(Importer, FailsClearlyOnTruncatedXml) {
    testing::TempDir dir;
    const std::string text = testing::file_bytes(fixture("basic.osm"));
    auto path = dir.path() / "cut.osm";
    std::ofstream(path, std::ios::binary) << text.substr(0, text.size() / 2);
    auto e = read_osm_file(path);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, Errc::invalid_argument);
    EXPECT_EQ(e.error().message.rfind("cannot read ", 0), 0u) << e.error().message;
}

TEST(Importer, FailsClearlyOnTruncatedPbf) {
    auto source = testing::shared_osm("monaco_2022.osm.pbf");
    if (!std::filesystem::exists(source)) GTEST_SKIP() << "no " << source;
    testing::TempDir dir;
    const std::string bytes = testing::file_bytes(source);
    auto path = dir.path() / "half.osm.pbf";
    std::ofstream(path, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    auto e = read_osm_file(path);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, Errc::invalid_argument);
    EXPECT_NE(e.error().message.find("half.osm.pbf"), std::string::npos);
}

// Found by tests/fuzz/osm_pbf_fuzz.cpp: libosmium passed the missing type of a BlobHeader to
// strncmp as a null pointer (UBSan: nonnull-attribute). Reproducer in tests/fixtures/fuzz/osm_pbf.
TEST(Importer, RefusesAPbfBlobHeaderWithoutAType) {
    testing::TempDir dir;
    for (std::string_view header : {std::string_view("\x18\x05", 2),             // datasize 5
                                    std::string_view("\x0a\x00\x18\x05", 4)}) {  // type ""
        std::string bytes = {0, 0, 0, static_cast<char>(header.size())};
        bytes += header;
        bytes += "12345";
        auto path = dir.path() / "no_type.osm.pbf";
        std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
        auto e = read_osm_file(path);
        ASSERT_FALSE(e);
        EXPECT_EQ(e.error().code, Errc::invalid_argument);
        EXPECT_NE(e.error().message.find("BlobHeader without a type"), std::string::npos)
            << e.error().message;
    }
}

// Found by tests/fuzz/osm_pbf_fuzz.cpp: a string with a NUL byte inside, copied from a PBF
// string table into a tag, made libosmium's tag walk run past the end of its buffer (ASan:
// heap-buffer-overflow in TagList::find_key).
TEST(Importer, RefusesAPbfTagWithANulByteInside) {
    auto e = read_osm_file(std::filesystem::path(SIGHTLINE_FIXTURES) / "fuzz" / "osm_pbf" /
                           "crash-tag-with-nul.osm.pbf");
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, Errc::invalid_argument);
    EXPECT_NE(e.error().message.find("NUL byte"), std::string::npos) << e.error().message;
}

TEST(Importer, ReportsProgress) {
    int calls = 0;
    ReadProgress last;
    ImportOptions options;
    options.on_progress = [&](const ReadProgress& p) {
        ++calls;
        last = p;
    };
    ASSERT_TRUE(read_osm_file(fixture("basic.osm"), options));
    EXPECT_GE(calls, 3);
    EXPECT_EQ(last.pass, 3) << "the places are written last";
    EXPECT_EQ(last.bytes_read, last.bytes_total);
    EXPECT_GT(last.objects, 0u);
    EXPECT_GT(last.places_total, 0u);
    EXPECT_EQ(last.places_written, last.places_total);
}

}  // namespace
}  // namespace sightline::osm
