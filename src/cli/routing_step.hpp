#pragma once
// The routing step of the commands that change the map or the cameras (import, import-csv,
// import-list): brings the prepared routing data (DATA/routing.bin) up to date at their end, so
// that the next `serve` or `route` maps it instead of building it (docs/adr/010). With
// PostgreSQL the file is this machine's cache, made when the data folder exists.

#include <filesystem>

#include "cli/args.hpp"
#include "store/backend.hpp"

namespace sightline::cli {

/// --no-routing: leave the routing data to the next serve or route.
OptionSpec no_routing_option();

/// Unless --no-routing: prepares the routing data of `store` in the data folder, with progress on
/// stderr (as the command's) and one line on stdout. A failure is reported on stderr and left to
/// the next serve or route (the command's change is made); nothing is returned.
void prepare_routing_data(std::string_view command, const ParsedArgs& args, store::Backend& store);

}  // namespace sightline::cli
