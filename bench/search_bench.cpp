// Place search latency (issue 15): SearchService::search over queries read from a file, one per
// line "LAT,LON<TAB>TEXT" (the point biases the search, as the map centre does in the app).
// Prints p50/p99/mean in milliseconds and the share of queries with at least one hit.
//   build/bench/search_bench DATA_DIR QUERIES.tsv
// bench/search_bench.sh makes the queries and runs PostgreSQL pg_trgm on the same names.

#include <algorithm>
#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "geo/lat_lon_text.hpp"
#include "services/search_service.hpp"
#include "store/sqlite/sqlite_store.hpp"

int main(int argc, char** argv) {
    using namespace sightline;
    if (argc != 3) {
        fmt::print(stderr, "usage: search_bench DATA_DIR QUERIES.tsv\n");
        return 2;
    }
    auto store = store::open_sqlite_store(argv[1]);
    services::SearchService search(*store, *store);
    std::vector<services::SearchRequest> requests;
    std::ifstream in(argv[2]);
    std::string line;
    while (std::getline(in, line)) {
        const auto tab = line.find('\t');
        if (tab == std::string::npos) continue;
        services::SearchRequest request;
        if (auto point = geo::parse_lat_lon(line.substr(0, tab), "point")) request.near = *point;
        request.text = line.substr(tab + 1);
        request.limit = 10;
        requests.push_back(std::move(request));
    }
    if (requests.empty()) {
        fmt::print(stderr, "no queries in {}\n", argv[2]);
        return 2;
    }
    for (const auto& r : requests)  // warm the page cache
        (void)search.search(r);
    std::vector<double> ms;
    std::vector<std::pair<double, std::string>> slowest;
    std::size_t found = 0;
    for (const auto& r : requests) {
        const auto start = std::chrono::steady_clock::now();
        auto hits = search.search(r);
        ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count());
        slowest.emplace_back(ms.back(), r.text);
        found += hits && !hits->empty();
    }
    std::sort(slowest.rbegin(), slowest.rend());
    for (std::size_t i = 0; i < 5 && i < slowest.size(); ++i)
        fmt::print(stderr, "slow: {:.1f} ms \"{}\"\n", slowest[i].first, slowest[i].second);
    std::sort(ms.begin(), ms.end());
    double sum = 0;
    for (double v : ms)
        sum += v;
    auto at = [&ms](double q) {
        return ms[std::min(ms.size() - 1,
                           static_cast<std::size_t>(q * static_cast<double>(ms.size())))];
    };
    fmt::print("queries={} p50_ms={:.3f} p99_ms={:.3f} mean_ms={:.3f} found={:.3f}\n", ms.size(),
               at(0.5), at(0.99), sum / static_cast<double>(ms.size()),
               static_cast<double>(found) / static_cast<double>(ms.size()));
    return 0;
}
