// sightline store copy --from sqlite:DIR --to postgresql://...: move a whole instance.

#include <fmt/core.h>

#include "cli/command.hpp"
#include "cli/commands_list.hpp"
#include "cli/progress_bar.hpp"
#include "store/open_store.hpp"
#include "store/store_copy.hpp"

namespace sightline::cli {
namespace {

std::vector<OptionSpec> specs() {
    return {data_option(),
            {"from", "URL", "the store to copy: sqlite:DIR (default: sqlite: and the data folder)"},
            {"to", "URL", "an empty PostgreSQL database: postgresql://[user@]host[:port]/db"},
            {"quiet", "", "print only the summary"}};
}

class StoreCommand final : public Command {
  public:
    std::string_view name() const override { return "store"; }
    std::string_view summary() const override {
        return "copy a whole SQLite instance into PostgreSQL";
    }
    std::string help() const override {
        return "Usage: sightline store copy [--from sqlite:DIR | --data DIR] --to "
               "postgresql://USER@HOST/DB\n\n"
               "Copies everything of a SQLite instance into an empty PostgreSQL database (with\n"
               "PostGIS available): cameras with their history, reports, photos (records and\n"
               "bytes), users with their password hashes, sessions, the audit log, imported map\n"
               "data with its search index, campaigns and official lists, keeping every id. One\n"
               "transaction: it refuses a database that already holds data, and compares row\n"
               "counts and checksums of every table before it commits, so it either copies\n"
               "everything or nothing. Stop the server of the SQLite instance first, or reports\n"
               "made during the copy stay behind. See docs/deploy.md.\n\n" +
               format_options(specs());
    }
    Status parse(const std::vector<std::string>& args) override {
        auto parsed = parse_args(args, specs());
        if (!parsed) return std::unexpected(parsed.error());
        m_args = *parsed;
        const auto& p = m_args.positionals;
        if (p.size() != 1 || p[0] != "copy")
            return fail(Errc::invalid_argument, "say what to do: store copy --from URL --to URL");
        auto to = m_args.value("to");
        if (!to) return fail(Errc::invalid_argument, "store copy needs --to postgresql://...");
        const std::string from = m_args.value("from").value_or("sqlite:" + data_dir_from(m_args));
        auto source = store::parse_store_url(from);
        if (!source) return fail(Errc::invalid_argument, "--from: " + source.error().message);
        auto target = store::parse_store_url(*to);
        if (!target) return fail(Errc::invalid_argument, "--to: " + target.error().message);
        if (source->kind != store::StoreKind::sqlite ||
            target->kind != store::StoreKind::postgresql)
            return fail(Errc::invalid_argument,
                        "store copy copies from sqlite:DIR to postgresql://... (for a copy of "
                        "a PostgreSQL database use pg_dump and pg_restore)");
        m_from = *source;
        m_to = *target;
        return {};
    }
    int run() override {
        const bool quiet = m_args.has("quiet");
        auto copied = store::copy_sqlite_to_postgres(
            m_from.sqlite_dir, m_to.conninfo, [&](std::string_view table, std::int64_t rows) {
                if (!quiet) fmt::print(stderr, "copied {}: {}\n", table, rows);
            });
        if (!copied) return report_error("store", copied.error());
        std::int64_t rows = 0;
        for (const auto& table : copied->tables)
            rows += table.rows;
        fmt::print(
            "copied {} rows in {} tables and {} bytes of photos into {}; counts and "
            "checksums match\n",
            rows, copied->tables.size(), copied->photo_bytes, store::open_store_description(m_to));
        for (const auto& table : copied->tables)
            if (table.rows > 0) fmt::print("  {:<16} {:>10}\n", table.name, table.rows);
        if (copied->photos_missing > 0)
            fmt::print("warning: {} photo records had no image file in {}/photos\n",
                       copied->photos_missing, m_from.sqlite_dir.string());
        return 0;
    }

  private:
    ParsedArgs m_args;
    store::StoreUrl m_from;
    store::StoreUrl m_to;
};

}  // namespace

std::unique_ptr<Command> make_store_command() {
    return std::make_unique<StoreCommand>();
}

}  // namespace sightline::cli
