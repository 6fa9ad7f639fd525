// sightline: one binary, many subcommands. Exceptions (environment failures) end here.

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "cli/command.hpp"
#include "core/version.hpp"

namespace {

void print_usage(const std::vector<std::unique_ptr<sightline::cli::Command>>& commands) {
    fmt::print(
        "sightline {} - makes public video surveillance visible, measurable and avoidable\n\n"
        "Usage: sightline COMMAND [OPTIONS]\n\nCommands:\n",
        sightline::version);
    for (const auto& c : commands)
        fmt::print("  {:<12} {}\n", c->name(), c->summary());
    fmt::print("\nRun 'sightline COMMAND --help' for a command's options.\n");
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    auto commands = sightline::cli::all_commands();
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        print_usage(commands);
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version" || args[0] == "version") {
        fmt::print("sightline {}\n", sightline::version);
        return 0;
    }
    for (auto& command : commands) {
        if (command->name() != args[0]) continue;
        std::vector<std::string> rest(args.begin() + 1, args.end());
        for (const auto& a : rest) {
            if (a == "--help" || a == "-h") {
                fmt::print("{}", command->help());
                return 0;
            }
            if (a == "--") break;
        }
        try {
            if (auto ok = command->parse(rest); !ok)
                return sightline::cli::report_error(command->name(), ok.error());
            return command->run();
        } catch (const std::exception& e) {
            fmt::print(stderr, "sightline {}: {}\n", command->name(), e.what());
            return 1;
        }
    }
    fmt::print(stderr, "sightline: unknown command '{}' (see sightline --help)\n", args[0]);
    return 2;
}
