// How much longer the least exposed walking routes are than the shortest ones, over random trips
// (docs/routing.md, "Detours per camera class"; run through bench/detour_report.sh):
//
//   detour_report --data DIR [--pairs 1000] [--seed 7] [--min-m 500] [--max-m 3000]
//                 [--level observe] [--max-detour 10]
//
// Trips join two random nodes of the main walking network whose straight-line distance lies
// between min and max metres. For each trip the planner finds the shortest route and the least
// exposed one within max-detour times its length; the report gives the share of trips the shortest
// route is seen on, the share with a route seen nowhere, and the detour (least exposed length /
// shortest length) over the trips whose shortest route is seen. One Markdown table row on stdout.

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include "geo/distance.hpp"
#include "routing/route_planner.hpp"
#include "services/analysis_service.hpp"
#include "services/routing_service.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace sightline {
namespace {

struct Options {
    std::filesystem::path data;
    std::string label = "as mapped";
    int pairs = 1000;
    unsigned seed = 7;
    double min_m = 500;
    double max_m = 3000;
    double max_detour = 10;
    analysis::DoriLevel level = analysis::DoriLevel::observe;
};

bool parse_number(std::string_view text, double& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

bool parse(int argc, char** argv, Options& o, std::string& problem) {
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (i + 1 >= argc) {
            problem = fmt::format("{} needs a value", a);
            return false;
        }
        std::string_view v = argv[++i];
        double number = 0;
        if (a == "--data") {
            o.data = v;
        } else if (a == "--label") {
            o.label = v;
        } else if (a == "--level") {
            auto level = analysis::parse_dori_level(v);
            if (!level) {
                problem = level.error().message;
                return false;
            }
            o.level = *level;
        } else if (parse_number(v, number)) {
            if (a == "--pairs")
                o.pairs = static_cast<int>(number);
            else if (a == "--seed")
                o.seed = static_cast<unsigned>(number);
            else if (a == "--min-m")
                o.min_m = number;
            else if (a == "--max-m")
                o.max_m = number;
            else if (a == "--max-detour")
                o.max_detour = number;
            else {
                problem = fmt::format("unknown option {}", a);
                return false;
            }
        } else {
            problem = fmt::format("{}: not a number: {}", a, v);
            return false;
        }
    }
    if (o.data.empty()) problem = "--data DIR is required";
    return problem.empty();
}

double quantile(std::vector<double> values, double q) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    return values[static_cast<std::size_t>(q * static_cast<double>(values.size() - 1) + 0.5)];
}

}  // namespace
}  // namespace sightline

int main(int argc, char** argv) {
    using namespace sightline;
    Options o;
    std::string problem;
    if (!parse(argc, argv, o, problem)) {
        std::fprintf(stderr, "detour_report: %s\n", problem.c_str());
        return 2;
    }
    if (!std::filesystem::exists(o.data / "sightline.db")) {
        std::fprintf(stderr, "detour_report: no sightline.db in %s\n", o.data.c_str());
        return 2;
    }
    auto store = store::open_sqlite_store(o.data);
    services::AnalysisService analysis(*store, *store);
    services::RoutingService routing_service(*store, *store, analysis);
    if (auto ready = routing_service.prepare(); !ready) {
        std::fprintf(stderr, "detour_report: %s\n", ready.error().message.c_str());
        return 1;
    }
    const auto graph = routing_service.graph();
    const auto& walk = graph->walk;
    std::vector<routing::NodeId> main_nodes;
    for (routing::NodeId n = 0; n < walk.node_count(); ++n)
        if (walk.component(n) == 0) main_nodes.push_back(n);
    if (main_nodes.size() < 2) {
        std::fprintf(stderr, "detour_report: the data folder has no street network\n");
        return 1;
    }

    std::mt19937_64 rng(o.seed);
    std::uniform_int_distribution<std::size_t> pick(0, main_nodes.size() - 1);
    routing::AltSearch search(walk, graph->landmarks);
    routing::PlanOptions plan_options;
    plan_options.max_detour = o.max_detour;
    plan_options.level = o.level;
    const auto level = static_cast<std::size_t>(o.level);

    int trips = 0;
    int seen_trips = 0;
    int camera_free = 0;
    std::vector<double> detours;      // trips whose shortest route is seen
    std::vector<double> seen_shares;  // least exposed seen / shortest seen, same trips
    for (int attempts = 0; trips < o.pairs && attempts < o.pairs * 100; ++attempts) {
        const auto a = walk.node_location(main_nodes[pick(rng)]);
        const auto b = walk.node_location(main_nodes[pick(rng)]);
        const double straight = geo::distance_m(a, b);
        if (straight < o.min_m || straight > o.max_m) continue;
        auto plan = routing::plan_routes(walk, search, a, b, plan_options);
        if (!plan) continue;
        ++trips;
        const auto& shortest = plan->routes.front();
        const auto& least = plan->routes.back();
        if (shortest.seen_m[level] <= 1e-9) {
            ++camera_free;
            continue;
        }
        ++seen_trips;
        if (plan->avoids_cameras) ++camera_free;
        detours.push_back(least.length_m / shortest.length_m);
        seen_shares.push_back(least.seen_m[level] / shortest.seen_m[level]);
    }
    double mean = 0;
    for (double d : detours)
        mean += d;
    if (!detours.empty()) mean /= static_cast<double>(detours.size());
    // | class | trips | shortest seen | camera-free route | detour median | mean | p90 | seen left
    // |
    fmt::print("| {} | {} | {:.1f} % | {:.1f} % | {:.2f}x | {:.2f}x | {:.2f}x | {:.1f} % |\n",
               o.label, trips, trips ? 100.0 * seen_trips / trips : 0.0,
               trips ? 100.0 * camera_free / trips : 0.0, quantile(detours, 0.5), mean,
               quantile(detours, 0.9), 100.0 * quantile(seen_shares, 0.5));
    return 0;
}
