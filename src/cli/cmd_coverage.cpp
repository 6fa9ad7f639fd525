// sightline coverage --bbox W,S,E,N | --districts FILE: how much of the walkable street network
// the registry's cameras see, per grid cell or per district.

#include <chrono>
#include <cstdio>

#include <fmt/core.h>

#include "analysis/district_file.hpp"
#include "cli/command.hpp"
#include "cli/commands_list.hpp"
#include "cli/progress_bar.hpp"
#include "cli/read_file.hpp"
#include "cli/table_text.hpp"
#include "core/clock.hpp"
#include "services/analysis_json.hpp"
#include "services/analysis_service.hpp"
#include "services/campaign_service.hpp"

namespace sightline::cli {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t max_districts_bytes = 20 * 1024 * 1024;
// The cell sizes AnalysisService::coverage accepts, refused here with the option's name.
constexpr double min_cell_m = services::AnalysisOptions{}.min_cell_m;
constexpr double max_cell_m = 100'000;
constexpr std::int64_t max_threads = 256;

void print_levels(const services::LevelMetres& m, double total) {
    fmt::print("  {:<10} {:>12} {:>8}\n", "level", "metres", "share");
    for (std::size_t i = 0; i < analysis::dori_level_count; ++i)
        fmt::print("  {:<10} {:>12.0f} {:>8}\n",
                   analysis::to_string(static_cast<analysis::DoriLevel>(i)), m[i],
                   percent(m[i], total));
}

class CoverageCommand final : public Command {
  public:
    std::string_view name() const override { return "coverage"; }
    std::string_view summary() const override {
        return "share of the walkable streets of an area that cameras see";
    }
    std::string help() const override {
        return "Usage: sightline coverage --bbox W,S,E,N | --districts FILE.geojson [--cell M]\n"
               "                          [--format table|json|geojson] [--data DIR]\n\n"
               "Measures the walkable street length inside the area (streets from `sightline\n"
               "import`) and how much of it the registry's cameras see at each DORI level\n"
               "(IEC 62676-4: detect, observe, recognise, identify; see docs/camera-model.md).\n"
               "Buildings occlude; without an OSM import there are no streets to measure.\n"
               "Each level counts what is seen at that level or finer.\n\n"
               "--bbox is west,south,east,north in degrees, as everywhere in Sightline. With\n"
               "--districts (GeoJSON Polygon/MultiPolygon features, named by their \"name\"\n"
               "property) the result is per district instead of per grid cell.\n\n"
               "table (default) prints the totals; json adds every cell; geojson writes the\n"
               "cells (or districts) as polygons for a map. Progress goes to stderr when it is\n"
               "a terminal.\n\n" +
               format_options(specs());
    }
    Status parse(const std::vector<std::string>& args) override {
        auto parsed = parse_args(args, specs());
        if (!parsed) return std::unexpected(parsed.error());
        m_args = *parsed;
        if (!m_args.positionals.empty())
            return fail(Errc::invalid_argument, "unexpected argument " + m_args.positionals[0]);
        if (m_args.has("bbox") == m_args.has("districts"))
            return fail(Errc::invalid_argument, "give either --bbox W,S,E,N or --districts FILE");
        if (auto b = m_args.value("bbox")) {
            auto box = geo::parse_bbox(*b);
            if (!box) return std::unexpected(box.error());
            m_request.bbox = *box;
        }
        if (auto c = m_args.value("cell")) {
            auto cell = parse_number("--cell", *c, min_cell_m, max_cell_m);
            if (!cell) return std::unexpected(cell.error());
            m_request.cell_m = *cell;
        }
        if (auto t = m_args.value("threads")) {
            auto n = parse_integer("--threads", *t, 1, max_threads);
            if (!n) return std::unexpected(n.error());
            m_request.threads = static_cast<unsigned>(*n);
        }
        m_format = m_args.value("format").value_or("table");
        if (m_format != "table" && m_format != "json" && m_format != "geojson")
            return fail(Errc::invalid_argument, "--format is table, json or geojson");
        return {};
    }
    int run() override {
        if (auto file = m_args.value("districts")) {
            auto text = read_file(*file, max_districts_bytes);
            if (!text) return report_error("coverage", text.error());
            auto districts = analysis::parse_districts_geojson(*text);
            if (!districts)
                return report_error("coverage",
                                    Error{districts.error().code,
                                          fmt::format("{}: {}", *file, districts.error().message)});
            m_request.districts = std::move(*districts);
        }
        auto store = open_store_from(m_args);
        services::AnalysisOptions options;
        options.max_area_km2 = 2'500;  // local use: the operator's own machine and patience
        services::AnalysisService analysis(*store, *store, options);
        ProgressBar progress;
        if (show_progress(m_args))
            m_request.progress = [&](std::string_view phase, std::size_t done, std::size_t total) {
                progress.count(phase, done, total);
            };
        auto started = Clock::now();
        auto report = analysis.coverage(m_request);
        progress.finish();
        if (!report) return report_error("coverage", report.error());
        if (m_request.bbox) {
            services::CampaignService campaigns(*store, *store);
            auto surveyed = campaigns.surveyed_length(*m_request.bbox, unix_now());
            report->surveyed_share =
                surveyed.street_m > 0 ? surveyed.surveyed_m / surveyed.street_m : 0;
        }
        double seconds = std::chrono::duration<double>(Clock::now() - started).count();

        if (m_format == "json") {
            fmt::print("{}\n", services::coverage_json(*report));
            return 0;
        }
        if (m_format == "geojson") {
            fmt::print("{}\n",
                       services::coverage_geojson(
                           *report, m_request.districts.empty() ? nullptr : &m_request.districts));
            return 0;
        }
        const auto& r = *report;
        fmt::print("area {:.6f},{:.6f},{:.6f},{:.6f} ({:.2f} km²)\n", r.bbox.west, r.bbox.south,
                   r.bbox.east, r.bbox.north, r.bbox.area_km2());
        fmt::print("cameras: {} seeing into the area ({} skipped: unreadable tags)\n", r.cameras,
                   r.cameras_skipped);
        fmt::print("viewsheds: {} computed, {} from cache; {} buildings\n", r.viewsheds_computed,
                   r.viewsheds_cached, r.buildings);
        fmt::print("walkable streets: {:.2f} km\n", r.street_m / 1000);
        print_levels(r.by_level_m, r.street_m);
        if (r.surveyed_share)
            fmt::print("surveyed by campaigns (no older than their stale age): {:.1f} %\n",
                       100 * *r.surveyed_share);
        if (!m_request.districts.empty()) {
            fmt::print("\n  {:<24} {:>10} {:>9} {:>9} {:>9} {:>9}\n", "district", "street m",
                       "detect", "observe", "recognise", "identify");
            for (const auto& d : r.cells)
                fmt::print(
                    "  {:<24} {:>10.0f} {:>9} {:>9} {:>9} {:>9}\n", d.name, d.street_m,
                    percent(d.by_level_m[0], d.street_m), percent(d.by_level_m[1], d.street_m),
                    percent(d.by_level_m[2], d.street_m), percent(d.by_level_m[3], d.street_m));
        } else {
            fmt::print(
                "grid: {} cells of {:.0f} m with streets (--format json or geojson lists "
                "them)\n",
                r.cells.size(), r.cell_m);
        }
        fmt::print(stderr, "measured in {:.2f} s\n", seconds);
        return 0;
    }

  private:
    static std::vector<OptionSpec> specs() {
        return {data_option(),
                store_option(),
                {"bbox", "W,S,E,N", "the area, degrees west,south,east,north"},
                {"districts", "FILE", "GeoJSON polygons: one result per district"},
                {"cell", "M", "grid cell size in metres, 10 to 100000 (default 100)"},
                {"format", "FORMAT", "table (default), json or geojson"},
                {"threads", "N", "viewshed threads, 1 to 256 (default: all cores)"},
                {"quiet", "", "no progress bar"}};
    }
    ParsedArgs m_args;
    services::CoverageRequest m_request;
    std::string m_format;
};

}  // namespace

std::unique_ptr<Command> make_coverage_command() {
    return std::make_unique<CoverageCommand>();
}

}  // namespace sightline::cli
