// sightline import-list FILE --source NAME: an official list of camera locations, compared with
// the crowd's map (issue 14, docs/adr/016). All rows or none.

#include <filesystem>

#include <fmt/core.h>

#include "cli/command.hpp"
#include "cli/commands_list.hpp"
#include "cli/read_file.hpp"
#include "services/search_service.hpp"
#include "services/source_service.hpp"

namespace sightline::cli {
namespace {

constexpr std::size_t max_list_bytes = 64u << 20;

class ImportListCommand final : public Command {
  public:
    std::string_view name() const override { return "import-list"; }
    std::string_view summary() const override {
        return "import an official list and compare it with the crowd's cameras";
    }
    std::string help() const override {
        return "Usage: sightline import-list FILE --source NAME [--lat COL --lon COL | --address "
               "COL]\n"
               "       [--direction COL] [--label COL] [--max-distance M] [--max-angle DEG] "
               "[--dry-run]\n\n"
               "Stores an official list of camera locations (CSV, comma or semicolon separated) "
               "as a\n"
               "source named NAME, and matches its entries with the crowd's cameras (reports and "
               "OpenStreetMap;\n"
               "the entries do not become cameras). Each row gives coordinates (columns lat/lon "
               "found by name\n"
               "unless given) or, with --address, an address that is placed on the imported map "
               "only when the\n"
               "best search hit has the same house number and street. Rows that cannot be placed "
               "are listed\n"
               "with their line numbers and left out, never guessed. Any other bad row (a "
               "coordinate that is\n"
               "not a number, a bad direction) stores nothing. An entry and a camera are the "
               "same when they\n"
               "are within --max-distance and, if both have a direction, within --max-angle of "
               "each other;\n"
               "unclear cases go to moderators (docs/adr/016-matching-official-lists.md).\n\n" +
               format_options(specs());
    }
    Status parse(const std::vector<std::string>& args) override {
        auto parsed = parse_args(args, specs());
        if (!parsed) return std::unexpected(parsed.error());
        m_args = *parsed;
        if (m_args.positionals.size() != 1)
            return fail(Errc::invalid_argument, "give exactly one CSV FILE (or - for stdin)");
        m_file = m_args.positionals[0];
        auto source = m_args.value("source");
        if (!source || source->empty())
            return fail(Errc::invalid_argument, "name the list with --source NAME");
        m_options.source_name = *source;
        m_options.file_name =
            m_file == "-" ? std::string() : std::filesystem::path(m_file).filename().string();
        m_options.lat_column = m_args.value("lat");
        m_options.lon_column = m_args.value("lon");
        m_options.address_column = m_args.value("address");
        m_options.direction_column = m_args.value("direction");
        m_options.label_column = m_args.value("label");
        if (m_options.address_column && (m_options.lat_column || m_options.lon_column))
            return fail(Errc::invalid_argument, "give --address or --lat/--lon, not both");
        if (auto text = m_args.value("max-distance")) {
            auto v = parse_number("--max-distance", *text, 0, 1000, LowerBound::exclusive);
            if (!v) return std::unexpected(v.error());
            m_options.max_distance_m = *v;
        }
        if (auto text = m_args.value("max-angle")) {
            auto v = parse_number("--max-angle", *text, 0, 180);
            if (!v) return std::unexpected(v.error());
            m_options.max_angle_deg = *v;
        }
        return {};
    }
    int run() override {
        auto text = read_file(m_file, max_list_bytes);
        if (!text) return report_error("import-list", text.error());
        const bool dry_run = m_args.has("dry-run");
        // A dry run must not create a data folder or a database that is not there.
        store::OpenOptions options;
        options.create_if_missing = !dry_run;
        auto store = open_store_from(m_args, options);
        services::SearchService search(*store, *store);
        services::SourceService sources(*store, *store, search);
        if (m_options.address_column && store->place_count() == 0)
            return report_error("import-list",
                                Error{Errc::invalid_argument,
                                      "no addresses to place the list on: import a map with "
                                      "addresses first (sightline import)"});
        auto result = sources.import_list(*text, m_options, dry_run, "cli");
        if (!result) return report_error("import-list", result.error());
        for (const auto& row : result->unplaced)
            fmt::print("line {}: not placed: \"{}\" ({})\n", row.line, row.address, row.why);
        const auto& c = result->counts;
        fmt::print(
            "{} '{}': {} rows, {} entries placed, {} not placed\n"
            "both: {}, only on the list: {}, only the crowd's: {}, ambiguous: {}\n",
            dry_run ? "would import (dry run)" : fmt::format("imported list {}", result->id.value),
            m_options.source_name, result->rows, result->entries, result->unplaced.size(), c.both,
            c.only_list, c.only_crowd, c.ambiguous);
        return 0;
    }

  private:
    static std::vector<OptionSpec> specs() {
        return {
            data_option(),
            store_option(),
            {"source", "NAME", "name of the list, e.g. \"Police list 2021\" (required, unique)"},
            {"lat", "COL", "latitude column (default lat, latitude or y)"},
            {"lon", "COL", "longitude column (default lon, lng, long, longitude or x)"},
            {"address", "COL", "address column, placed through the search index instead"},
            {"direction", "COL", "viewing direction column (default direction, if present)"},
            {"label", "COL", "name or number of an entry (default name, if present)"},
            {"max-distance", "M",
             "metres between an entry and the same camera, above 0 and up to 1000 (default "
             "30)"},
            {"max-angle", "DEG",
             "degrees between their directions when both have one, 0 to 180 (default 60)"},
            {"dry-run", "", "read, place and match, store nothing"}};
    }
    ParsedArgs m_args;
    std::string m_file;
    services::ListImportOptions m_options;
};

}  // namespace

std::unique_ptr<Command> make_import_list_command() {
    return std::make_unique<ImportListCommand>();
}

}  // namespace sightline::cli
