// sightline backup DEST: a consistent copy of the live database.

#include <filesystem>

#include <fmt/core.h>

#include "cli/command.hpp"
#include "cli/commands_list.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace sightline::cli {
namespace {

class BackupCommand final : public Command {
  public:
    std::string_view name() const override { return "backup"; }
    std::string_view summary() const override { return "consistent copy of the live database"; }
    std::string help() const override {
        return "Usage: sightline backup DEST [--data DIR]\n\n"
               "Copies the database to DEST with SQLite's online backup API: safe while 'serve' "
               "runs,\n"
               "and the copy is consistent. DEST must not exist.\n\n" +
               format_options({data_option(), store_option()});
    }
    Status parse(const std::vector<std::string>& args) override {
        auto parsed = parse_args(args, {data_option(), store_option()});
        if (!parsed) return std::unexpected(parsed.error());
        m_args = *parsed;
        if (m_args.positionals.size() != 1)
            return fail(Errc::invalid_argument, "give exactly one DEST file");
        return {};
    }
    int run() override {
        std::filesystem::path dest = m_args.positionals[0];
        if (std::filesystem::exists(dest))
            return report_error(
                "backup",
                Error{Errc::conflict, fmt::format("{} exists; choose a new name", dest.string())});
        auto url = store_url_from(m_args);
        if (!url) return report_error("backup", url.error());
        if (url->kind != store::StoreKind::sqlite)
            return report_error("backup",
                                Error{Errc::invalid_argument,
                                      "backup copies a SQLite store; for PostgreSQL use pg_dump "
                                      "(see docs/deploy.md)"});
        auto store = store::open_sqlite_store(url->sqlite_dir);
        if (auto ok = store->backup_to(dest); !ok) return report_error("backup", ok.error());
        fmt::print("backed up to {}\n", dest.string());
        return 0;
    }

  private:
    ParsedArgs m_args;
};

}  // namespace

std::unique_ptr<Command> make_backup_command() {
    return std::make_unique<BackupCommand>();
}

}  // namespace sightline::cli
