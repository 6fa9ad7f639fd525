// Finding 4: exports were built whole in memory, so 20 clients that asked for the GeoJSON export
// of a large instance and did not read pushed the server from 170 MB to 2.5 GB. Exports are now
// made a piece at a time and the next piece only once the client has read the last one.

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <thread>
#include <vector>

#include <fmt/core.h>

#include "adversarial/attack_support.hpp"
#include "http/api_fixture.hpp"
#include "support/raw_connection.hpp"

namespace sightline::testing {
namespace {

constexpr int camera_count = 40'000;

class ExportMemory : public ApiTest {
  protected:
    void prepare_data() override {
        std::string csv = "lat,lon,type,operator,notes\n";
        for (int i = 0; i < camera_count; ++i)
            csv += fmt::format("{:.6f},{:.6f},fixed,Operator {},note number {} of the export\n",
                               44.0 + (i % 400) * 0.005, 20.0 + (i / 400) * 0.005, i % 97, i);
        import_cameras(data_dir(), csv);
    }
};

TEST_F(ExportMemory, ClientsThatDoNotReadTheExportDoNotGrowTheServer) {
    // One complete export first: a valid document with every camera, and the allocator warm.
    auto whole = client().get("/api/v1/export/cameras.geojson");
    ASSERT_EQ(whole.status, 200);
    EXPECT_EQ(whole.header("transfer-encoding"), "chunked");
    const auto features = whole.json()["features"];
    ASSERT_EQ(features.size(), static_cast<std::size_t>(camera_count));
    const std::size_t export_bytes = whole.body.size();
    whole = HttpResponse{};

    const std::size_t before = resident_bytes(server().pid());
    ASSERT_GT(before, 0u);
    std::vector<std::unique_ptr<RawConnection>> idle;
    for (int i = 0; i < 20; ++i) {
        auto connection = std::make_unique<RawConnection>(server().port());
        constexpr std::array<const char*, 3> targets{"/api/v1/export/cameras.geojson",
                                                     "/api/v1/export/cameras.csv",
                                                     "/api/v1/export/cameras.kml"};
        const char* target = targets[static_cast<std::size_t>(i) % targets.size()];
        ASSERT_TRUE(connection->send(fmt::format("GET {} HTTP/1.1\r\nHost: t\r\n\r\n", target)));
        idle.push_back(std::move(connection));
    }
    std::size_t peak = before;
    for (int sample = 0; sample < 50; ++sample) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        peak = std::max(peak, resident_bytes(server().pid()));
    }
    EXPECT_EQ(client().get("/healthz").status, 200);
    // Built whole, 20 exports would hold 20 x export_bytes (here ~20 x 17 MB).
    const std::size_t growth = peak > before ? peak - before : 0;
    EXPECT_LT(growth, export_bytes * 3)
        << "peak " << peak << " bytes, before " << before << ", one export " << export_bytes;
    idle.clear();

    // A complete CSV export afterwards: header plus one line per camera.
    auto csv = client().get("/api/v1/export/cameras.csv");
    ASSERT_EQ(csv.status, 200);
    EXPECT_EQ(static_cast<int>(std::count(csv.body.begin(), csv.body.end(), '\n')),
              camera_count + 1);
}

TEST_F(ExportMemory, TheKmlExportIsComplete) {
    auto kml = client().get("/api/v1/export/cameras.kml");
    ASSERT_EQ(kml.status, 200);
    EXPECT_EQ(kml.header("transfer-encoding"), "chunked");
    EXPECT_TRUE(kml.body.ends_with("</kml>\n"));
    std::size_t placemarks = 0;
    for (auto at = kml.body.find("<Placemark "); at != std::string::npos;
         at = kml.body.find("<Placemark ", at + 1))
        ++placemarks;
    EXPECT_EQ(placemarks, static_cast<std::size_t>(camera_count));
}

// The GeoPackage is written a page of cameras at a time into SQLite (whose page cache is bounded),
// then sent from disk: making it must not hold every camera.
TEST_F(ExportMemory, TheGeoPackageIsMadeAPageAtATimeAndSentFromDisk) {
    auto geojson = client().get("/api/v1/export/cameras.geojson");  // warm the allocator
    const std::size_t export_bytes = geojson.body.size();
    geojson = HttpResponse{};
    const std::size_t before = resident_bytes(server().pid());
    std::atomic<bool> done = false;
    HttpResponse gpkg;
    std::thread download([&] {
        HttpClient other(server().port());
        gpkg = other.get("/api/v1/export/cameras.gpkg");
        done = true;
    });
    std::size_t peak = before;
    while (!done) {
        peak = std::max(peak, resident_bytes(server().pid()));
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    download.join();
    ASSERT_EQ(gpkg.status, 200) << gpkg.body.substr(0, 200);
    const auto file = work_dir() / "cameras.gpkg";
    std::ofstream(file, std::ios::binary) << gpkg.body;
    auto info = run_program("/usr/bin/ogrinfo", {"-ro", "-so", file.string(), "cameras"});
    EXPECT_NE(info.out.find(fmt::format("Feature Count: {}", camera_count)), std::string::npos)
        << info.out << info.err;
    const std::size_t growth = peak > before ? peak - before : 0;
    // Every camera in memory would be several times the GeoJSON text (~17 MB here).
    EXPECT_LT(growth, export_bytes / 2)
        << "peak " << peak << " bytes, before " << before << ", GeoJSON export " << export_bytes;
}

TEST_F(ExportMemory, TheOsmExportIsCompleteAndInOsmiumsOrder) {
    auto osm = client().get("/api/v1/export/cameras.osm");
    ASSERT_EQ(osm.status, 200);
    EXPECT_TRUE(osm.body.ends_with("</osm>\n"));
    std::size_t nodes = 0;
    long long last = 0;
    bool ordered = true;
    for (std::size_t at = osm.body.find("<node id=\""); at != std::string::npos;
         at = osm.body.find("<node id=\"", at + 1)) {
        const long long id = std::stoll(osm.body.substr(at + 10, 24));
        // Sightline-only cameras have negative ids, written -1, -2, ... (osmium's order).
        if (nodes > 0 && !(id < 0 && last < 0 && -id > -last)) ordered = false;
        last = id;
        ++nodes;
    }
    EXPECT_EQ(nodes, static_cast<std::size_t>(camera_count));
    EXPECT_TRUE(ordered);
}

}  // namespace
}  // namespace sightline::testing
