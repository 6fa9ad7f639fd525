#pragma once
// Factories of the subcommands; one per cmd_*.cpp file.

#include <memory>

#include "cli/command.hpp"

namespace sightline::cli {

std::unique_ptr<Command> make_serve_command();
std::unique_ptr<Command> make_user_command();
std::unique_ptr<Command> make_import_csv_command();
std::unique_ptr<Command> make_import_list_command();
std::unique_ptr<Command> make_export_command();
std::unique_ptr<Command> make_backup_command();
std::unique_ptr<Command> make_migrate_command();
std::unique_ptr<Command> make_import_command();
std::unique_ptr<Command> make_tiles_command();
std::unique_ptr<Command> make_scrub_command();
std::unique_ptr<Command> make_coverage_command();
std::unique_ptr<Command> make_exposure_command();
std::unique_ptr<Command> make_route_command();
std::unique_ptr<Command> make_search_command();
std::unique_ptr<Command> make_districts_command();
std::unique_ptr<Command> make_report_command();
std::unique_ptr<Command> make_campaigns_command();
std::unique_ptr<Command> make_stats_command();
std::unique_ptr<Command> make_store_command();

}  // namespace sightline::cli
