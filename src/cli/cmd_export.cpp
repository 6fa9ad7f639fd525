// sightline export geojson|csv|kml|gpkg|osm|osc [--out FILE]: open data from the registry, and
// what a mapper can take back to OpenStreetMap.

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <unistd.h>

#include <fmt/core.h>

#include "cli/command.hpp"
#include "cli/commands_list.hpp"
#include "core/clock.hpp"
#include "osm/osm_xml_writer.hpp"
#include "services/camera_dumps.hpp"
#include "services/camera_json.hpp"

namespace sightline::cli {
namespace {

struct FileCloser {
    void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

class ExportCommand final : public Command {
  public:
    std::string_view name() const override { return "export"; }
    std::string_view summary() const override {
        return "write all cameras as GeoJSON, CSV, KML, GeoPackage, OSM XML or osmChange";
    }
    std::string help() const override {
        return "Usage: sightline export geojson|csv|kml|gpkg|osm|osc [--out FILE] [--data DIR]\n\n"
               "geojson, csv, kml, gpkg: every camera (removed ones too, with their status).\n"
               "     GeoJSON, KML, GeoPackage and OSM XML state the data licence (ODbL 1.0 where\n"
               "     derived from OpenStreetMap) and when they were made; CSV has only its "
               "header.\n"
               "gpkg: a GeoPackage 1.3 (layer \"cameras\", EPSG:4326). It is a database file,\n"
               "     so it needs --out FILE; it is not written to standard output.\n"
               "osm: OSM XML 0.6 of every non-removed camera; cameras from OSM nodes keep their\n"
               "     id and version, the others get negative ids (open it in JOSM).\n"
               "osc: osmChange 0.6 of what changed here since the last `sightline import`:\n"
               "     <create> for new cameras (negative ids), <modify> for OSM cameras changed by\n"
               "     moderators, <delete> for OSM cameras they removed. Review it in JOSM before\n"
               "     uploading.\n\n"
               "Output goes to FILE, or to standard output. FILE is written under a temporary\n"
               "name and renamed when complete, so it is never left half-written.\n\n" +
               format_options(specs());
    }
    Status parse(const std::vector<std::string>& args) override {
        auto parsed = parse_args(args, specs());
        if (!parsed) return std::unexpected(parsed.error());
        m_args = *parsed;
        constexpr std::array<std::string_view, 6> formats{"geojson", "csv", "kml",
                                                          "gpkg",    "osm", "osc"};
        if (m_args.positionals.size() != 1 ||
            std::ranges::find(formats, m_args.positionals[0]) == formats.end())
            return fail(Errc::invalid_argument,
                        "say which format: geojson, csv, kml, gpkg, osm or osc");
        m_format = m_args.positionals[0];
        auto out = m_args.value("out");
        if (m_format == "gpkg" && (!out || *out == "-"))
            return fail(Errc::invalid_argument,
                        "a GeoPackage is a database file, not a stream: give --out FILE.gpkg");
        return {};
    }
    int run() override {
        auto store = open_store_from(m_args);
        auto out_path = m_args.value("out");
        if (m_format == "gpkg") return write_gpkg(*store, *out_path);
        std::unique_ptr<std::FILE, FileCloser> file;
        std::string temp_path;
        std::FILE* out = stdout;
        if (out_path && *out_path != "-") {
            temp_path = *out_path + ".partial";
            file.reset(std::fopen(temp_path.c_str(), "wb"));
            if (!file) {
                fmt::print(stderr, "sightline export: cannot write {}: {}\n", temp_path,
                           std::strerror(errno));
                return 1;
            }
            out = file.get();
        }
        bool write_failed = false;
        auto sink = [&](std::string_view part) {
            if (std::fwrite(part.data(), 1, part.size(), out) != part.size()) write_failed = true;
        };
        std::int64_t count = 0;
        std::string what = "cameras";
        if (m_format == "geojson") {
            count = services::geojson_export(*store, *store, unix_now()).drain(sink);
        } else if (m_format == "kml") {
            count = services::kml_export(*store, unix_now()).drain(sink);
        } else if (m_format == "csv") {
            count = services::csv_export(*store, *store).drain(sink);
        } else if (m_format == "osm") {
            count = osm::osm_xml_export(*store, unix_now()).drain(sink);
        } else {
            auto c = osm::write_osm_change(store->cameras_changed_since_import(), sink);
            count = c.created + c.modified + c.deleted;
            what = fmt::format("changes ({} create, {} modify, {} delete; {} way cameras left out)",
                               c.created, c.modified, c.deleted, c.skipped);
        }
        if (std::fflush(out) != 0) write_failed = true;
        if (file) {
            if (fsync(fileno(file.get())) != 0) write_failed = true;
            file.reset();
            if (write_failed) {
                std::filesystem::remove(temp_path);
                fmt::print(stderr, "sightline export: writing {} failed (disk full?)\n", *out_path);
                return 1;
            }
            std::filesystem::rename(temp_path, *out_path);
        } else if (write_failed) {
            return 1;
        }
        fmt::print(stderr, "exported {} {}\n", count, what);
        return 0;
    }

  private:
    // Same promise as the text formats: written under a temporary name, renamed when complete.
    static int write_gpkg(store::Store& store, const std::string& out_path) {
        const std::string temp_path = out_path + ".partial";
        std::int64_t count = 0;
        try {
            count = services::write_geopackage(store, temp_path, unix_now());
        } catch (const sightline::Exception& e) {
            std::error_code ec;
            std::filesystem::remove(temp_path, ec);
            fmt::print(stderr, "sightline export: writing {} failed: {}\n", out_path, e.what());
            return 1;
        }
        std::filesystem::rename(temp_path, out_path);
        fmt::print(stderr, "exported {} cameras\n", count);
        return 0;
    }
    static std::vector<OptionSpec> specs() {
        return {data_option(),
                store_option(),
                {"out", "FILE", "write here instead of standard output"}};
    }
    ParsedArgs m_args;
    std::string m_format;
};

}  // namespace

std::unique_ptr<Command> make_export_command() {
    return std::make_unique<ExportCommand>();
}

}  // namespace sightline::cli
