// SQLite store benchmarks on a synthetic Belgrade: N cameras (default 1,000,000) spread
// uniformly over a 40 x 40 km box around 44.8125 N, 20.4612 E, each with ~5 realistic tags,
// written with insert_cameras in batches. Measures:
//   FindCameras        random boxes sized to hold ~1,000 cameras (counter: mean result count,
//                      p50/p90/p99 latency in ms)
//   FindCamerasWholeArea  the whole area with the default limit of 1,000 (a zoomed-out map)
//   CamerasNear        100 m around a random point (duplicate check on report submission)
//   InsertReport       one report per iteration, synchronous=FULL vs NORMAL (WAL)
//
// Smaller runs: SIGHTLINE_BENCH_CAMERAS=20000 or --cameras=20000. SIGHTLINE_BENCH_BATCH sets the
// cameras per insert_cameras call (default 10,000). The database lives in a
// fresh temporary directory that is deleted at exit; SIGHTLINE_BENCH_DATA_DIR=/path keeps it
// there instead and reuses it when it already holds cameras.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "geo/bbox.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace {

using namespace sightline;
using Clock = std::chrono::steady_clock;

constexpr geo::LatLon belgrade{44.8125, 20.4612};
constexpr double half_side_m = 20000;
std::int64_t batch_size = 10000;  // SIGHTLINE_BENCH_BATCH
constexpr double target_results = 1000;

std::int64_t camera_count = 1000000;

std::filesystem::path make_temp_dir(std::string_view prefix) {
    std::string pattern = std::filesystem::temp_directory_path() / (std::string(prefix) + "XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    return pattern;
}

// Directories to delete at exit (destroyed after the stores that use them).
std::vector<std::filesystem::path>& temp_dirs() {
    static std::vector<std::filesystem::path> dirs;
    return dirs;
}

template <typename T>
const T& pick(std::mt19937_64& rng, const std::vector<T>& options) {
    return options[std::uniform_int_distribution<std::size_t>(0, options.size() - 1)(rng)];
}

bool chance(std::mt19937_64& rng, double p) {
    return std::uniform_real_distribution<double>(0, 1)(rng) < p;
}

model::Tags synthetic_tags(std::mt19937_64& rng) {
    static const std::vector<std::string> operators{
        "МУП Србије",      "Град Београд", "ЈКП Паркинг сервис",
        "Delhaize Serbia", "NIS",          "Telekom Srbija"};
    static const std::vector<std::string> zones{"town", "traffic", "parking", "shop", "building"};
    model::Tags tags{{"man_made", "surveillance"}};
    double u = std::uniform_real_distribution<double>(0, 1)(rng);
    tags["surveillance"] = u < 0.6 ? "public" : (u < 0.85 ? "outdoor" : "indoor");
    double t = std::uniform_real_distribution<double>(0, 1)(rng);
    tags["surveillance:type"] = t < 0.9 ? "camera" : (t < 0.98 ? "ALPR" : "guard");
    if (tags["surveillance:type"] == "camera" && chance(rng, 0.8))
        tags["camera:type"] =
            pick(rng, std::vector<std::string>{"fixed", "fixed", "dome", "panning"});
    if (chance(rng, 0.6))
        tags["camera:direction"] = std::to_string(std::uniform_int_distribution<int>(0, 359)(rng));
    if (chance(rng, 0.5)) tags["surveillance:zone"] = pick(rng, zones);
    if (chance(rng, 0.3)) tags["operator"] = pick(rng, operators);
    if (chance(rng, 0.2))
        tags["height"] = std::to_string(std::uniform_int_distribution<int>(3, 8)(rng));
    if (chance(rng, 0.15))
        tags["camera:mount"] = pick(rng, std::vector<std::string>{"wall", "pole", "ceiling"});
    return tags;
}

struct CameraDb {
    std::unique_ptr<store::SqliteStore> store;
    geo::BBox area = geo::BBox::around(belgrade, half_side_m);
    std::int64_t cameras = 0;
};

std::unique_ptr<CameraDb> filled_db;  // built on first use, closed at the end of main

CameraDb& camera_db() {
    if (filled_db) return *filled_db;
    filled_db = std::make_unique<CameraDb>([] {
        CameraDb out;
        std::filesystem::path dir;
        if (const char* keep = std::getenv("SIGHTLINE_BENCH_DATA_DIR"); keep && *keep) {
            dir = keep;
        } else {
            dir = make_temp_dir("sightline-bench-");
            temp_dirs().push_back(dir);
        }
        out.store = store::open_sqlite_store(dir);
        if (out.store->camera_version() > 0) {
            out.cameras = out.store->stats().cameras_total;
            std::fprintf(stderr, "reusing %lld cameras in %s\n",
                         static_cast<long long>(out.cameras), dir.c_str());
            return out;
        }
        std::mt19937_64 rng(20261126);
        std::uniform_real_distribution<double> lat(out.area.south, out.area.north);
        std::uniform_real_distribution<double> lon(out.area.west, out.area.east);
        auto start = Clock::now();
        std::vector<model::NewCamera> batch;
        std::int64_t tag_count = 0;
        for (std::int64_t done = 0; done < camera_count;) {
            batch.clear();
            for (std::int64_t i = 0; i < batch_size && done < camera_count; ++i, ++done) {
                batch.push_back(
                    {{lat(rng), lon(rng)}, model::CameraStatus::verified, synthetic_tags(rng)});
                tag_count += static_cast<std::int64_t>(batch.back().tags.size());
            }
            auto ids = out.store->insert_cameras(batch, {"bench", "synthetic", 1795712400});
            if (!ids) throw std::runtime_error(ids.error().message);
        }
        double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        out.cameras = camera_count;
        std::fprintf(
            stderr, "filled %lld cameras (%.2f tags each) in %.1f s (%.0f cameras/s), %.0f MB\n",
            static_cast<long long>(camera_count),
            static_cast<double>(tag_count) / static_cast<double>(camera_count), seconds,
            static_cast<double>(camera_count) / seconds,
            static_cast<double>(std::filesystem::file_size(out.store->database_path())) / 1e6);
        return out;
    }());
    return *filled_db;
}

void report_latencies(benchmark::State& state, std::vector<double>& latencies_ms) {
    if (latencies_ms.empty()) return;
    std::sort(latencies_ms.begin(), latencies_ms.end());
    auto at = [&](double q) {
        return latencies_ms[static_cast<std::size_t>(q *
                                                     static_cast<double>(latencies_ms.size() - 1))];
    };
    state.counters["p50_ms"] = at(0.50);
    state.counters["p90_ms"] = at(0.90);
    state.counters["p99_ms"] = at(0.99);
}

// A random box inside the area covering `fraction` of it.
geo::BBox random_box(std::mt19937_64& rng, const geo::BBox& area, double fraction) {
    double side = std::sqrt(std::min(fraction, 1.0));
    double height = (area.north - area.south) * side;
    double width = (area.east - area.west) * side;
    double s = std::uniform_real_distribution<double>(area.south, area.north - height)(rng);
    double w = std::uniform_real_distribution<double>(area.west, area.east - width)(rng);
    return {w, s, w + width, s + height};
}

void FindCameras(benchmark::State& state) {
    auto& db = camera_db();
    std::mt19937_64 rng(1);
    double fraction = target_results / static_cast<double>(std::max<std::int64_t>(db.cameras, 1));
    std::vector<double> latencies_ms;
    std::int64_t returned = 0;
    for (auto _ : state) {
        store::CameraQuery query;
        query.bbox = random_box(rng, db.area, fraction);
        query.limit = 10000;  // do not cap the ~1,000 results
        auto start = Clock::now();
        auto cameras = db.store->find_cameras(query);
        latencies_ms.push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        benchmark::DoNotOptimize(cameras.data());
        returned += static_cast<std::int64_t>(cameras.size());
    }
    state.counters["cameras"] =
        benchmark::Counter(static_cast<double>(returned), benchmark::Counter::kAvgIterations);
    state.counters["db_cameras"] = static_cast<double>(db.cameras);
    report_latencies(state, latencies_ms);
}
BENCHMARK(FindCameras)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);

void FindCamerasWholeArea(benchmark::State& state) {
    auto& db = camera_db();
    std::int64_t returned = 0;
    for (auto _ : state) {
        store::CameraQuery query;
        query.bbox = db.area;
        auto cameras = db.store->find_cameras(query);
        benchmark::DoNotOptimize(cameras.data());
        returned += static_cast<std::int64_t>(cameras.size());
    }
    state.counters["cameras"] =
        benchmark::Counter(static_cast<double>(returned), benchmark::Counter::kAvgIterations);
}
BENCHMARK(FindCamerasWholeArea)->Unit(benchmark::kMillisecond)->UseRealTime();

void CamerasNear(benchmark::State& state) {
    auto& db = camera_db();
    std::mt19937_64 rng(2);
    std::uniform_real_distribution<double> lat(db.area.south, db.area.north);
    std::uniform_real_distribution<double> lon(db.area.west, db.area.east);
    std::int64_t returned = 0;
    for (auto _ : state) {
        auto cameras = db.store->cameras_near({lat(rng), lon(rng)}, 100, 20);
        benchmark::DoNotOptimize(cameras.data());
        returned += static_cast<std::int64_t>(cameras.size());
    }
    state.counters["cameras"] =
        benchmark::Counter(static_cast<double>(returned), benchmark::Counter::kAvgIterations);
}
BENCHMARK(CamerasNear)->Unit(benchmark::kMicrosecond)->UseRealTime();

void InsertReport(benchmark::State& state) {
    bool full = state.range(0) != 0;
    auto dir = make_temp_dir("sightline-bench-reports-");
    {
        store::SqliteOptions options;
        options.synchronous_full = full;
        options.read_connections = 1;
        auto store = store::open_sqlite_store(dir, options);
        model::NewReport report;
        report.location = belgrade;
        report.accuracy_m = 8;
        report.directions_deg = {135};
        report.tags = {{"man_made", "surveillance"},
                       {"surveillance", "public"},
                       {"surveillance:type", "camera"},
                       {"camera:type", "dome"},
                       {"camera:direction", "135"}};
        report.note = "Above the entrance of the pharmacy.";
        const std::string hash(64, 'c');
        std::vector<double> latencies_ms;
        for (auto _ : state) {
            auto start = Clock::now();
            auto id = store->insert_report(report, hash, 1795712400);
            latencies_ms.push_back(
                std::chrono::duration<double, std::milli>(Clock::now() - start).count());
            if (!id) state.SkipWithError(id.error().message.c_str());
        }
        report_latencies(state, latencies_ms);
    }
    state.SetLabel(full ? "synchronous=FULL" : "synchronous=NORMAL");
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
}
BENCHMARK(InsertReport)
    ->ArgName("full")
    ->Arg(1)
    ->Arg(0)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
    if (const char* n = std::getenv("SIGHTLINE_BENCH_CAMERAS"); n && *n)
        camera_count = std::atoll(n);
    if (const char* n = std::getenv("SIGHTLINE_BENCH_BATCH"); n && *n) batch_size = std::atoll(n);
    // Take --cameras=N out of argv before Google Benchmark sees (and rejects) it.
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg.starts_with("--cameras=")) {
            camera_count = std::atoll(argv[i] + 10);
        } else {
            argv[kept++] = argv[i];
        }
    }
    argc = kept;
    if (camera_count <= 0 || batch_size <= 0) {
        std::fprintf(stderr, "the camera count and batch size must be positive\n");
        return 2;
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    filled_db.reset();
    for (const auto& dir : temp_dirs()) {
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
    }
    return 0;
}
