#include "store/store_copy.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include <fmt/core.h>

#include "store/encoding/packed_geometry.hpp"
#include "store/photo_files.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/places.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace sightline::store {
namespace {

// How a column is read from SQLite, sent to PostgreSQL and checksummed on both sides.
enum class Kind { integer, real, text, blob, boolean };

struct Column {
    const char* name;
    Kind kind;
};

// A table as both schemas have it (PostgreSQL's generated columns left out). `order` keys the
// rows the same way on both sides, so the checksums can be compared.
struct Table {
    const char* name;
    std::vector<Column> columns;
    const char* order;
    const char* sequence_column = "id";  // nullptr: no serial id
};

constexpr Kind I = Kind::integer, R = Kind::real, T = Kind::text, B = Kind::blob, O = Kind::boolean;

// In dependency order (foreign keys point backwards).
const std::vector<Table>& tables() {
    static const std::vector<Table> all{
        {"cameras",
         {{"id", I},
          {"lat", R},
          {"lon", R},
          {"status", T},
          {"kind", T},
          {"confirmations", I},
          {"first_seen", I},
          {"last_verified", I},
          {"updated_at", I},
          {"osm_type", T},
          {"osm_id", I},
          {"osm_version", I},
          {"osm_timestamp", I},
          {"tags", T},
          {"locally_modified_at", I}},
         "id"},
        {"reports",
         {{"id", I},
          {"lat", R},
          {"lon", R},
          {"accuracy_m", R},
          {"directions", T},
          {"tags", T},
          {"note", T},
          {"status", T},
          {"camera_id", I},
          {"withdraw_hash", T},
          {"created_at", I},
          {"decided_at", I},
          {"decision_reason", T},
          {"flags", T}},
         "id"},
        {"camera_reports", {{"camera_id", I}, {"report_id", I}}, "camera_id, report_id", nullptr},
        {"camera_history",
         {{"id", I},
          {"camera_id", I},
          {"at", I},
          {"action", T},
          {"actor", T},
          {"detail", T},
          {"report_id", I}},
         "id"},
        {"users",
         {{"id", I},
          {"name", T},
          {"role", T},
          {"password_hash", T},
          {"disabled", O},
          {"created_at", I}},
         "id"},
        {"sessions",
         {{"token_hash", T}, {"user_id", I}, {"csrf_token", T}, {"expires_at", I}},
         "token_hash",
         nullptr},
        {"audit_events",
         {{"id", I}, {"at", I}, {"actor", T}, {"action", T}, {"subject", T}, {"reason", T}},
         "id"},
        {"photos",
         {{"sha256", T},
          {"format", T},
          {"width", I},
          {"height", I},
          {"byte_size", I},
          {"faces_blurred", I},
          {"perceptual_hash", I}},
         "sha256",
         nullptr},
        {"report_photos",
         {{"report_id", I}, {"position", I}, {"sha256", T}},
         "report_id, position",
         nullptr},
        {"camera_checks",
         {{"id", I},
          {"camera_id", I},
          {"present", O},
          {"note", T},
          {"status", T},
          {"created_at", I},
          {"decided_at", I},
          {"decision_reason", T}},
         "id"},
        {"check_photos", {{"check_id", I}, {"sha256", T}}, "check_id, sha256", nullptr},
        {"streets",
         {{"id", I}, {"osm_way_id", I}, {"highway", T}, {"name", T}, {"points", B}},
         "id"},
        {"areas",
         {{"id", I},
          {"osm_id", I},
          {"from_relation", O},
          {"kind", T},
          {"name", T},
          {"height_m", R},
          {"rings", B}},
         "id"},
        {"import_runs",
         {{"id", I},
          {"at", I},
          {"source_name", T},
          {"west", R},
          {"south", R},
          {"east", R},
          {"north", R},
          {"cameras_new", I},
          {"cameras_updated", I},
          {"cameras_unchanged", I},
          {"cameras_removed", I},
          {"cameras_conflicts", I},
          {"streets", I},
          {"buildings", I},
          {"water", I},
          {"parks", I},
          {"place", T}},
         "id"},
        {"places",
         {{"id", I},
          {"kind", T},
          {"name", T},
          {"housenumber", T},
          {"street", T},
          {"type", T},
          {"context", T},
          {"names", T},
          {"lat", R},
          {"lon", R},
          {"words", T}},
         "id"},
        {"districts",
         {{"id", I},
          {"osm_type", T},
          {"osm_id", I},
          {"admin_level", I},
          {"name", T},
          {"names", T},
          {"complete", O},
          {"west", R},
          {"south", R},
          {"east", R},
          {"north", R},
          {"polygons", B}},
         "id"},
        {"campaigns",
         {{"id", I},
          {"name", T},
          {"unit", T},
          {"answers_needed", I},
          {"west", R},
          {"south", R},
          {"east", R},
          {"north", R},
          {"created_at", I}},
         "id"},
        {"survey_tasks",
         {{"id", I},
          {"campaign_id", I},
          {"lat", R},
          {"lon", R},
          {"west", R},
          {"south", R},
          {"east", R},
          {"north", R},
          {"state", T},
          {"held_until", I},
          {"cameras", I},
          {"surveyed_at", I},
          {"answers", I}},
         "id"},
        {"survey_answers",
         {{"id", I},
          {"task_id", I},
          {"at", I},
          {"cameras", I},
          {"report_ids", T},
          {"answer_id", T}},
         "id"},
        {"sources",
         {{"id", I},
          {"name", T},
          {"file_name", T},
          {"imported_at", I},
          {"max_distance_m", R},
          {"max_angle_deg", R},
          {"unplaced_rows", I},
          {"matched_version", I}},
         "id"},
        {"source_entries",
         {{"id", I},
          {"source_id", I},
          {"line", I},
          {"lat", R},
          {"lon", R},
          {"directions", T},
          {"location_text", T},
          {"label", T},
          {"state", T},
          {"camera_id", I},
          {"distance_m", R},
          {"candidates", T},
          {"reason", T},
          {"matched_at", I},
          {"decided", O},
          {"decided_camera", I},
          {"decided_by", T},
          {"decided_at", I}},
         "id"},
    };
    return all;
}

// The box columns PostgreSQL keeps for streets and areas: computed from the geometry itself
// (SQLite's, migration 13, are the old R*Trees' 32-bit floats for rows imported before it).
bool has_bounds(std::string_view table) {
    return table == "streets" || table == "areas";
}

// FNV-1a over the rows' canonical bytes: each value as a kind tag, its length and its bytes.
class Checksum {
  public:
    void add(char tag, std::string_view bytes) {
        mix(static_cast<unsigned char>(tag));
        for (int shift = 0; shift < 64; shift += 8)
            mix(static_cast<unsigned char>(bytes.size() >> shift));
        for (char c : bytes)
            mix(static_cast<unsigned char>(c));
    }
    [[nodiscard]] std::uint64_t value() const noexcept { return m_hash; }

  private:
    void mix(unsigned char byte) {
        m_hash ^= byte;
        m_hash *= 0x100000001b3ULL;
    }
    std::uint64_t m_hash = 0xcbf29ce484222325ULL;
};

std::string number_text(std::int64_t v) {
    return fmt::format("{}", v);
}

std::string number_text(double v) {
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
    return std::string(buffer, end);
}

std::string select_sql(const Table& table) {
    std::string sql = "SELECT ";
    for (std::size_t i = 0; i < table.columns.size(); ++i)
        sql += fmt::format("{}{}", i ? ", " : "", table.columns[i].name);
    return sql + fmt::format(" FROM {} ORDER BY {}", table.name, table.order);
}

std::string column_list(const Table& table) {
    std::string out;
    for (std::size_t i = 0; i < table.columns.size(); ++i)
        out += fmt::format("{}{}", i ? ", " : "", table.columns[i].name);
    if (has_bounds(table.name)) out += ", west, south, east, north";
    return out;
}

geo::BBox bounds_of(std::string_view table, std::string_view geometry) {
    if (table == "streets") return encoding::box_of(encoding::read_points(geometry));
    auto rings = encoding::read_rings(geometry);
    if (rings.empty()) throw sightline::Exception("an area without rings");
    return encoding::box_of(rings[0]);
}

// Reads one table from SQLite and sends it to PostgreSQL's COPY, checksumming what it sends.
CopiedTable copy_table(sqlite::Connection& from, postgres::Connection& to, const Table& table) {
    CopiedTable out{table.name, 0, 0};
    Checksum sum;
    auto select = from.prepare(select_sql(table));
    const std::string copy = fmt::format("COPY {} ({}) FROM STDIN", table.name, column_list(table));
    to.copy_in(copy, [&](postgres::CopySink& sink) {
        postgres::CopyRows rows;
        while (select.step()) {
            std::string_view geometry;
            for (std::size_t i = 0; i < table.columns.size(); ++i) {
                const int c = static_cast<int>(i);
                if (select.is_null(c)) {
                    rows.add(std::nullopt);
                    sum.add('N', {});
                    continue;
                }
                switch (table.columns[i].kind) {
                    case Kind::integer:
                        rows.add(select.int64(c));
                        sum.add('I', number_text(select.int64(c)));
                        break;
                    case Kind::real:
                        rows.add(select.real(c));
                        sum.add('R', number_text(select.real(c)));
                        break;
                    case Kind::text:
                        rows.add(select.text(c));
                        sum.add('T', select.text(c));
                        break;
                    case Kind::blob:
                        geometry = select.text(c);
                        rows.add(postgres::Bytes{geometry});
                        sum.add('B', geometry);
                        break;
                    case Kind::boolean:
                        rows.add(select.int64(c) != 0);
                        sum.add('O', select.int64(c) != 0 ? "1" : "0");
                        break;
                }
            }
            if (has_bounds(table.name)) {
                auto box = bounds_of(table.name, geometry);
                for (double v : {box.west, box.south, box.east, box.north}) {
                    rows.add(v);
                    sum.add('R', number_text(v));
                }
            }
            rows.end_row();
            ++out.rows;
            if (rows.size() > (1u << 20)) sink.write(rows);
        }
        if (!rows.empty()) sink.write(rows);
    });
    out.checksum = sum.value();
    return out;
}

// ORDER BY for PostgreSQL: text keys in byte order, as SQLite sorts them, whatever the
// database's collation.
std::string pg_order(const Table& table) {
    std::string out;
    std::string_view rest = table.order;
    while (!rest.empty()) {
        auto comma = rest.find(',');
        auto name = rest.substr(0, comma);
        while (name.starts_with(' '))
            name.remove_prefix(1);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        bool text = false;
        for (const auto& column : table.columns)
            if (name == column.name) text = column.kind == Kind::text;
        out += fmt::format("{}{}{}", out.empty() ? "" : ", ", name, text ? " COLLATE \"C\"" : "");
    }
    return out;
}

// The same canonical bytes, from what PostgreSQL now holds (read through a cursor, a page at a
// time, inside the copy's transaction).
CopiedTable read_back(postgres::Connection& db, const Table& table) {
    CopiedTable out{table.name, 0, 0};
    Checksum sum;
    db.execute(fmt::format("DECLARE copy_check NO SCROLL CURSOR FOR SELECT {} FROM {} ORDER BY {}",
                           column_list(table), table.name, pg_order(table)));
    const int columns = static_cast<int>(table.columns.size()) + (has_bounds(table.name) ? 4 : 0);
    while (true) {
        auto rows = db.run("FETCH 10000 FROM copy_check");
        if (rows.empty()) break;
        for (int r = 0; r < rows.size(); ++r) {
            for (int c = 0; c < columns; ++c) {
                if (rows.is_null(r, c)) {
                    sum.add('N', {});
                    continue;
                }
                const Kind kind = c < static_cast<int>(table.columns.size())
                                      ? table.columns[static_cast<std::size_t>(c)].kind
                                      : Kind::real;
                switch (kind) {
                    case Kind::integer:
                        sum.add('I', number_text(rows.int64(r, c)));
                        break;
                    case Kind::real:
                        sum.add('R', number_text(rows.real(r, c)));
                        break;
                    case Kind::text:
                        sum.add('T', rows.text(r, c));
                        break;
                    case Kind::blob:
                        sum.add('B', rows.bytes(r, c));
                        break;
                    case Kind::boolean:
                        sum.add('O', rows.boolean(r, c) ? "1" : "0");
                        break;
                }
            }
            ++out.rows;
        }
    }
    db.execute("CLOSE copy_check");
    out.checksum = sum.value();
    return out;
}

std::string_view extension_of(std::string_view format) {
    if (format == "png") return "png";
    if (format == "webp") return "webp";
    if (format == "heif") return "heic";
    return "jpg";
}

// Photo bytes: from the files of the SQLite instance into photo_bytes.
void copy_photo_bytes(sqlite::Connection& from, const std::filesystem::path& photo_dir,
                      postgres::Connection& to, CopySummary& summary) {
    PhotoFiles files(photo_dir);
    auto select = from.prepare("SELECT sha256, format FROM photos ORDER BY sha256");
    to.copy_in("COPY photo_bytes (sha256, variant, extension, bytes) FROM STDIN",
               [&](postgres::CopySink& sink) {
                   postgres::CopyRows rows;
                   while (select.step()) {
                       const std::string hash = select.string(0);
                       const auto extension = extension_of(select.text(1));
                       auto image = files.read(hash, extension, PhotoVariant::image);
                       if (!image) {
                           ++summary.photos_missing;
                           continue;
                       }
                       summary.photo_bytes += static_cast<std::int64_t>(image->size());
                       rows.add(hash).add("image").add(extension).add(postgres::Bytes{*image});
                       rows.end_row();
                       if (auto thumb = files.read(hash, extension, PhotoVariant::thumbnail)) {
                           summary.photo_bytes += static_cast<std::int64_t>(thumb->size());
                           rows.add(hash).add("thumbnail").add("webp").add(postgres::Bytes{*thumb});
                           rows.end_row();
                       }
                       sink.write(rows);
                   }
               });
}

std::optional<std::string> sqlite_meta(sqlite::Connection& db, const char* key) {
    auto stmt = db.prepare("SELECT value FROM meta WHERE key = ?1");
    stmt.bind(1, key);
    if (!stmt.step() || stmt.is_null(0)) return std::nullopt;
    return stmt.string(0);
}

}  // namespace

Result<CopySummary> copy_sqlite_to_postgres(const std::filesystem::path& sqlite_dir,
                                            const std::string& conninfo,
                                            const CopyProgress& progress) {
    const auto database = sqlite_dir / "sightline.db";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(database, ec))
        return fail(Errc::not_found,
                    fmt::format("no SQLite store in {} (no sightline.db)", sqlite_dir.string()));
    // Both schemas current: the source migrated by opening it, the target created.
    open_sqlite_store(sqlite_dir, SqliteOptions{.create_if_missing = false});
    open_postgres_store(conninfo, PostgresOptions{.connections = 1});

    postgres::Connection to(conninfo);
    {
        auto held = to.run(
            "SELECT (SELECT count(*) FROM cameras) + (SELECT count(*) FROM reports) + "
            "(SELECT count(*) FROM users) + (SELECT count(*) FROM audit_events) + "
            "(SELECT count(*) FROM streets) + (SELECT count(*) FROM places) + "
            "(SELECT count(*) FROM campaigns) + (SELECT count(*) FROM sources)");
        if (held.int64(0, 0) > 0)
            return fail(Errc::conflict,
                        fmt::format("{} already holds data; store copy fills only an empty "
                                    "database (nothing was changed)",
                                    postgres::redact_conninfo(conninfo)));
    }

    sqlite::Connection from(database, sqlite::OpenOptions{.read_only = true, .create = false});
    from.execute("PRAGMA busy_timeout = 5000");
    sqlite::Transaction snapshot(from, sqlite::Transaction::Mode::deferred);

    CopySummary summary;
    postgres::Transaction tx(to);
    for (const auto& table : tables()) {
        summary.tables.push_back(copy_table(from, to, table));
        if (table.sequence_column)
            to.execute(fmt::format(
                "SELECT setval(pg_get_serial_sequence('{0}', '{1}'), "
                "greatest((SELECT max({1}) FROM {0}), 1), (SELECT max({1}) FROM {0}) IS NOT NULL)",
                table.name, table.sequence_column));
        if (progress) progress(table.name, summary.tables.back().rows);
    }
    postgres::refresh_place_index(to, 0);
    copy_photo_bytes(from, sqlite_dir / "photos", to, summary);
    if (progress) progress("photo_bytes", summary.photo_bytes);

    // The change counters go on from where they were (caches beside either store compare them
    // with the data set's id, which moves too: the data set is the same).
    for (const char* counter : {"camera_version", "map_version", "survey_version"})
        if (auto value = sqlite_meta(from, counter))
            to.run("UPDATE counters SET value = $2::bigint WHERE name = $1", counter, *value);
    if (auto id = sqlite_meta(from, "data_id"))
        to.run("UPDATE meta SET value = $1 WHERE key = 'data_id'", *id);

    for (const auto& sent : summary.tables) {
        const auto& table = *std::find_if(tables().begin(), tables().end(),
                                          [&](const Table& t) { return t.name == sent.name; });
        auto stored = read_back(to, table);
        if (stored.rows != sent.rows || stored.checksum != sent.checksum)
            throw sightline::Exception(fmt::format(
                "store copy: table {} differs after the copy ({} rows sent, {} stored; checksum "
                "{:016x} vs {:016x}); nothing was committed",
                sent.name, sent.rows, stored.rows, sent.checksum, stored.checksum));
    }
    tx.commit();
    return summary;
}

}  // namespace sightline::store
