#pragma once
// One subcommand: parse() checks the arguments without I/O, run() does the work.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli/args.hpp"
#include "core/error.hpp"
#include "store/backend.hpp"
#include "store/open_store.hpp"

namespace sightline::cli {

class Command {
  public:
    virtual ~Command() = default;
    [[nodiscard]] virtual std::string_view name() const = 0;
    [[nodiscard]] virtual std::string_view summary() const = 0;
    /// Full --help text.
    [[nodiscard]] virtual std::string help() const = 0;
    virtual Status parse(const std::vector<std::string>& args) = 0;
    /// Returns the process exit code. Expected failures print "sightline NAME: message".
    virtual int run() = 0;
};

/// Every command, in the order `sightline --help` lists them (registered in commands.cpp).
std::vector<std::unique_ptr<Command>> all_commands();

/// The data folder: --data, else $SIGHTLINE_DATA, else ./var.
std::string data_dir_from(const ParsedArgs& args);
/// The --data option every command takes.
OptionSpec data_option();
/// The --store option of every command that opens the store.
OptionSpec store_option();
/// --store, else $SIGHTLINE_STORE, else sqlite: and the data folder. invalid_argument for a URL
/// that is neither sqlite:DIR nor postgresql://...
Result<store::StoreUrl> store_url_from(const ParsedArgs& args);
/// Opens (and migrates) the store the arguments name. Throws sightline::Exception (a bad URL,
/// an unreachable server), which main() prints.
std::unique_ptr<store::Backend> open_store_from(const ParsedArgs& args,
                                                const store::OpenOptions& options = {});

/// Prints "sightline <command>: <message>" to stderr and returns the exit code for the error.
int report_error(std::string_view command, const Error& error);

}  // namespace sightline::cli
