#pragma once
// One subcommand: parse() checks the arguments without I/O, run() does the work.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli/args.hpp"
#include "core/error.hpp"

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

/// Prints "sightline <command>: <message>" to stderr and returns the exit code for the error.
int report_error(std::string_view command, const Error& error);

}  // namespace sightline::cli
