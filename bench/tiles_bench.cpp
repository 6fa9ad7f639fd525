// Vector tile rendering benchmark (bench/tiles_bench.sh drives it): camera tiles at z14 and z16
// rendered through tiles::TileService with the cache disabled and no gzip (what PostGIS's
// ST_AsMVT produces is compared: uncompressed bytes), over the cameras that the script imported
// into SIGHTLINE_BENCH_DATA_DIR (the same CSV PostGIS loads). RenderCameraTiles reads the
// cameras from the in-memory snapshot (tiles::CameraIndex, built before timing), as the server
// does once it is current; RenderCameraTilesFromStore queries SQLite per tile, as the server does
// while the snapshot is rebuilt after a change. Cameras layer only, like the PostGIS peer.
//
// Tiles are drawn uniformly from the tiles lying entirely inside SIGHTLINE_BENCH_BOX
// ("W,S,E,N", the data box), with a fixed seed; the bench/tiles_bench.sql pgbench script draws
// the PostGIS tiles the same way. Counters: tiles/s (items_per_second) and mean bytes per tile.
//
//   SIGHTLINE_BENCH_DATA_DIR=/path SIGHTLINE_BENCH_BOX=20.2,44.6,20.7,45.0 build/bench/tiles_bench
//
// SIGHTLINE_BENCH_STALE_AFTER_S sets TileOptions::stale_after_s (default 365 days; 0: nothing
// is stale), to measure what marking stale cameras costs.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>

#include "geo/tile_id.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "tiles/tile_service.hpp"

namespace {

using namespace sightline;

struct Setup {
    std::unique_ptr<store::SqliteStore> store;
    std::unique_ptr<tiles::TileService> service;             ///< camera snapshot (the default)
    std::unique_ptr<tiles::TileService> service_from_store;  ///< a store query per tile
    geo::BBox box;
};

Setup& setup() {
    static Setup s = [] {
        const char* dir = std::getenv("SIGHTLINE_BENCH_DATA_DIR");
        const char* box = std::getenv("SIGHTLINE_BENCH_BOX");
        if (!dir || !box)
            throw std::runtime_error("set SIGHTLINE_BENCH_DATA_DIR and SIGHTLINE_BENCH_BOX");
        Setup out;
        store::SqliteOptions options;
        options.create_if_missing = false;
        options.read_connections = 4;
        out.store = store::open_sqlite_store(dir, options);
        tiles::TileOptions tile_options;
        // SIGHTLINE_BENCH_STALE_AFTER_S=0: no camera is stale (the cost of stale=true, issue 14).
        if (const char* stale = std::getenv("SIGHTLINE_BENCH_STALE_AFTER_S"))
            tile_options.stale_after_s = std::stoll(stale);
        tile_options.cache_bytes = 0;
        tile_options.gzip = false;
        // Cameras only: the PostGIS peer renders the cameras layer alone.
        out.service = std::make_unique<tiles::TileService>(*out.store, tile_options);
        if (!out.service->prepare()) throw std::runtime_error("cameras changed while indexing");
        tile_options.camera_index = false;
        out.service_from_store = std::make_unique<tiles::TileService>(*out.store, tile_options);
        auto parsed = geo::parse_bbox(box);
        if (!parsed) throw std::runtime_error("SIGHTLINE_BENCH_BOX: " + parsed.error().message);
        out.box = *parsed;
        return out;
    }();
    return s;
}

void render_tiles(benchmark::State& state, tiles::TileService& service) {
    const int z = static_cast<int>(state.range(0));
    auto& s = setup();
    // Tiles entirely inside the data box, as the pgbench script draws them.
    auto nw = geo::tile_of({s.box.north, s.box.west}, z);
    auto se = geo::tile_of({s.box.south, s.box.east}, z);
    std::uniform_int_distribution<std::uint32_t> xs(nw.x + 1, se.x - 1);
    std::uniform_int_distribution<std::uint32_t> ys(nw.y + 1, se.y - 1);
    std::mt19937_64 rng(42 + static_cast<unsigned>(state.thread_index()));
    std::int64_t bytes = 0;
    for (auto _ : state) {
        geo::TileId tile{z, xs(rng), ys(rng)};
        auto data = service.render_uncached(tile);
        if (!data) {
            state.SkipWithError(data.error().message.c_str());
            break;
        }
        bytes += static_cast<std::int64_t>(data->size());
        benchmark::DoNotOptimize(data->data());
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["bytes_per_tile"] =
        benchmark::Counter(static_cast<double>(bytes) /
                           static_cast<double>(std::max<std::int64_t>(state.iterations(), 1)));
}

void RenderCameraTiles(benchmark::State& state) {
    render_tiles(state, *setup().service);
}
void RenderCameraTilesFromStore(benchmark::State& state) {
    render_tiles(state, *setup().service_from_store);
}

}  // namespace

// Run time per case: --benchmark_min_time (tiles_bench.sh passes BENCH_SECONDS).
BENCHMARK(RenderCameraTilesFromStore)->Arg(14)->Arg(16)->UseRealTime();
BENCHMARK(RenderCameraTiles)->Arg(14)->Arg(16)->UseRealTime();
BENCHMARK(RenderCameraTiles)->Arg(14)->Arg(16)->UseRealTime()->Threads(2);

BENCHMARK_MAIN();
