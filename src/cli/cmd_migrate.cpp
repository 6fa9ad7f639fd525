// sightline migrate: create or upgrade the database schema.

#include <fmt/core.h>

#include "cli/command.hpp"
#include "cli/commands_list.hpp"

namespace sightline::cli {
namespace {

class MigrateCommand final : public Command {
  public:
    std::string_view name() const override { return "migrate"; }
    std::string_view summary() const override { return "create or upgrade the database schema"; }
    std::string help() const override {
        return "Usage: sightline migrate [--data DIR | --store URL]\n\n"
               "Creates the schema or applies pending migrations (every command that opens the\n"
               "store does this too) and prints the schema version. With PostgreSQL, run it once\n"
               "before starting several servers; the PostGIS extension must be available.\n\n" +
               format_options({data_option(), store_option()});
    }
    Status parse(const std::vector<std::string>& args) override {
        auto parsed = parse_args(args, {data_option(), store_option()});
        if (!parsed) return std::unexpected(parsed.error());
        m_args = *parsed;
        if (!m_args.positionals.empty())
            return fail(Errc::invalid_argument, "migrate takes no arguments");
        return {};
    }
    int run() override {
        auto store = open_store_from(m_args);
        fmt::print("schema version {} at {}\n", store->schema_version(), store->describe());
        return 0;
    }

  private:
    ParsedArgs m_args;
};

}  // namespace

std::unique_ptr<Command> make_migrate_command() {
    return std::make_unique<MigrateCommand>();
}

}  // namespace sightline::cli
