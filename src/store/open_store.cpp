#include "store/open_store.hpp"

#include "store/postgres/connection.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace sightline::store {

Result<StoreUrl> parse_store_url(std::string_view url) {
    StoreUrl out;
    if (url.starts_with("sqlite:")) {
        auto dir = url.substr(7);
        if (dir.starts_with("//")) dir.remove_prefix(2);  // sqlite://DIR reads as sqlite:DIR
        if (dir.empty()) return fail(Errc::invalid_argument, "--store sqlite: needs a folder");
        out.kind = StoreKind::sqlite;
        out.sqlite_dir = std::filesystem::path(std::string(dir));
        return out;
    }
    if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
        out.kind = StoreKind::postgresql;
        out.conninfo = std::string(url);
        return out;
    }
    return fail(Errc::invalid_argument,
                "--store must be sqlite:DIR or postgresql://[user@]host[:port]/database");
}

std::string open_store_description(const StoreUrl& url) {
    if (url.kind == StoreKind::sqlite) return "sqlite:" + url.sqlite_dir.string();
    return postgres::redact_conninfo(url.conninfo);
}

std::unique_ptr<Backend> open_store(const StoreUrl& url, const OpenOptions& options) {
    if (url.kind == StoreKind::postgresql) {
        PostgresOptions pg;
        pg.connections = options.connections;
        pg.migrate = options.migrate;
        return open_postgres_store(url.conninfo, pg);
    }
    SqliteOptions sqlite;
    sqlite.create_if_missing = options.create_if_missing;
    sqlite.synchronous_full = options.synchronous_full;
    sqlite.read_connections = options.connections > 0 ? std::min(options.connections, 4) : 4;
    sqlite.memory_map = options.memory_map;
    sqlite.rollback_journal_if_new = options.rollback_journal_if_new;
    return open_sqlite_store(url.sqlite_dir, sqlite);
}

}  // namespace sightline::store
