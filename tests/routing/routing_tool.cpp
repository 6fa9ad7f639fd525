// The walking graph of a data folder as pgRouting reads it, for tests/routing/pgrouting_check.sh
// and bench/routing_bench.sh:
//
//   routing_tool --data DIR --edges EDGES.csv --pairs PAIRS.csv [--lambda L] [--level observe]
//                [--count 1000] [--seed 42]
//
// Builds the graph through RoutingService::prepare() (the seen metres of the data folder's
// cameras), writes every edge as id,source,target,cost,reverse_cost (cost = length + lambda x
// seen metres at the level; ids are ours + 1) and COUNT random pairs of distinct nodes of one
// component as source,target,cost with the cost our ALT search finds. Exit 0, or 1 with a
// message on stderr.

#include <chrono>
#include <cstdio>
#include <cstdlib>
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
#include "services/analysis_service.hpp"
#include "services/routing_service.hpp"
#include "store/sqlite/sqlite_store.hpp"

using namespace sightline;

namespace {

struct Options {
    std::filesystem::path data;
    std::filesystem::path edges;
    std::filesystem::path pairs;
    double lambda = 0;
    analysis::DoriLevel level = analysis::DoriLevel::observe;
    int count = 1000;
    std::uint64_t seed = 42;
};

int usage(std::string_view problem) {
    fmt::print(stderr,
               "routing_tool: {}\nusage: routing_tool --data DIR --edges EDGES.csv --pairs "
               "PAIRS.csv [--lambda L] [--level observe] [--count 1000] [--seed 42]\n",
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
            } else if (arg == "--edges") {
                o.edges = value;
            } else if (arg == "--pairs") {
                o.pairs = value;
            } else if (arg == "--lambda") {
                o.lambda = std::stod(value);
            } else if (arg == "--count") {
                o.count = std::stoi(value);
            } else if (arg == "--seed") {
                o.seed = std::stoull(value);
            } else if (arg == "--level") {
                auto level = analysis::parse_dori_level(value);
                if (!level) {
                    problem = level.error().message;
                    return false;
                }
                o.level = *level;
            } else {
                problem = fmt::format("unknown option {}", arg);
                return false;
            }
        } catch (const std::exception&) {
            problem = fmt::format("bad value for {}: {}", arg, value);
            return false;
        }
    }
    if (o.data.empty() || o.edges.empty() || o.pairs.empty()) {
        problem = "--data, --edges and --pairs are required";
        return false;
    }
    if (!(o.lambda >= 0) || o.count < 1) {
        problem = "--lambda must be >= 0 and --count >= 1";
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

    auto started = std::chrono::steady_clock::now();
    auto store = store::open_sqlite_store(o.data);
    services::AnalysisService analysis(*store, *store);
    services::RoutingService routing_service(*store, *store, analysis);
    auto prepared = routing_service.prepare();
    if (!prepared) return usage(prepared.error().message);
    auto graph = routing_service.graph();
    if (!graph || graph->walk.node_count() < 2) return usage("the data folder has no streets");
    const auto& walk = graph->walk;
    double prepare_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    routing::Metric metric{o.lambda, o.level};
    {
        auto out = fmt::output_file(o.edges.string());
        out.print("id,source,target,cost,reverse_cost\n");
        for (routing::EdgeId e = 0; e < walk.edge_count(); ++e) {
            const auto& edge = walk.edge(e);
            double w = metric.weight(edge);
            out.print("{},{},{},{:.17g},{:.17g}\n", e + 1, edge.from + 1, edge.to + 1, w, w);
        }
    }

    std::mt19937_64 rng(o.seed);
    std::uniform_int_distribution<routing::NodeId> node(
        0, static_cast<routing::NodeId>(walk.node_count() - 1));
    routing::AltSearch search(walk, graph->landmarks);
    std::set<std::pair<routing::NodeId, routing::NodeId>> chosen;
    auto out = fmt::output_file(o.pairs.string());
    out.print("source,target,cost\n");
    int written = 0;
    for (int attempt = 0; written < o.count && attempt < 100 * o.count; ++attempt) {
        routing::NodeId a = node(rng);
        routing::NodeId b = node(rng);
        if (a == b || walk.component(a) != walk.component(b) || !chosen.insert({a, b}).second)
            continue;
        routing::Seed source{a, 0};
        routing::Seed target{b, 0};
        auto path = search.find(metric, {&source, 1}, {&target, 1});
        if (!path.found()) {
            fmt::print(stderr, "routing_tool: no path between nodes {} and {} of one component\n",
                       a, b);
            return 1;
        }
        out.print("{},{},{:.17g}\n", a + 1, b + 1, path.cost);
        ++written;
    }
    out.close();
    if (written < o.count) return usage("could not find enough connected pairs");
    fmt::print(stderr,
               "routing_tool: {} nodes, {} edges, {} landmarks, prepared in {:.2f} s; {} pairs at "
               "lambda {} level {}\n",
               walk.node_count(), walk.edge_count(), graph->landmarks.count(), prepare_s, written,
               o.lambda, analysis::to_string(o.level));
    return 0;
}
