#pragma once
// The routing step of the commands that change the map or the cameras (import, import-csv):
// brings the prepared routing data (DATA/routing.bin) up to date at their end, so that the next
// `serve` or `route` maps it instead of building it (docs/adr/010). With PostgreSQL the file is
// this machine's cache, made when the data folder exists.

#include <string_view>

#include "cli/args.hpp"

namespace sightline::cli {

/// --no-routing: leave the routing data to the next serve or route.
OptionSpec no_routing_option();

/// Unless --no-routing: prepares the routing data of the arguments' store in the data folder,
/// with progress on stderr (as the command's) and one line on stdout. It opens the store again,
/// without SQLite's memory map, so that reading a whole country's streets and buildings does not
/// add them to the process's memory (call it after closing the command's store). A failure is
/// reported on stderr and left to the next serve or route (the command's change is made).
void prepare_routing_data(std::string_view command, const ParsedArgs& args);

}  // namespace sightline::cli
