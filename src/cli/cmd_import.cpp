// sightline import FILE: an OpenStreetMap extract (cameras, streets, buildings, water, parks),
// written into the store while it is read, in one transaction committed once it was all read.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <optional>
#include <utility>

#include <fmt/core.h>

#include "cli/command.hpp"
#include "cli/commands_list.hpp"
#include "cli/progress_bar.hpp"
#include "cli/routing_step.hpp"
#include "core/clock.hpp"
#include "osm/importer.hpp"
#include "osm/store_import.hpp"

namespace sightline::cli {
namespace {

using Clock = std::chrono::steady_clock;

// "nodes and ways [####......] 12.3/45.6 MB  850k objects/s  ~40 s left", then "places
// [####......] 120k/300k  ~5 s left". For a PBF the MB are the share of its data blocks handled
// (libosmium's reader thread reads far ahead of the decoding); the time left is that of the step
// shown, from its pace so far.
class ImportProgress {
  public:
    void draw(const osm::ReadProgress& p, bool force = false) {
        if (p.pass != m_pass) {
            m_pass = p.pass;
            m_samples.clear();
        }
        const bool places = p.pass == 3;
        const auto [done, total] = places ? std::pair{p.places_written, p.places_total}
                                          : std::pair{p.bytes_read, p.bytes_total};
        const double fraction =
            total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
        const double rate =
            p.elapsed_s > 0 ? static_cast<double>(p.objects) / p.elapsed_s / 1000 : 0.0;
        std::string detail =
            places ? fmt::format("{}k/{}k", p.places_written / 1000, p.places_total / 1000)
                   : fmt::format("{:.1f}/{:.1f} MB  {:.0f}k objects/s",
                                 static_cast<double>(done) / 1e6, static_cast<double>(total) / 1e6,
                                 rate);
        if (const auto left = time_left(p, done, total, places ? 0 : osm::pbf_read_ahead_bytes))
            detail += fmt::format("  ~{:.0f} s left", *left);
        static constexpr const char* labels[] = {"relations", "nodes and ways", "places"};
        m_bar.update(labels[std::clamp(p.pass, 1, 3) - 1], fraction, detail, force);
    }
    void finish() { m_bar.finish(); }

  private:
    // From the pace of the last five seconds (nodes go much faster per MB than ways), counting
    // what the reader holds ahead as still to do.
    std::optional<double> time_left(const osm::ReadProgress& p, std::uint64_t done,
                                    std::uint64_t total, std::uint64_t ahead) {
        m_samples.emplace_back(p.elapsed_s, done);
        while (m_samples.size() > 2 && p.elapsed_s - m_samples[1].first >= 5)
            m_samples.pop_front();
        const auto [then_s, then_done] = m_samples.front();
        if (p.elapsed_s - then_s < 1 || done <= then_done || done >= total) return std::nullopt;
        const double per_s = static_cast<double>(done - then_done) / (p.elapsed_s - then_s);
        return static_cast<double>(total - done + std::min(ahead, done)) / per_s;
    }

    ProgressBar m_bar;
    int m_pass = 0;
    std::deque<std::pair<double, std::uint64_t>> m_samples;  ///< (elapsed s, done) this step
};

class ImportCommand final : public Command {
  public:
    std::string_view name() const override { return "import"; }
    std::string_view summary() const override {
        return "import an OpenStreetMap extract (.osm.pbf, .osm, .osm.bz2, .osm.gz)";
    }
    std::string help() const override {
        return "Usage: sightline import FILE [--district-level N] [--data DIR] [--no-routing]\n"
               "                        [--quiet]\n\n"
               "Reads an OpenStreetMap extract (for example a regional extract from Geofabrik)\n"
               "and stores its surveillance cameras (man_made=surveillance nodes, and ways at\n"
               "their centroid), the walkable street network, building footprints, water and\n"
               "parks, and what `sightline search` finds: addresses, named streets, places and\n"
               "points of interest. It is written in one transaction that commits only once\n"
               "the whole file was read: a bad or truncated file changes nothing (exit 2).\n\n"
               "Importing a newer extract again updates cameras by OSM id and marks those gone\n"
               "from OSM inside the extract's bounds as removed. Cameras that moderators changed\n"
               "since the last import are kept and a conflict is recorded in their history.\n"
               "Streets and areas inside the bounds are replaced; other cities stay.\n\n"
               "Districts are the administrative boundaries (boundary=administrative) at one\n"
               "admin_level: --district-level, else the finest level present among 8-10. A\n"
               "boundary cut off by the extract's edge cannot be closed: it is listed as\n"
               "incomplete and left out of the figures, never guessed.\n\n"
               "Then the routing data (the walking graph with what the cameras see of each\n"
               "street, and its landmarks) is prepared into DATA/routing.bin, so that the next\n"
               "`serve` maps it and answers routes at once; --no-routing leaves that to the next\n"
               "serve or route. With --store postgresql://... it is this machine's cache, made\n"
               "when the data folder exists.\n\n"
               "A progress bar goes to stderr when it is a terminal; the summary to stdout.\n\n" +
               format_options(specs());
    }
    Status parse(const std::vector<std::string>& args) override {
        auto parsed = parse_args(args, specs());
        if (!parsed) return std::unexpected(parsed.error());
        m_args = *parsed;
        if (m_args.positionals.size() != 1)
            return fail(Errc::invalid_argument, "give exactly one OSM FILE");
        m_file = m_args.positionals[0];
        if (auto level = m_args.value("district-level")) {
            auto n = parse_integer("--district-level", *level, 1, 11);
            if (!n) return std::unexpected(n.error());
            m_district_level = static_cast<int>(*n);
        }
        if (!osm::is_osm_file_name(m_file))
            return fail(Errc::invalid_argument,
                        fmt::format("cannot read {}: unknown format (expected .osm.pbf, .osm, "
                                    ".osm.bz2 or .osm.gz)",
                                    m_file));
        return {};
    }
    int run() override {
        ImportProgress bar;
        std::optional<osm::ReadProgress> latest;
        osm::ReadStats stats;
        osm::ImportOptions options;
        options.stats = &stats;
        options.district_level = m_district_level;
        if (show_progress(m_args))
            options.on_progress = [&](const osm::ReadProgress& p) {
                latest = p;
                bar.draw(p);
            };
        auto start = Clock::now();
        // A missing or unreadable file is refused before the data folder is touched.
        if (auto ok = osm::check_osm_file(m_file); !ok) return report_error("import", ok.error());
        const auto data_dir = data_dir_from(m_args);
        // A new data folder's database is written once, not once to a WAL and once back
        // (store::OpenOptions::rollback_journal_if_new); it is in WAL mode once closed.
        auto store = open_store_from(m_args, store::OpenOptions{.rollback_journal_if_new = true});
        // With PostgreSQL the data folder (caches only) may not exist: the system's temporary
        // folder then.
        if (std::error_code ec; std::filesystem::is_directory(data_dir, ec))
            options.temp_dir = data_dir;
        store::Decision decision{"import", "", unix_now()};
        auto summary = osm::import_osm_file(m_file, *store, decision, options);
        if (latest) bar.draw(*latest, /*force=*/true);
        bar.finish();
        if (!summary) return report_error("import", summary.error());
        double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        const auto& s = *summary;
        fmt::print("imported {} in {:.2f} s\n", std::filesystem::path(m_file).filename().string(),
                   seconds);
        fmt::print("cameras: {} new, {} updated, {} unchanged, {} removed, {} conflicts\n",
                   s.cameras_new, s.cameras_updated, s.cameras_unchanged, s.cameras_removed,
                   s.cameras_conflicts);
        fmt::print("streets: {}\nbuildings: {}\nwater: {}\nparks: {}\nsearchable places: {}\n",
                   s.streets, s.buildings, s.water, s.parks, s.places);
        if (s.district_level == 0)
            fmt::print("districts: none (no boundary=administrative at level {})\n",
                       m_district_level != 0 ? fmt::format("{}", m_district_level) : "8-10");
        else
            fmt::print("districts: {} at admin_level {}, {} incomplete (cut off by the edge)\n",
                       s.districts, s.district_level, s.districts_incomplete);
        fmt::print("skipped node refs: {}\ndropped ways: {}\nbroken multipolygons: {}\n",
                   stats.missing_node_refs, stats.dropped_ways, stats.broken_multipolygons);
        std::fflush(stdout);
        store.reset();
        prepare_routing_data("import", m_args);
        return 0;
    }

  private:
    static std::vector<OptionSpec> specs() {
        return {data_option(),
                store_option(),
                {"district-level", "N",
                 "admin_level of the districts (1-11); default: the finest present among 8-10"},
                no_routing_option(),
                {"quiet", "", "no progress bar"}};
    }
    ParsedArgs m_args;
    std::string m_file;
    int m_district_level = 0;
};

}  // namespace

std::unique_ptr<Command> make_import_command() {
    return std::make_unique<ImportCommand>();
}

}  // namespace sightline::cli
