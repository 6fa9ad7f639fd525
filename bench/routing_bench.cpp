// Walking routes over an imported city: preprocessing and per-query times (docs/benchmarks.md,
// section routing-bench; bench/routing_bench.sh runs it and pgRouting in the same run).
//
//   routing_bench --data DIR [--pairs 1000] [--route-pairs 1000] [--seed 42] [--landmarks 8]
//                 [--pg-edges EDGES.csv --pg-pairs PAIRS.csv]
//
// Preprocessing: RoutingService::prepare() from a cold start (viewsheds of the data folder's
// cameras, seen metres of every street, the walking graph, its landmarks), then the graph build
// and the landmarks again on their own. Queries, on PAIRS random pairs of distinct nodes of one
// component (fixed seed), each timed alone with steady_clock, each kind in its own loop: one
// AltSearch::find at lambda 0 and at lambda 20 (observe level), plain dijkstra() on the same
// pairs (whose costs must equal ALT's: cost_differs), a whole plan_routes() between
// the two nodes' locations, and RoutingService::route() (plan + exposure of each alternative)
// on the first ROUTE-PAIRS pairs. With --pg-edges/--pg-pairs it writes the graph and the pairs
// with our costs for pgRouting (ids are ours + 1; columns cost0/cost20 for lambda 0 and 20).
// Prints a human summary and one "RESULT key=value ..." line per measurement.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/core.h>
#include <fmt/os.h>

#include "routing/path_search.hpp"
#include "routing/route_planner.hpp"
#include "routing/walk_graph.hpp"
#include "services/analysis_service.hpp"
#include "services/routing_service.hpp"
#include "store/sqlite/sqlite_store.hpp"

using namespace sightline;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

struct Options {
    std::filesystem::path data;
    int pairs = 1000;
    int route_pairs = 1000;
    std::uint64_t seed = 42;
    std::filesystem::path pg_edges;
    std::filesystem::path pg_pairs;
    std::size_t landmarks = services::RoutingOptions{}.landmarks;
};

struct Summary {
    double p50 = 0;
    double p99 = 0;
    double mean = 0;
    double max = 0;
};

Summary summarise(std::vector<double> ms) {
    Summary s;
    if (ms.empty()) return s;
    std::sort(ms.begin(), ms.end());
    auto rank = [&](double q) {
        auto i = static_cast<std::size_t>(std::ceil(q * static_cast<double>(ms.size())));
        return ms[std::clamp<std::size_t>(i, 1, ms.size()) - 1];
    };
    s.p50 = rank(0.5);
    s.p99 = rank(0.99);
    s.max = ms.back();
    for (double v : ms)
        s.mean += v;
    s.mean /= static_cast<double>(ms.size());
    return s;
}

void report(std::string_view name, const std::vector<double>& ms, std::string_view extra = {}) {
    auto s = summarise(ms);
    fmt::print("{:<34} n={:<5} p50 {:9.3f} ms  p99 {:9.3f} ms  mean {:9.3f} ms  max {:9.3f} ms{}\n",
               name, ms.size(), s.p50, s.p99, s.mean, s.max, extra);
    fmt::print("RESULT name={} n={} p50_ms={:.4f} p99_ms={:.4f} mean_ms={:.4f} max_ms={:.4f}\n",
               name, ms.size(), s.p50, s.p99, s.mean, s.max);
}

int usage(std::string_view problem) {
    fmt::print(stderr,
               "routing_bench: {}\nusage: routing_bench --data DIR [--pairs 1000] "
               "[--route-pairs 1000] [--seed 42] [--landmarks 8] [--pg-edges EDGES.csv --pg-pairs "
               "PAIRS.csv]\n",
               problem);
    return 1;
}

bool parse(int argc, char** argv, Options& o, std::string& problem) {
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (i + 1 >= argc) {
            problem = fmt::format("{} needs a value", arg);
            return false;
        }
        std::string value = argv[++i];
        try {
            if (arg == "--data") {
                o.data = value;
            } else if (arg == "--pairs") {
                o.pairs = std::stoi(value);
            } else if (arg == "--route-pairs") {
                o.route_pairs = std::stoi(value);
            } else if (arg == "--seed") {
                o.seed = std::stoull(value);
            } else if (arg == "--landmarks") {
                o.landmarks = std::stoul(value);
            } else if (arg == "--pg-edges") {
                o.pg_edges = value;
            } else if (arg == "--pg-pairs") {
                o.pg_pairs = value;
            } else {
                problem = fmt::format("unknown option {}", arg);
                return false;
            }
        } catch (const std::exception&) {
            problem = fmt::format("bad value for {}: {}", arg, value);
            return false;
        }
    }
    if (o.data.empty()) {
        problem = "--data is required";
        return false;
    }
    if (o.pairs < 1 || o.route_pairs < 0 || o.pg_edges.empty() != o.pg_pairs.empty()) {
        problem = "--pairs >= 1, --route-pairs >= 0, and --pg-edges with --pg-pairs";
        return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    std::string problem;
    if (!parse(argc, argv, o, problem)) return usage(problem);
    if (!std::filesystem::exists(o.data / "sightline.db"))
        return usage(fmt::format("no sightline.db in {}", o.data.string()));

    auto store = store::open_sqlite_store(o.data);
    services::AnalysisService analysis(*store, *store);
    services::RoutingOptions routing_options;
    routing_options.landmarks = o.landmarks;
    services::RoutingService service(*store, *store, analysis, routing_options);

    // --- preprocessing -------------------------------------------------------------------------
    std::vector<std::pair<std::string, Clock::time_point>> phases;
    auto started = Clock::now();
    auto prepared = service.prepare([&](std::string_view phase, std::size_t, std::size_t) {
        if (phases.empty() || phases.back().first != phase)
            phases.emplace_back(std::string(phase), Clock::now());
    });
    auto finished = Clock::now();
    double prepare_ms = std::chrono::duration<double, std::milli>(finished - started).count();
    if (!prepared) return usage(prepared.error().message);
    auto graph = service.graph();
    if (!graph || graph->walk.node_count() < 2) return usage("the data folder has no streets");
    const auto& walk = graph->walk;
    auto stats = service.stats();

    double street_km = 0;
    routing::LevelMetres seen_m{};
    for (const auto& e : walk.edges()) {
        street_km += e.length_m / 1000;
        for (std::size_t l = 0; l < seen_m.size(); ++l)
            seen_m[l] += e.seen_m[l] / 1000;
    }
    fmt::print(
        "graph: {} nodes, {} edges, {} streets, {:.1f} km; seen km detect {:.1f} observe "
        "{:.1f} recognise {:.1f} identify {:.1f}; {} landmarks\n",
        walk.node_count(), walk.edge_count(), walk.street_count(), street_km, seen_m[0], seen_m[1],
        seen_m[2], seen_m[3], graph->landmarks.count());
    fmt::print(
        "RESULT name=graph nodes={} edges={} streets={} street_km={:.2f} seen_observe_km={:.2f} "
        "landmarks={}\n",
        walk.node_count(), walk.edge_count(), walk.street_count(), street_km, seen_m[1],
        graph->landmarks.count());
    std::string phase_text;
    for (std::size_t i = 0; i < phases.size(); ++i) {
        auto end = i + 1 < phases.size() ? phases[i + 1].second : finished;
        phase_text +=
            fmt::format(" {}_ms={:.1f}", phases[i].first,
                        std::chrono::duration<double, std::milli>(end - phases[i].second).count());
    }
    fmt::print("prepare (cold): {:.1f} ms (service build_s {:.3f});{}\n", prepare_ms, stats.build_s,
               phase_text);
    fmt::print("RESULT name=prepare total_ms={:.1f} build_s={:.4f}{}\n", prepare_ms, stats.build_s,
               phase_text);

    // The graph and the landmarks again, alone (median of 3).
    std::vector<double> build_ms;
    std::vector<double> landmark_ms;
    std::vector<double> refresh_ms;
    for (int run = 0; run < 3; ++run) {
        std::vector<routing::StreetInput> streets;
        for (std::uint32_t i = 0; i < walk.street_count(); ++i) {
            const auto s = walk.street(i);
            streets.push_back({s.osm_way_id,
                               {s.points.begin(), s.points.end()},
                               {s.seen_m.begin(), s.seen_m.end()}});
        }
        auto t = Clock::now();
        auto rebuilt = routing::WalkGraph::build(std::move(streets));
        build_ms.push_back(ms_since(t));
        t = Clock::now();
        auto landmarks = routing::Landmarks::build(rebuilt, service.options().landmarks);
        landmark_ms.push_back(ms_since(t));
        t = Clock::now();
        landmarks.refresh_seen(rebuilt);
        refresh_ms.push_back(ms_since(t));
    }
    auto build = summarise(build_ms);
    auto lm = summarise(landmark_ms);
    auto refresh = summarise(refresh_ms);
    fmt::print(
        "WalkGraph::build {:.1f} ms, Landmarks::build ({}) {:.1f} ms, "
        "Landmarks::refresh_seen {:.1f} ms (median of 3)\n",
        build.p50, service.options().landmarks, lm.p50, refresh.p50);
    fmt::print("RESULT name=build graph_ms={:.2f} landmarks_ms={:.2f} refresh_seen_ms={:.2f}\n",
               build.p50, lm.p50, refresh.p50);

    // --- pairs ---------------------------------------------------------------------------------
    std::mt19937_64 rng(o.seed);
    std::uniform_int_distribution<routing::NodeId> node(
        0, static_cast<routing::NodeId>(walk.node_count() - 1));
    std::vector<std::pair<routing::NodeId, routing::NodeId>> pairs;
    std::set<std::pair<routing::NodeId, routing::NodeId>> chosen;
    for (int attempt = 0; static_cast<int>(pairs.size()) < o.pairs && attempt < 100 * o.pairs;
         ++attempt) {
        routing::NodeId a = node(rng);
        routing::NodeId b = node(rng);
        if (a != b && walk.component(a) == walk.component(b) && chosen.insert({a, b}).second)
            pairs.emplace_back(a, b);
    }

    // --- queries -------------------------------------------------------------------------------
    routing::AltSearch alt(walk, graph->landmarks);
    const routing::Metric metrics[] = {{0, analysis::DoriLevel::observe},
                                       {20, analysis::DoriLevel::observe}};
    std::vector<std::vector<double>> costs(2);
    for (std::size_t m = 0; m < 2; ++m) {
        std::vector<double> alt_ms;
        std::vector<double> dijkstra_ms;
        std::size_t alt_settled = 0;
        std::size_t dijkstra_settled = 0;
        std::size_t differ = 0;
        for (std::size_t i = 0; i < std::min<std::size_t>(20, pairs.size()); ++i) {  // warm-up
            routing::Seed s{pairs[i].first, 0};
            routing::Seed t{pairs[i].second, 0};
            (void)alt.find(metrics[m], {&s, 1}, {&t, 1});
        }
        // Each kind of search in its own loop, as a server runs one kind of query after another
        // (interleaving the reference Dijkstra would evict ALT's data from the caches).
        for (auto [a, b] : pairs) {
            routing::Seed s{a, 0};
            routing::Seed t{b, 0};
            auto t0 = Clock::now();
            auto fast = alt.find(metrics[m], {&s, 1}, {&t, 1});
            alt_ms.push_back(ms_since(t0));
            alt_settled += fast.settled;
            costs[m].push_back(fast.cost);
        }
        for (std::size_t i = 0; i < pairs.size(); ++i) {
            routing::Seed s{pairs[i].first, 0};
            routing::Seed t{pairs[i].second, 0};
            auto t0 = Clock::now();
            auto plain = routing::dijkstra(walk, metrics[m], {&s, 1}, {&t, 1});
            dijkstra_ms.push_back(ms_since(t0));
            dijkstra_settled += plain.settled;
            differ += std::abs(costs[m][i] - plain.cost) > 1e-9 * std::max(1.0, plain.cost);
        }
        auto lambda = static_cast<int>(metrics[m].lambda);
        report(fmt::format("alt_lambda{}", lambda), alt_ms,
               fmt::format("  settled {}/query", alt_settled / pairs.size()));
        report(fmt::format("dijkstra_lambda{}", lambda), dijkstra_ms,
               fmt::format("  settled {}/query", dijkstra_settled / pairs.size()));
        fmt::print("RESULT name=settled_lambda{} alt={} dijkstra={} cost_differs={}\n", lambda,
                   alt_settled / pairs.size(), dijkstra_settled / pairs.size(), differ);
    }

    std::vector<double> plan_ms;
    std::size_t plan_routes_found = 0;
    std::size_t plan_searches = 0;
    std::size_t plan_failed = 0;
    for (auto [a, b] : pairs) {
        auto t0 = Clock::now();
        auto plan = routing::plan_routes(walk, alt, walk.node_location(a), walk.node_location(b),
                                         routing::PlanOptions{});
        plan_ms.push_back(ms_since(t0));
        if (!plan) {
            ++plan_failed;
            continue;
        }
        plan_routes_found += plan->routes.size();
        plan_searches += plan->searches;
    }
    report("plan_routes", plan_ms,
           fmt::format("  {:.2f} routes, {:.1f} searches per plan, {} failed",
                       static_cast<double>(plan_routes_found) / static_cast<double>(pairs.size()),
                       static_cast<double>(plan_searches) / static_cast<double>(pairs.size()),
                       plan_failed));

    std::vector<double> route_ms;
    std::size_t route_failed = 0;
    for (std::size_t i = 0; i < std::min<std::size_t>(pairs.size(), o.route_pairs); ++i) {
        services::RouteRequest request;
        request.from = walk.node_location(pairs[i].first);
        request.to = walk.node_location(pairs[i].second);
        auto t0 = Clock::now();
        auto routed = service.route(request);
        route_ms.push_back(ms_since(t0));
        route_failed += !routed.has_value();
    }
    if (!route_ms.empty())
        report("service_route", route_ms, fmt::format("  {} failed", route_failed));

    // --- pgRouting input -------------------------------------------------------------------------
    if (!o.pg_edges.empty()) {
        auto edges = fmt::output_file(o.pg_edges.string());
        edges.print("id,source,target,cost0,cost20\n");
        for (routing::EdgeId e = 0; e < walk.edge_count(); ++e) {
            const auto& edge = walk.edge(e);
            edges.print("{},{},{},{:.17g},{:.17g}\n", e + 1, edge.from + 1, edge.to + 1,
                        metrics[0].weight(edge), metrics[1].weight(edge));
        }
        edges.close();
        auto out = fmt::output_file(o.pg_pairs.string());
        out.print("i,source,target,cost0,cost20\n");
        for (std::size_t i = 0; i < pairs.size(); ++i)
            out.print("{},{},{},{:.17g},{:.17g}\n", i + 1, pairs[i].first + 1, pairs[i].second + 1,
                      costs[0][i], costs[1][i]);
        out.close();
    }
    return plan_failed + route_failed > 0 ? 1 : 0;
}
