// RoutingService over a real SQLite store: a ladder of two parallel streets, one watched by a
// camera; the alternatives, the detour limit, and the graph following camera changes.

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <random>

#include <gtest/gtest.h>

#include "services/analysis_service.hpp"
#include "services/routing_service.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace sightline::services {
namespace {

constexpr double south_lat = 48.0;
const double north_lat = 48.0 + 60.0 / 111'320.0;  // 60 m north

double lon_at(double x_m) {
    return 11.0 + x_m / (111'320.0 * std::cos(48.0 * std::numbers::pi / 180.0));
}

model::NewCamera camera_at(geo::LatLon where) {
    model::NewCamera camera;
    camera.location = where;
    camera.status = model::CameraStatus::verified;
    camera.tags = {{"man_made", "surveillance"},
                   {"camera:type", "dome"},
                   {"sightline:range_m", "10"},
                   {"sightline:hfov_deg", "360"}};
    return camera;
}

/// South street 400 m long (x -200..200), north street 60 m north of it, joined at both ends:
/// going round by the north is 520 m, 1.3 times the direct 400 m.
class RoutingServiceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::random_device rd;
        m_dir =
            std::filesystem::temp_directory_path() / ("sightline-routing-" + std::to_string(rd()));
        m_store = store::open_sqlite_store(m_dir);
    }
    void TearDown() override {
        m_store.reset();
        std::filesystem::remove_all(m_dir);
    }
    void import_ladder() {
        const geo::LatLon sw{south_lat, lon_at(-200)}, se{south_lat, lon_at(200)};
        const geo::LatLon nw{north_lat, lon_at(-200)}, ne{north_lat, lon_at(200)};
        const geo::LatLon s_mid{south_lat, lon_at(0)}, n_mid{north_lat, lon_at(0)};
        model::OsmExtract extract;
        extract.source_name = "ladder";
        extract.bounds = geo::BBox{lon_at(-400), 47.99, lon_at(400), 48.01};
        extract.streets = {{1, "residential", "South", {sw, s_mid, se}},
                           {2, "residential", "North", {nw, n_mid, ne}},
                           {3, "footway", "", {sw, nw}},
                           {4, "footway", "", {se, ne}}};
        ASSERT_TRUE(m_store->apply_osm_import(extract, {"import", "", 1}));
    }
    static RouteRequest across(double max_detour = 1.5) {
        RouteRequest r;
        r.from = {south_lat - 0.00002, lon_at(-200)};  // ~2 m south of the south-west corner
        r.to = {south_lat, lon_at(200)};
        r.max_detour = max_detour;
        return r;
    }
    model::CameraId add_camera(geo::LatLon where) {
        auto ids = m_store->insert_cameras({camera_at(where)}, {"test", "", 2});
        EXPECT_TRUE(ids) << ids.error().message;
        return ids->front();
    }

    std::filesystem::path m_dir;
    std::unique_ptr<store::SqliteStore> m_store;
};

TEST_F(RoutingServiceTest, OffersTheUnwatchedStreetWithinTheDetourLimit) {
    import_ladder();
    add_camera({south_lat, lon_at(0)});
    AnalysisService analysis(*m_store, *m_store);
    RoutingService routing(*m_store, *m_store, analysis);
    auto report = routing.route(across());
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_EQ(report->routes.size(), 2u);
    EXPECT_EQ(report->routes[0].kind, routing::RouteKind::shortest);
    EXPECT_EQ(report->routes[1].kind, routing::RouteKind::least_exposed);
    EXPECT_NEAR(report->routes[0].exposure.length_m, 400, 1);
    EXPECT_NEAR(report->routes[0].exposure.seen_m, 20, 0.5);  // the camera's 10 m circle
    ASSERT_EQ(report->routes[0].exposure.cameras.size(), 1u);
    EXPECT_NEAR(report->routes[1].exposure.length_m, 520, 1);
    EXPECT_EQ(report->routes[1].exposure.seen_m, 0);
    EXPECT_TRUE(report->avoids_cameras);
    EXPECT_TRUE(report->message.empty());
    EXPECT_NEAR(report->from_snap_m, 2.2, 0.3);
    EXPECT_NEAR(report->from_snapped.lat, south_lat, 1e-7);
}

TEST_F(RoutingServiceTest, SaysSoWhenNoRouteWithinTheLimitAvoidsTheCameras) {
    import_ladder();
    add_camera({south_lat, lon_at(0)});
    AnalysisService analysis(*m_store, *m_store);
    RoutingService routing(*m_store, *m_store, analysis);
    auto report = routing.route(across(1.2));  // the north detour is 1.3x
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_EQ(report->routes.size(), 1u);
    EXPECT_EQ(report->routes[0].kind, routing::RouteKind::shortest);
    EXPECT_FALSE(report->avoids_cameras);
    EXPECT_NE(report->message.find("1.2x"), std::string::npos) << report->message;
}

TEST_F(RoutingServiceTest, FollowsCameraChangesStreetByStreet) {
    import_ladder();
    AnalysisService analysis(*m_store, *m_store);
    RoutingService routing(*m_store, *m_store, analysis);
    auto before = routing.route(across());
    ASSERT_TRUE(before) << before.error().message;
    EXPECT_EQ(before->routes.size(), 1u);  // nothing watched: the shortest is private
    EXPECT_TRUE(before->avoids_cameras);

    const auto camera = add_camera({south_lat, lon_at(0)});
    auto after = routing.route(across());
    ASSERT_TRUE(after) << after.error().message;
    ASSERT_EQ(after->routes.size(), 2u);
    EXPECT_GT(routing.stats().streets_updated, 0u);  // an update, not a rebuild
    EXPECT_GT(routing.stats().update_s, 0);

    // The updated graph equals one built from scratch (to the 1e-5 the different local frames of
    // the two measurements allow).
    RoutingService fresh(*m_store, *m_store, analysis);
    ASSERT_TRUE(fresh.prepare());
    const auto& updated = routing.graph()->walk;
    const auto& built = fresh.graph()->walk;
    ASSERT_EQ(updated.edge_count(), built.edge_count());
    double seen = 0;
    for (routing::EdgeId e = 0; e < built.edge_count(); ++e)
        for (std::size_t l = 0; l < 4; ++l) {
            EXPECT_NEAR(updated.edge(e).seen_m[l], built.edge(e).seen_m[l],
                        1e-6 + 1e-5 * built.edge(e).seen_m[l]);
            seen += built.edge(e).seen_m[l];
        }
    EXPECT_GT(seen, 0);

    ASSERT_TRUE(m_store->remove_camera(camera, {"mod", "gone", 3}));
    auto removed = routing.route(across());
    ASSERT_TRUE(removed) << removed.error().message;
    EXPECT_EQ(removed->routes.size(), 1u);
    EXPECT_EQ(removed->routes[0].exposure.seen_m, 0);
}

// A map larger than one chunk (0.1 degrees) is measured chunk by chunk on several threads; the
// graph is the one a single thread builds, street for street and metre for metre.
TEST_F(RoutingServiceTest, AMapOfManyChunksBuildsTheSameGraphOnOneThreadOrMany) {
    model::OsmExtract extract;
    extract.source_name = "grid";
    std::int64_t way = 0;
    // A 5 x 4 grid of 80 m ladders 0.07 degrees apart (some on chunk edges), a camera on every
    // other one, and a long street across the chunks between them.
    for (int row = 0; row < 4; ++row)
        for (int column = 0; column < 5; ++column) {
            const double lat = 48.0 + 0.07 * row;
            const double lon = 11.0 + 0.07 * column;
            const double dlat = 60.0 / 111'320.0;
            const double dlon = 80.0 / (111'320.0 * std::cos(lat * std::numbers::pi / 180.0));
            const geo::LatLon sw{lat, lon}, se{lat, lon + dlon};
            const geo::LatLon nw{lat + dlat, lon}, ne{lat + dlat, lon + dlon};
            extract.streets.push_back({++way, "residential", "South", {sw, se}});
            extract.streets.push_back({++way, "residential", "North", {nw, ne}});
            extract.streets.push_back({++way, "footway", "", {sw, nw}});
            extract.streets.push_back({++way, "footway", "", {se, ne}});
            if ((row + column) % 2 == 0) add_camera({lat, lon + dlon / 2});
        }
    extract.streets.push_back({++way, "residential", "Long", {{48.01, 11.0}, {48.2, 11.3}}});
    extract.bounds = geo::BBox{10.99, 47.99, 11.4, 48.3};
    ASSERT_TRUE(m_store->apply_osm_import(extract, {"import", "", 1}));

    AnalysisService analysis(*m_store, *m_store);
    RoutingOptions on_one;
    on_one.build_threads = 1;
    RoutingOptions on_three;
    on_three.build_threads = 3;
    RoutingService one(*m_store, *m_store, analysis, on_one);
    RoutingService many(*m_store, *m_store, analysis, on_three);
    ASSERT_TRUE(one.prepare());
    ASSERT_TRUE(many.prepare());
    const auto& a = one.graph()->walk;
    const auto& b = many.graph()->walk;
    ASSERT_EQ(a.node_count(), b.node_count());
    ASSERT_EQ(a.edge_count(), b.edge_count());
    EXPECT_EQ(a.edge_count(), 81u);
    for (routing::NodeId n = 0; n < a.node_count(); ++n)
        EXPECT_EQ(a.node_location(n), b.node_location(n)) << n;
    std::size_t seen_edges = 0;
    for (routing::EdgeId e = 0; e < a.edge_count(); ++e) {
        EXPECT_EQ(a.edge(e).from, b.edge(e).from) << e;
        EXPECT_EQ(a.edge(e).to, b.edge(e).to) << e;
        EXPECT_EQ(a.edge(e).length_m, b.edge(e).length_m) << e;
        EXPECT_EQ(a.edge(e).seen_m, b.edge(e).seen_m) << e;
        if (b.edge(e).seen_m[0] > 0) ++seen_edges;
    }
    EXPECT_EQ(seen_edges, 10u);  // the south street of every ladder with a camera
}

// The prepared file: written after a build, loaded by the next server, followed through camera
// changes, and never used when it is damaged or made from other data.
class PreparedRoutingTest : public RoutingServiceTest {
  protected:
    RoutingOptions options() const { return {.prepared_file = m_dir / "routing.bin"}; }
    /// A server's whole life: start, answer, write the file, stop.
    RouteReport serve_once(RoutingGraphStats* stats = nullptr) {
        AnalysisService analysis(*m_store, *m_store);
        RoutingService routing(*m_store, *m_store, analysis, options());
        auto report = routing.route(across());
        EXPECT_TRUE(report) << report.error().message;
        routing.wait_background();
        if (stats) *stats = routing.stats();
        return report ? *report : RouteReport{};
    }
};

TEST_F(PreparedRoutingTest, TheNextServerLoadsTheGraphTheFirstOneBuilt) {
    import_ladder();
    add_camera({south_lat, lon_at(0)});
    RoutingGraphStats first;
    auto built = serve_once(&first);
    EXPECT_FALSE(first.loaded);
    EXPECT_EQ(first.files_written, 1u);
    EXPECT_TRUE(first.mapped);  // it serves from the file once written
    ASSERT_TRUE(std::filesystem::exists(m_dir / "routing.bin"));

    RoutingGraphStats second;
    auto loaded = serve_once(&second);
    EXPECT_TRUE(second.loaded);
    EXPECT_TRUE(second.mapped);
    EXPECT_EQ(second.files_written, 0u);  // nothing changed: nothing to write
    ASSERT_EQ(loaded.routes.size(), built.routes.size());
    for (std::size_t i = 0; i < built.routes.size(); ++i) {
        EXPECT_EQ(loaded.routes[i].points, built.routes[i].points);
        EXPECT_EQ(loaded.routes[i].exposure.seen_m, built.routes[i].exposure.seen_m);
    }
}

// Cameras without streets (a camera list imported on its own): the file written maps back,
// rather than being refused and rebuilt at every start.
TEST_F(PreparedRoutingTest, AFolderWithoutStreetsLoadsTheFileItWrote) {
    add_camera({south_lat, lon_at(0)});
    for (int server = 0; server < 2; ++server) {
        AnalysisService analysis(*m_store, *m_store);
        RoutingService routing(*m_store, *m_store, analysis, options());
        ASSERT_TRUE(routing.prepare());
        routing.wait_background();
        const auto stats = routing.stats();
        EXPECT_EQ(stats.loaded, server == 1) << "server " << server;
        EXPECT_TRUE(stats.mapped) << "server " << server;
        EXPECT_EQ(stats.files_written, server == 0 ? 1u : 0u) << "server " << server;
    }
}

TEST_F(PreparedRoutingTest, ACameraAddedSinceTheFileIsFollowedAndWrittenBack) {
    import_ladder();
    serve_once();
    add_camera({south_lat, lon_at(0)});  // while no server runs
    RoutingGraphStats stats;
    auto report = serve_once(&stats);
    EXPECT_TRUE(stats.loaded);
    EXPECT_GT(stats.streets_updated, 0u);  // the file's graph, updated street by street
    EXPECT_EQ(stats.files_written, 1u);
    EXPECT_TRUE(stats.landmarks_current);  // refreshed in the background
    ASSERT_EQ(report.routes.size(), 2u);
    EXPECT_NEAR(report.routes[0].exposure.seen_m, 20, 0.5);

    RoutingGraphStats next;
    auto again = serve_once(&next);
    EXPECT_TRUE(next.loaded);
    EXPECT_EQ(next.streets_updated, 0u);
    EXPECT_EQ(next.files_written, 0u);
    EXPECT_EQ(again.routes.size(), 2u);
}

TEST_F(PreparedRoutingTest, ARouteRightAfterACameraChangeIsExactBeforeTheLandmarksCatchUp) {
    import_ladder();
    AnalysisService analysis(*m_store, *m_store);
    RoutingService routing(*m_store, *m_store, analysis, options());
    ASSERT_TRUE(routing.route(across()));
    routing.wait_background();
    add_camera({south_lat, lon_at(0)});
    auto report = routing.route(across());  // the background refresh may not have run yet
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_EQ(report->routes.size(), 2u);
    EXPECT_NEAR(report->routes[1].exposure.length_m, 520, 1);
    EXPECT_EQ(report->routes[1].exposure.seen_m, 0);
    routing.wait_background();
    EXPECT_TRUE(routing.stats().landmarks_current);
    EXPECT_TRUE(routing.stats().mapped);
}

TEST_F(PreparedRoutingTest, ADamagedFileIsRebuiltNeverUsed) {
    import_ladder();
    add_camera({south_lat, lon_at(0)});
    auto built = serve_once();
    const auto path = m_dir / "routing.bin";
    {
        std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(static_cast<std::streamoff>(std::filesystem::file_size(path) / 2));
        file.put('\x7f');
    }
    RoutingGraphStats stats;
    auto report = serve_once(&stats);
    EXPECT_FALSE(stats.loaded);
    EXPECT_EQ(stats.files_written, 1u);
    EXPECT_EQ(report.routes.size(), built.routes.size());
    RoutingGraphStats next;
    serve_once(&next);
    EXPECT_TRUE(next.loaded);  // the rebuilt file is good
}

TEST_F(PreparedRoutingTest, AFileOfAnotherDatabaseOrAnOlderMapIsNotUsed) {
    import_ladder();
    serve_once();
    // Another data set with the same version counters: a fresh database, imported once.
    const auto other_dir = m_dir.string() + "-other";
    {
        auto other = store::open_sqlite_store(other_dir);
        m_store.swap(other);
        import_ladder();
        std::filesystem::copy_file(m_dir / "routing.bin",
                                   std::filesystem::path(other_dir) / "routing.bin");
        const auto original_dir = m_dir;
        m_dir = other_dir;
        RoutingGraphStats stats;
        serve_once(&stats);
        EXPECT_FALSE(stats.loaded);
        EXPECT_EQ(stats.files_written, 1u);
        m_dir = original_dir;
        m_store.swap(other);
    }
    std::filesystem::remove_all(other_dir);
    // A new import of the same data set: the map changed.
    import_ladder();
    RoutingGraphStats stats;
    serve_once(&stats);
    EXPECT_FALSE(stats.loaded);
    EXPECT_EQ(stats.files_written, 1u);
}

TEST_F(RoutingServiceTest, RefusesBadRequestsClearly) {
    AnalysisService analysis(*m_store, *m_store);
    RoutingService routing(*m_store, *m_store, analysis);
    auto empty = routing.route(across());
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().code, Errc::unavailable);

    import_ladder();
    auto far = across();
    far.to = {48.1, 11.2};  // kilometres from any street
    auto off = routing.route(far);
    ASSERT_FALSE(off);
    EXPECT_EQ(off.error().code, Errc::unprocessable);
    EXPECT_NE(off.error().message.find("end"), std::string::npos) << off.error().message;

    for (double detour : {0.5, 6.0, std::nan("")}) {
        auto bad = routing.route(across(detour));
        ASSERT_FALSE(bad);
        EXPECT_EQ(bad.error().code, Errc::invalid_argument);
    }
    auto invalid = across();
    invalid.from = {91, 0};
    EXPECT_EQ(routing.route(invalid).error().code, Errc::invalid_argument);
}

}  // namespace
}  // namespace sightline::services
