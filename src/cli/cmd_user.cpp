// sightline user add|list|disable|enable: moderator and admin accounts.

#include <termios.h>
#include <unistd.h>

#include <iostream>

#include <fmt/core.h>

#include "cli/command.hpp"
#include "cli/commands_list.hpp"
#include "core/clock.hpp"
#include "services/auth_service.hpp"

namespace sightline::cli {
namespace {

/// Reads a line with terminal echo off (restored even on error).
std::string read_hidden_line(std::string_view prompt) {
    fmt::print(stderr, "{}", prompt);
    termios old_mode{};
    bool is_terminal = tcgetattr(STDIN_FILENO, &old_mode) == 0;
    if (is_terminal) {
        termios silent = old_mode;
        silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &silent);
    }
    std::string line;
    std::getline(std::cin, line);
    if (is_terminal) tcsetattr(STDIN_FILENO, TCSANOW, &old_mode);
    fmt::print(stderr, "\n");
    return line;
}

Result<std::string> read_password(bool from_stdin) {
    if (from_stdin) {
        std::string line;
        if (!std::getline(std::cin, line))
            return fail(Errc::invalid_argument, "no password on standard input");
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return line;
    }
    if (!isatty(STDIN_FILENO))
        return fail(Errc::invalid_argument,
                    "standard input is not a terminal: pass the password with --password-stdin");
    std::string first = read_hidden_line("Password: ");
    std::string second = read_hidden_line("Repeat password: ");
    if (first != second) return fail(Errc::invalid_argument, "the passwords differ");
    return first;
}

class UserCommand final : public Command {
  public:
    std::string_view name() const override { return "user"; }
    std::string_view summary() const override {
        return "add, list, disable or enable moderator accounts";
    }
    std::string help() const override {
        return "Usage:\n"
               "  sightline user add NAME --role moderator|admin [--password-stdin] [--data DIR]\n"
               "  sightline user list [--data DIR]\n"
               "  sightline user disable NAME [--data DIR]\n"
               "  sightline user enable NAME [--data DIR]\n\n"
               "'add' asks for the password twice on a terminal, or reads one line from standard\n"
               "input with --password-stdin. Passwords need at least 10 characters and are stored\n"
               "as argon2id hashes. Disabling a user ends their sessions.\n\n" +
               format_options(specs());
    }
    Status parse(const std::vector<std::string>& args) override {
        auto parsed = parse_args(args, specs());
        if (!parsed) return std::unexpected(parsed.error());
        m_args = *parsed;
        const auto& pos = m_args.positionals;
        if (pos.empty())
            return fail(Errc::invalid_argument,
                        "say what to do: add, list, disable or enable (see --help)");
        m_action = pos[0];
        if (m_action == "list") {
            if (pos.size() != 1) return fail(Errc::invalid_argument, "'user list' takes no name");
        } else if (m_action == "add" || m_action == "disable" || m_action == "enable") {
            if (pos.size() != 2)
                return fail(Errc::invalid_argument,
                            fmt::format("'user {}' needs exactly one NAME", m_action));
            m_name = pos[1];
            if (auto ok = model::validate_user_name(m_name); !ok) return ok;
        } else {
            return fail(Errc::invalid_argument,
                        fmt::format("unknown action '{}' (add, list, disable, enable)", m_action));
        }
        if (m_action == "add") {
            auto role = m_args.value("role");
            if (!role)
                return fail(Errc::invalid_argument,
                            "'user add' needs --role moderator or --role admin");
            auto parsed_role = model::parse_role(*role);
            if (!parsed_role) return std::unexpected(parsed_role.error());
            m_role = *parsed_role;
        } else if (m_args.has("role") || m_args.has("password-stdin")) {
            return fail(Errc::invalid_argument,
                        "--role and --password-stdin go with 'user add' only");
        }
        return {};
    }
    int run() override {
        auto store = open_store_from(m_args);
        services::AuthService auth(*store);
        if (m_action == "list") {
            fmt::print("{:<24} {:<10} {:<9} {}\n", "NAME", "ROLE", "STATUS", "CREATED");
            for (const auto& u : auth.list_users())
                fmt::print("{:<24} {:<10} {:<9} {}\n", u.name, model::to_string(u.role),
                           u.disabled ? "disabled" : "active", format_utc(u.created_at));
            return 0;
        }
        if (m_action == "add") {
            auto password = read_password(m_args.has("password-stdin"));
            if (!password) return report_error("user", password.error());
            auto id = auth.add_user(m_name, m_role, *password, "cli");
            if (!id) return report_error("user", id.error());
            fmt::print("added {} ({})\n", m_name, model::to_string(m_role));
            return 0;
        }
        bool disable = m_action == "disable";
        if (auto ok = auth.set_disabled(m_name, disable, "cli"); !ok)
            return report_error("user", ok.error());
        fmt::print("{} {}\n", disable ? "disabled" : "enabled", m_name);
        return 0;
    }

  private:
    static std::vector<OptionSpec> specs() {
        return {data_option(),
                store_option(),
                {"role", "ROLE", "moderator or admin (with 'add')"},
                {"password-stdin", "",
                 "read the password from the first line of standard input (with 'add')"}};
    }
    ParsedArgs m_args;
    std::string m_action;
    std::string m_name;
    model::Role m_role = model::Role::moderator;
};

}  // namespace

std::unique_ptr<Command> make_user_command() {
    return std::make_unique<UserCommand>();
}

}  // namespace sightline::cli
