// Seeds a data folder for tests/web/history.mjs with camera histories at known past times, through
// the store's own methods (the path the unit tests take): the CLI and the API can only act now.
//
//   history_seed DATA_DIR   -> prints {"a": ID, "b": ID, "c": ID}
//
// Near tests/fixtures/osm/search.osm (Belgrade), all reports and decisions at 12:00 UTC:
//   A fixed    reported 2024-03-08, accepted 2024-03-10
//   C panning  reported 2024-06-01, accepted 2024-06-03, removed 2024-09-15
//   B dome     reported 2025-01-18, accepted 2025-01-20 (the test removes it now, by the API)
#include <cstdio>
#include <string>

#include "store/sqlite/sqlite_store.hpp"

namespace {

using namespace sightline;

constexpr std::int64_t day_s = 86400;
// Days from 1970-01-01 to a civil date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}
std::int64_t noon(int y, unsigned m, unsigned d) {
    return days_from_civil(y, m, d) * day_s + 12 * 3600;
}

model::CameraId accept(store::Store& s, geo::LatLon where, const char* type, std::int64_t reported,
                       std::int64_t accepted) {
    model::NewReport r;
    r.location = where;
    r.tags = {{"man_made", "surveillance"}, {"surveillance:type", "camera"}, {"camera:type", type}};
    auto report = s.insert_report(r, std::string(64, 'a'), reported);
    if (!report) throw std::runtime_error(report.error().message);
    auto camera = s.accept_report(*report, {"seed", "", accepted});
    if (!camera) throw std::runtime_error(camera.error().message);
    return camera->id;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: history_seed DATA_DIR\n");
        return 2;
    }
    try {
        auto s = store::open_sqlite_store(argv[1]);
        auto a = accept(*s, {44.81370, 20.46120}, "fixed", noon(2024, 3, 8), noon(2024, 3, 10));
        auto c = accept(*s, {44.81320, 20.46100}, "panning", noon(2024, 6, 1), noon(2024, 6, 3));
        if (auto removed = s->remove_camera(c, {"seed", "taken down", noon(2024, 9, 15)}); !removed)
            throw std::runtime_error(removed.error().message);
        auto b = accept(*s, {44.81340, 20.46170}, "dome", noon(2025, 1, 18), noon(2025, 1, 20));
        std::printf("{\"a\": %lld, \"b\": %lld, \"c\": %lld}\n", static_cast<long long>(a.value),
                    static_cast<long long>(b.value), static_cast<long long>(c.value));
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "history_seed: %s\n", e.what());
        return 1;
    }
}
