// The prepared routing data on either backend (docs/adr/010): DATA/routing.bin is a cache on
// the server's local disk, checked against the store's data id and change counters. With
// PostgreSQL several servers (or a CLI import and a server) share one database: a file made by
// one is used by another of the same database, and never for another database whose counters
// happen to be equal.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numbers>
#include <optional>
#include <string>
#include <thread>

#include "contract_fixture.hpp"
#include "services/analysis_service.hpp"
#include "services/routing_service.hpp"
#include "store/open_store.hpp"

namespace sightline::testing {
namespace {

constexpr double south_lat = 48.0;
const double north_lat = 48.0 + 60.0 / 111'320.0;  // 60 m north

double lon_at(double x_m) {
    return 11.0 + x_m / (111'320.0 * std::cos(48.0 * std::numbers::pi / 180.0));
}

/// Two parallel streets 60 m apart joined at both ends (as the routing service's unit tests).
void import_ladder(store::Backend& store, std::int64_t at) {
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
    auto imported = store.apply_osm_import(extract, {"import", "", at});
    ASSERT_TRUE(imported) << imported.error().message;
}

void add_camera(store::Backend& store) {
    model::NewCamera camera;
    camera.location = {south_lat, lon_at(0)};
    camera.status = model::CameraStatus::verified;
    camera.tags = {{"man_made", "surveillance"},
                   {"camera:type", "dome"},
                   {"sightline:range_m", "10"},
                   {"sightline:hfov_deg", "360"}};
    auto ids = store.insert_cameras({camera}, {"test", "", 1'700'000'100});
    ASSERT_TRUE(ids) << ids.error().message;
}

/// One server's routing over `store` with its cache file: prepares, routes, writes, stops.
struct Served {
    services::RoutingGraphStats stats;
    services::RouteReport report;
};
Served serve_once(store::Backend& store, const std::filesystem::path& file) {
    services::AnalysisService analysis(store, store);
    services::RoutingService routing(store, store, analysis, {.prepared_file = file});
    services::RouteRequest request;
    request.from = {south_lat, lon_at(-200)};
    request.to = {south_lat, lon_at(200)};
    auto report = routing.route(request);
    EXPECT_TRUE(report) << report.error().message;
    routing.wait_background();
    return {routing.stats(), report ? *report : services::RouteReport{}};
}

TEST_P(StoreContract, APreparedRoutingFileServesEveryServerOfTheDatabaseAndNoOther) {
    import_ladder(store(), 1'700'000'000);
    add_camera(store());
    TempDir cache("sightline-routing-cache");
    const auto file = cache.path() / "routing.bin";

    auto first = serve_once(store(), file);
    EXPECT_FALSE(first.stats.loaded);
    EXPECT_EQ(first.stats.files_written, 1u);
    ASSERT_TRUE(std::filesystem::exists(file));
    ASSERT_EQ(first.report.routes.size(), 2u);

    // Another server (another connection to the same data) maps it instead of building.
    auto other_server = open_again();
    auto second = serve_once(*other_server, file);
    EXPECT_TRUE(second.stats.loaded);
    EXPECT_EQ(second.stats.files_written, 0u);
    ASSERT_EQ(second.report.routes.size(), first.report.routes.size());
    for (std::size_t i = 0; i < first.report.routes.size(); ++i) {
        EXPECT_EQ(second.report.routes[i].points, first.report.routes[i].points);
        EXPECT_EQ(second.report.routes[i].exposure.seen_m, first.report.routes[i].exposure.seen_m);
    }

    // A camera added through another handle: the file's graph is updated, not rebuilt. (A
    // PostgreSQL store learns of another's change by polling: wait for it, as a server would.)
    const auto before = store().camera_version();
    add_camera(*other_server);
    for (int i = 0; i < 100 && store().camera_version() == before; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_NE(store().camera_version(), before);
    auto updated = serve_once(store(), file);
    EXPECT_TRUE(updated.stats.loaded);
    EXPECT_GT(updated.stats.streets_updated, 0u);
    EXPECT_EQ(updated.stats.files_written, 1u);

    // Another database with the same content and counters: its own data id, so rebuilt.
    std::optional<TempDir> other_dir;
    std::optional<PgDatabase> other_database;
    std::string other_url;
    if (is_postgresql()) {
        other_database.emplace(*PgDatabase::admin_url());
        other_url = other_database->url();
    } else {
        other_dir.emplace("sightline-routing-other");
        other_url = "sqlite:" + (other_dir->path() / "data").string();
    }
    {
        auto url = store::parse_store_url(other_url);
        ASSERT_TRUE(url) << url.error().message;
        auto other = store::open_store(*url);
        import_ladder(*other, 1'700'000'000);
        add_camera(*other);
        add_camera(*other);
        ASSERT_EQ(other->map_version(), store().map_version());
        ASSERT_EQ(other->camera_version(), store().camera_version());
        auto elsewhere = serve_once(*other, file);
        EXPECT_FALSE(elsewhere.stats.loaded) << "a file of another database was used";
        EXPECT_EQ(elsewhere.stats.files_written, 1u);
    }

    // The first database's map imported again: its map counter moved on, so rebuilt.
    import_ladder(store(), 1'700'000'200);
    auto reimported = serve_once(store(), file);
    EXPECT_FALSE(reimported.stats.loaded);
    EXPECT_EQ(reimported.stats.files_written, 1u);
}

}  // namespace
}  // namespace sightline::testing
