#include "cli/routing_step.hpp"

#include <chrono>
#include <cstdio>
#include <system_error>

#include <fmt/core.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "cli/command.hpp"
#include "cli/progress_bar.hpp"
#include "services/analysis_service.hpp"
#include "services/routing_service.hpp"

namespace sightline::cli {

OptionSpec no_routing_option() {
    return {"no-routing", "",
            "do not prepare the routing data (DATA/routing.bin); the next serve or route does"};
}

void prepare_routing_data(std::string_view command, const ParsedArgs& args) {
    if (args.has("no-routing")) return;
    const std::filesystem::path data = data_dir_from(args);
    // With PostgreSQL the data folder holds this machine's caches and need not exist here.
    if (std::error_code ec; !std::filesystem::is_directory(data, ec)) {
        fmt::print("routing data: not prepared (no data folder {}; serve prepares it there)\n",
                   data.string());
        return;
    }
    const auto start = std::chrono::steady_clock::now();
#if defined(__GLIBC__)
    ::malloc_trim(0);  // what the command freed, before the routing data's peak
#endif
    auto store = open_store_from(args, {.connections = 2, .memory_map = false});
    services::AnalysisService analysis(*store, *store);
    services::RoutingService routing(*store, *store, analysis,
                                     {.prepared_file = data / "routing.bin"});
    ProgressBar bar;
    services::AnalysisProgress progress;
    if (show_progress(args))
        progress = [&](std::string_view phase, std::size_t done, std::size_t total) {
            bar.count(fmt::format("routing data: {}", phase), done, total);
        };
    auto prepared = routing.prepare(progress);
    routing.wait_background();  // an update is written in the background
    bar.finish();
    if (!prepared) {
        fmt::print(stderr, "sightline {}: routing data not prepared ({}); serve prepares it\n",
                   command, prepared.error().message);
        return;
    }
    const auto stats = routing.stats();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (stats.files_written == 0 && !stats.loaded)
        fmt::print(stderr,
                   "sightline {}: routing data not written to {} (see the log); serve prepares "
                   "it\n",
                   command, data.string());
    else if (stats.files_written == 0)
        fmt::print("routing data: up to date ({} nodes)\n", stats.nodes);
    else
        fmt::print("routing data: {} in {:.2f} s ({} nodes, {} edges)\n",
                   stats.loaded ? "updated" : "prepared", seconds, stats.nodes, stats.edges);
}

}  // namespace sightline::cli
