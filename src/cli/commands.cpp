#include <cstdlib>

#include <fmt/core.h>

#include "cli/command.hpp"
#include "cli/commands_list.hpp"
#include "store/open_store.hpp"

namespace sightline::cli {

std::vector<std::unique_ptr<Command>> all_commands() {
    std::vector<std::unique_ptr<Command>> commands;
    commands.push_back(make_serve_command());
    commands.push_back(make_user_command());
    commands.push_back(make_import_command());
    commands.push_back(make_import_csv_command());
    commands.push_back(make_import_list_command());
    commands.push_back(make_export_command());
    commands.push_back(make_tiles_command());
    commands.push_back(make_scrub_command());
    commands.push_back(make_coverage_command());
    commands.push_back(make_exposure_command());
    commands.push_back(make_districts_command());
    commands.push_back(make_report_command());
    commands.push_back(make_campaigns_command());
    commands.push_back(make_route_command());
    commands.push_back(make_search_command());
    commands.push_back(make_stats_command());
    commands.push_back(make_backup_command());
    commands.push_back(make_migrate_command());
    commands.push_back(make_store_command());
    return commands;
}

std::string data_dir_from(const ParsedArgs& args) {
    if (auto v = args.value("data")) return *v;
    if (const char* env = std::getenv("SIGHTLINE_DATA"); env && *env) return env;
    return "var";
}

OptionSpec data_option() {
    return {"data", "DIR", "data folder holding sightline.db (env SIGHTLINE_DATA; default ./var)"};
}

OptionSpec store_option() {
    return {"store", "URL",
            "sqlite:DIR or postgresql://[user@]host[:port]/db (env SIGHTLINE_STORE; default "
            "sqlite: and the data folder)"};
}

Result<store::StoreUrl> store_url_from(const ParsedArgs& args) {
    if (auto v = args.value("store")) return store::parse_store_url(*v);
    if (const char* env = std::getenv("SIGHTLINE_STORE"); env && *env)
        return store::parse_store_url(env);
    return store::StoreUrl{store::StoreKind::sqlite, data_dir_from(args), {}};
}

std::unique_ptr<store::Backend> open_store_from(const ParsedArgs& args,
                                                const store::OpenOptions& options) {
    auto url = store_url_from(args);
    if (!url) throw sightline::Exception(url.error().message);
    return store::open_store(*url, options);
}

int report_error(std::string_view command, const Error& error) {
    fmt::print(stderr, "sightline {}: {}\n", command, error.message);
    return exit_code(error.code);
}

}  // namespace sightline::cli
