// Counts of the importer against osmium-tool on every real extract, the import command on a
// bbox cut with dangling references, and the exports read back with osmium-tool and GDAL.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "osm/importer.hpp"
#include "osm/realdata_support.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace sightline {
namespace {

namespace fs = std::filesystem;
using testing::run_cli;
using testing::run_program;
using testing::TempDir;

fs::path osm_dir() {
    return fs::path(SIGHTLINE_SHARED_DATA) / "osm";
}

using osm_realdata::find_program;

std::vector<fs::path> extracts() {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(osm_dir(), ec)) {
        auto name = entry.path().filename().string();
        if (name.ends_with(".osm.pbf") || name.ends_with(".osm")) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

// Lines of `osmium tags-filter FILE FILTER -R -f opl` starting with `type` ('n' or 'w').
std::int64_t osmium_count(const fs::path& file, const std::string& filter, char type) {
    auto r = run_program(find_program("osmium"),
                         {"tags-filter", file.string(), filter, "-R", "-f", "opl", "-o", "-"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::int64_t n = 0;
    std::istringstream lines(r.out);
    std::string line;
    while (std::getline(lines, line))
        if (!line.empty() && line[0] == type) ++n;
    return n;
}

// `osmium fileinfo -e -g KEY FILE`.
std::int64_t fileinfo(const fs::path& file, const std::string& key) {
    auto r = run_program(find_program("osmium"), {"fileinfo", "-e", "-g", key, file.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return std::atoll(r.out.c_str());
}

std::int64_t ogr_feature_count(const fs::path& file) {
    auto r = run_program(find_program("ogrinfo"), {"-so", "-al", file.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::smatch m;
    static const std::regex count("Feature Count: ([0-9]+)");
    if (!std::regex_search(r.out, m, count)) return -1;
    return std::atoll(m[1].str().c_str());
}

std::string read_text(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(RealData, CameraCountsMatchOsmiumOnEveryExtract) {
    REQUIRE_OR_SKIP(fs::is_directory(osm_dir()), "no shared data at " + osm_dir().string());
    REQUIRE_OR_SKIP(!find_program("osmium").empty(), "osmium-tool is not installed");
    auto files = extracts();
    ASSERT_FALSE(files.empty());
    for (const auto& file : files) {
        SCOPED_TRACE(file.filename().string());
        auto extract = osm::read_osm_file(file);
        ASSERT_TRUE(extract) << extract.error().message;
        std::int64_t nodes = 0, ways = 0;
        for (const auto& c : extract->cameras) {
            if (c.osm.type == "node") ++nodes;
            if (c.osm.type == "way") ++ways;
        }
        EXPECT_EQ(nodes, osmium_count(file, "n/man_made=surveillance", 'n'));
        EXPECT_EQ(ways, osmium_count(file, "w/man_made=surveillance", 'w'));
    }
}

TEST(RealData, KnownCountsFromSources) {
    REQUIRE_OR_SKIP(fs::is_directory(osm_dir()), "no shared data at " + osm_dir().string());
    const std::vector<std::pair<std::string, std::size_t>> expected{
        {"munich_center.osm.pbf", 209},
        {"helsinki_center.osm.pbf", 221},
        {"porto.osm.pbf", 17},
        {"monaco_2022.osm.pbf", 10}};
    for (const auto& [name, cameras] : expected) {
        SCOPED_TRACE(name);
        auto extract = osm::read_osm_file(osm_dir() / name);
        ASSERT_TRUE(extract) << extract.error().message;
        std::size_t nodes = 0;
        for (const auto& c : extract->cameras)
            nodes += c.osm.type == "node" ? 1 : 0;
        EXPECT_EQ(nodes, cameras);
    }
}

TEST(RealData, ImportsHelsinkiDespiteDanglingReferences) {
    auto file = osm_dir() / "helsinki_center.osm.pbf";
    REQUIRE_OR_SKIP(fs::exists(file), "no " + file.string());
    osm::ReadStats stats;
    osm::ImportOptions options;
    options.stats = &stats;
    auto extract = osm::read_osm_file(file, options);
    ASSERT_TRUE(extract) << extract.error().message;
    EXPECT_EQ(stats.missing_node_refs, 4525u);  // osmium check-refs: "Nodes in ways missing"
    EXPECT_GT(extract->streets.size(), 2000u);

    TempDir data;
    auto r = run_cli({"import", file.string(), "--data", data.path().string(), "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("cameras: 221 new"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("skipped node refs: 4525"), std::string::npos) << r.out;
    // Again: nothing new, nothing removed.
    r = run_cli({"import", file.string(), "--data", data.path().string(), "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("cameras: 0 new, 0 updated, 221 unchanged, 0 removed"), std::string::npos)
        << r.out;
}

TEST(RealData, ASecondCityLeavesTheFirstAlone) {
    auto andorra = osm_dir() / "andorra_2020.osm.pbf";
    auto heidelberg = osm_dir() / "heidelberg_routing.osm.pbf";
    REQUIRE_OR_SKIP(fs::exists(andorra) && fs::exists(heidelberg), "no andorra/heidelberg");
    TempDir data;
    auto r = run_cli({"import", andorra.string(), "--data", data.path().string(), "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // heidelberg's header box is a placeholder (0,0,180,90) that covers Andorra too.
    r = run_cli({"import", heidelberg.string(), "--data", data.path().string(), "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find(" 0 removed"), std::string::npos) << r.out;
    r = run_cli({"import", andorra.string(), "--data", data.path().string(), "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("cameras: 0 new, 0 updated, 1 unchanged, 0 removed"), std::string::npos)
        << r.out;
}

TEST(RealData, ATruncatedFileChangesNothing) {
    auto file = osm_dir() / "munich_center.osm.pbf";
    REQUIRE_OR_SKIP(fs::exists(file), "no " + file.string());
    TempDir data;
    auto first = run_cli({"import", (osm_dir() / "monaco_2022.osm.pbf").string(), "--data",
                          data.path().string(), "--quiet"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    auto before = run_cli({"export", "geojson", "--data", data.path().string()});

    auto bytes = read_text(file);
    auto cut = data.path() / "cut.osm.pbf";
    std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    auto r = run_cli({"import", cut.string(), "--data", data.path().string(), "--quiet"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("cannot read"), std::string::npos) << r.err;

    auto after = run_cli({"export", "geojson", "--data", data.path().string()});
    // The same cameras; only the time the export was made may differ.
    auto cameras = [](const std::string& text) {
        auto json = nlohmann::json::parse(text);
        json.erase("generated");
        return json;
    };
    EXPECT_EQ(cameras(after.out), cameras(before.out));
}

TEST(RealData, ExportsReadBackWithOsmiumAndGdal) {
    auto file = osm_dir() / "munich_center.osm.pbf";
    REQUIRE_OR_SKIP(fs::exists(file), "no " + file.string());
    REQUIRE_OR_SKIP(!find_program("osmium").empty(), "osmium-tool is not installed");
    REQUIRE_OR_SKIP(!find_program("ogrinfo").empty(), "gdal-bin is not installed");
    TempDir data;
    auto d = data.path().string();
    auto r = run_cli({"import", file.string(), "--data", d, "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Three Sightline-only cameras: they become <create> with negative ids.
    auto csv = fs::path(SIGHTLINE_FIXTURES) / "csv" / "cameras_comma.csv";
    r = run_cli({"import-csv", csv.string(), "--data", d});
    ASSERT_EQ(r.exit_code, 0) << r.err;

    auto osm_file = data.path() / "cameras.osm";
    r = run_cli({"export", "osm", "--out", osm_file.string(), "--data", d});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(fileinfo(osm_file, "data.count.nodes"), 212);
    EXPECT_EQ(fileinfo(osm_file, "data.count.ways"), 0);
    auto refs = run_program(find_program("osmium"), {"check-refs", osm_file.string()});
    EXPECT_EQ(refs.exit_code, 0) << refs.out << refs.err;
    // Tags survive: as many camera nodes with camera:direction as osmium finds in the source.
    auto osmium = find_program("osmium");
    auto source_cameras = data.path() / "source_cameras.osm.pbf";
    auto cut = run_program(osmium, {"tags-filter", file.string(), "n/man_made=surveillance", "-R",
                                    "-o", source_cameras.string()});
    ASSERT_EQ(cut.exit_code, 0) << cut.err;
    auto with_direction = [&osmium](const fs::path& f) {
        auto out = run_program(osmium, {"tags-filter", f.string(), "n/camera:direction", "-R", "-f",
                                        "opl", "-o", "-"});
        return std::count(out.out.begin(), out.out.end(), '\n');
    };
    EXPECT_EQ(with_direction(osm_file), with_direction(source_cameras));

    auto osc_file = data.path() / "cameras.osc";
    r = run_cli({"export", "osc", "--out", osc_file.string(), "--data", d});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(fileinfo(osc_file, "data.count.nodes"), 3);
    EXPECT_EQ(fileinfo(osc_file, "data.minid.nodes"), -212);  // -camera id
    refs = run_program(find_program("osmium"), {"check-refs", osc_file.string()});
    EXPECT_EQ(refs.exit_code, 0) << refs.out << refs.err;

    auto geojson = data.path() / "cameras.geojson";
    r = run_cli({"export", "geojson", "--out", geojson.string(), "--data", d});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(ogr_feature_count(geojson), 212);
    // GDAL's OSM driver reads the OSM XML export as points too (it counts only by reading).
    // Its default node index rejects negative ids (and drops some large ones silently).
    auto points = run_program(find_program("ogrinfo"), {"--config", "OSM_USE_CUSTOM_INDEXING", "NO",
                                                        "-q", osm_file.string(), "points"});
    EXPECT_EQ(points.exit_code, 0) << points.err;
    std::int64_t features = 0;
    for (std::size_t at = 0; (at = points.out.find("OGRFeature(points):", at)) != std::string::npos;
         ++at)
        ++features;
    EXPECT_EQ(features, 212);
}

}  // namespace
}  // namespace sightline
