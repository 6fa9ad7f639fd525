// sightline import-csv FILE: cameras from a CSV file, all rows or none.

#include <cstdio>
#include <filesystem>

#include <fmt/core.h>

#include "cli/command.hpp"
#include "cli/commands_list.hpp"
#include "cli/read_file.hpp"
#include "cli/routing_step.hpp"
#include "services/csv_import.hpp"

namespace sightline::cli {
namespace {

constexpr std::size_t max_csv_bytes = 512u << 20;

Result<std::pair<std::string, std::string>> split_assignment(const std::string& text,
                                                             std::string_view option) {
    auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
        return fail(Errc::invalid_argument,
                    fmt::format("--{} takes KEY=VALUE, got '{}'", option, text));
    return std::pair{text.substr(0, eq), text.substr(eq + 1)};
}

class ImportCsvCommand final : public Command {
  public:
    std::string_view name() const override { return "import-csv"; }
    std::string_view summary() const override { return "import cameras from a CSV file"; }
    std::string help() const override {
        return "Usage: sightline import-csv FILE [--lat COL] [--lon COL] [--tag KEY=COL]... [--set "
               "KEY=VALUE]...\n\n"
               "Every row becomes a camera (man_made=surveillance) in one transaction: if any row "
               "is\n"
               "invalid nothing is imported and the row is named. Latitude/longitude columns are "
               "found\n"
               "by name (lat, latitude, y / lon, lng, longitude, x) unless given. Decimal commas "
               "are\n"
               "accepted. Example (City of Zagreb list):\n"
               "  sightline import-csv zagreb.csv --lat Latitude --lon Longitude \\\n"
               "      --tag addr:full=Adress --tag start_date=Year --set "
               "surveillance:type=camera\n\n"
               "Then the routing data in DATA/routing.bin is brought up to date with the new\n"
               "cameras (as at the end of `sightline import`); --no-routing leaves that to the\n"
               "next serve or route.\n\n" +
               format_options(specs());
    }
    Status parse(const std::vector<std::string>& args) override {
        auto parsed = parse_args(args, specs());
        if (!parsed) return std::unexpected(parsed.error());
        m_args = *parsed;
        if (m_args.positionals.size() != 1)
            return fail(Errc::invalid_argument, "give exactly one CSV FILE (or - for stdin)");
        m_file = m_args.positionals[0];
        // The cameras' source (their history and "sources" say which list they came from).
        m_source_name = m_args.value("source").value_or(
            m_file == "-" ? std::string() : std::filesystem::path(m_file).filename().string());
        m_mapping.lat_column = m_args.value("lat");
        m_mapping.lon_column = m_args.value("lon");
        for (const auto& t : m_args.all("tag")) {
            auto kv = split_assignment(t, "tag");
            if (!kv) return std::unexpected(kv.error());
            m_mapping.tag_columns.push_back(*kv);
        }
        for (const auto& t : m_args.all("set")) {
            auto kv = split_assignment(t, "set");
            if (!kv) return std::unexpected(kv.error());
            m_mapping.constant_tags[kv->first] = kv->second;
        }
        if (auto status = m_args.value("status")) {
            auto s = model::parse_camera_status(*status);
            if (!s) return std::unexpected(s.error());
            m_mapping.status = *s;
        }
        return {};
    }
    int run() override {
        auto text = read_file(m_file, max_csv_bytes);
        if (!text) return report_error("import-csv", text.error());
        std::vector<std::string> unmapped;
        if (m_args.has("dry-run")) {
            auto cameras = services::cameras_from_csv(*text, m_mapping, &unmapped);
            if (!cameras) return report_error("import-csv", cameras.error());
            fmt::print("{} cameras would be imported (dry run)\n", cameras->size());
        } else {
            auto store = open_store_from(m_args);
            auto summary = services::import_csv(*store, *text, m_mapping, "cli", m_source_name);
            if (!summary) return report_error("import-csv", summary.error());
            unmapped = summary->unmapped_columns;
            fmt::print("imported {} cameras\n", summary->imported);
            std::fflush(stdout);
            store.reset();
            prepare_routing_data("import-csv", m_args);
        }
        if (!unmapped.empty()) {
            std::string list;
            for (const auto& c : unmapped)
                list += (list.empty() ? "" : ", ") + c;
            fmt::print(stderr, "note: columns not imported: {} (map them with --tag KEY=COLUMN)\n",
                       list);
        }
        return 0;
    }

  private:
    static std::vector<OptionSpec> specs() {
        return {data_option(),
                store_option(),
                {"lat", "COL", "latitude column"},
                {"lon", "COL", "longitude column"},
                {"tag", "KEY=COL", "tag KEY from column COL (repeatable)", true},
                {"set", "KEY=VALUE", "tag KEY=VALUE on every camera (repeatable)", true},
                {"status", "STATUS", "status of the imported cameras (default verified)"},
                {"source", "NAME",
                 "name of the list, recorded as the cameras' source (default: the file's name)"},
                {"dry-run", "", "check the file and count, store nothing"},
                no_routing_option()};
    }
    ParsedArgs m_args;
    std::string m_file;
    services::CsvMapping m_mapping;
    std::string m_source_name;
};

}  // namespace

std::unique_ptr<Command> make_import_csv_command() {
    return std::make_unique<ImportCsvCommand>();
}

}  // namespace sightline::cli
