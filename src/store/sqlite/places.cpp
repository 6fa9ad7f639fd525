// Searchable places (issue 15): written by the OSM import, found by words (FTS5) and by
// position (a grid-cell index, migration 12). The words are made by search::index_words, so the
// store, the import and the queries fold text the same way.

#include <algorithm>
#include <cmath>
#include <exception>
#include <string>

#include <fmt/core.h>

#include "geo/distance.hpp"
#include "search/text.hpp"
#include "store/encoding/place_words.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/places.hpp"
#include "store/sqlite/read_pool.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace sightline::store {

using sqlite::Connection;

namespace {

constexpr std::string_view place_columns =
    "SELECT p.kind, p.name, p.housenumber, p.street, p.type, p.context, p.names, p.lat, p.lon, "
    "p.id "
    "FROM places AS p ";

model::Place read_place(const sqlite::Statement& row) {
    model::Place p;
    p.kind = encoding::place_kind_from(row.text(0));
    p.name = row.string(1);
    p.housenumber = row.string(2);
    p.street = row.string(3);
    p.type = row.string(4);
    p.context = row.string(5);
    encoding::read_place_names(p, row.text(6));
    p.location = {row.real(7), row.real(8)};
    return p;
}

// Calls visit(statement) for a statement over the places in `b` ("SELECT ... FROM places AS p
// WHERE p.cell BETWEEN ?1 AND ?2 AND p.lat BETWEEN ?3 AND ?4 AND p.lon BETWEEN ?5 AND ?6 ...")
// once per row of grid cells the box covers, or once over the whole band of rows when that is
// many (an import's bounds): either way the index is read, never the whole table.
template <typename Visit>
void for_each_cell_range(sqlite::Statement& stmt, const geo::BBox& b, const Visit& visit) {
    using sqlite::place_cell_column;
    using sqlite::place_cell_row;
    constexpr std::int64_t max_rows_one_by_one = 32;
    const std::int64_t first_row = place_cell_row(std::max(b.south, -90.0));
    const std::int64_t last_row = place_cell_row(std::min(b.north, 90.0));
    const std::int64_t first_column = place_cell_column(std::max(b.west, -180.0));
    const std::int64_t last_column = place_cell_column(std::min(b.east, 180.0));
    if (first_row > last_row || first_column > last_column) return;
    auto run = [&](std::int64_t from, std::int64_t to) {
        stmt.bind_all(from, to, b.south, b.north, b.west, b.east);
        visit(stmt);
        stmt.reset();
    };
    constexpr int bits = sqlite::place_cell_column_bits;
    if (last_row - first_row >= max_rows_one_by_one) {
        run(first_row << bits, (last_row << bits) | ((std::int64_t{1} << bits) - 1));
        return;
    }
    for (std::int64_t row = first_row; row <= last_row; ++row)
        run((row << bits) | first_column, (row << bits) | last_column);
}

// One FTS5 string: a word quoted (its quotes doubled), with * for a prefix.
void append_term(std::string& out, std::string_view word, bool prefix) {
    out += '"';
    for (char c : word) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    if (prefix) out += '*';
}

}  // namespace

namespace sqlite {

std::int64_t place_cell_row(double lat) {
    return static_cast<std::int64_t>((lat + 90) * 500);
}

std::int64_t place_cell_column(double lon) {
    return static_cast<std::int64_t>((lon + 180) * 500);
}

std::int64_t place_cell(geo::LatLon location) {
    return (place_cell_row(location.lat) << place_cell_column_bits) |
           place_cell_column(location.lon);
}

namespace {

// One row a statement: a statement of several rows opens a statement transaction, and FTS5 writes
// its pending terms out at each (a segment every few rows, then merges: 2.4 times slower).
constexpr std::string_view insert_place_sql =
    "INSERT INTO places (kind, name, housenumber, street, type, context, names, lat, lon, words, "
    "cell) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
// As migration 14 made it.
constexpr const char* create_cell_index_sql = "CREATE INDEX places_cell ON places (cell)";
constexpr std::string_view insert_words_sql =
    "INSERT INTO places_fts (rowid, words) VALUES (?1, ?2)";

// FTS5 keeps the terms of new rows in a hash table until it holds this many bytes, then writes
// them out as a segment, and merges segments as they pile up. Its default (1 MiB) made a country
// import write and merge hundreds of small segments: 32 MiB took a third off the text index's
// time for 1.2 million places, for at most 32 MiB more memory while the import runs.
constexpr std::int64_t load_hash_bytes = std::int64_t{32} << 20;
constexpr std::int64_t default_hash_bytes = std::int64_t{1} << 20;  // FTS5's own default

void set_fts_hash_size(Connection& db, std::int64_t bytes) {
    db.execute(
        fmt::format("INSERT INTO places_fts (places_fts, rank) VALUES ('hashsize', {})", bytes)
            .c_str());
}

}  // namespace

PlaceLoad::PlaceLoad(Connection& db) : m_db(db), m_exceptions_at_start(std::uncaught_exceptions()) {
    auto stmt = db.prepare("SELECT v FROM places_fts_config WHERE k = 'hashsize'");
    m_hash_bytes_before = stmt.step() ? stmt.int64(0) : default_hash_bytes;
    m_rows_before = db.query_int64("SELECT coalesce(max(id), 0) FROM places");
    m_insert_place = db.compile(insert_place_sql);
    m_insert_words = db.compile(insert_words_sql);
    set_fts_hash_size(db, load_hash_bytes);
}

PlaceLoad::~PlaceLoad() {
    if (m_finished || std::uncaught_exceptions() > m_exceptions_at_start) return;
    try {
        restore();
    } catch (const SqliteError&) {
        // The transaction it was set in fails with it, and its rollback restores both.
    }
}

void PlaceLoad::finish() {
    if (m_finished) return;
    restore();
    m_finished = true;
}

void PlaceLoad::restore() {
    if (m_cell_index_dropped) {
        m_db.execute(create_cell_index_sql);
        m_cell_index_dropped = false;
    }
    set_fts_hash_size(m_db, m_hash_bytes_before);
}

bool PlaceLoad::insert(const model::PreparedPlace& prepared) {
    const auto& p = prepared.place;
    // What the table's CHECK constraints ask, which the import turns off (prepare_place() gives
    // words only to such places; a PreparedPlace made otherwise is held to it too).
    if (prepared.words.empty() || !p.location.is_valid() || p.name.empty()) return false;
    if (!m_cell_index_dropped && m_inserted >= m_rows_before && !m_finished) {
        m_db.execute("DROP INDEX places_cell");
        m_cell_index_dropped = true;
    }
    ++m_inserted;
    {
        // The text is bound, not copied: it outlives the Statement, which resets it.
        Statement row(m_insert_place.get(), m_db);
        int column = 0;
        for (std::string_view text :
             {model::to_string(p.kind), std::string_view(p.name), std::string_view(p.housenumber),
              std::string_view(p.street), std::string_view(p.type), std::string_view(p.context),
              std::string_view(prepared.names)})
            row.bind_unowned(++column, text);
        row.bind(8, p.location.lat).bind(9, p.location.lon);
        row.bind_unowned(10, prepared.words).bind(11, place_cell(p.location));
        row.run();
    }
    Statement words(m_insert_words.get(), m_db);
    words.bind(1, m_db.last_insert_rowid()).bind_unowned(2, prepared.words);
    words.run();
    return true;
}

void refresh_place_words(Connection& db) {
    db.execute("DELETE FROM place_words");
    db.execute(
        "INSERT INTO place_words (word) SELECT term FROM places_vocab WHERE term NOT GLOB "
        "'zcell*' AND term <> 'zplace'");
}

void delete_places_in(Connection& db, const geo::BBox& b, std::int64_t last_id) {
    std::vector<std::int64_t> ids;
    {
        auto stmt = db.prepare(
            "SELECT id FROM places WHERE cell BETWEEN ?1 AND ?2 AND lat BETWEEN ?3 AND ?4 AND lon "
            "BETWEEN ?5 AND ?6 AND id <= ?7");
        stmt.bind(7, last_id);
        for_each_cell_range(stmt, b, [&ids](sqlite::Statement& rows) {
            while (rows.step())
                ids.push_back(rows.int64(0));
        });
    }
    for (auto id : ids) {
        auto del = db.prepare("DELETE FROM places WHERE id = ?1");
        del.bind(1, id);
        del.run();
    }
}

std::string settlement_name(Connection& db, const geo::BBox& bounds) {
    auto stmt = db.prepare(
        "SELECT p.name FROM places AS p INDEXED BY places_settlements "
        "WHERE p.lat BETWEEN ?1 AND ?2 AND p.lon BETWEEN ?3 AND ?4 "
        "AND p.kind = 'place' AND p.type IN ('city', 'town', 'municipality', 'village', "
        "'borough', 'suburb') "
        "ORDER BY CASE p.type WHEN 'city' THEN 0 WHEN 'town' THEN 1 WHEN 'municipality' THEN 2 "
        "WHEN 'village' THEN 3 WHEN 'borough' THEN 4 ELSE 5 END, "
        "(p.lat - ?5) * (p.lat - ?5) + (p.lon - ?6) * (p.lon - ?6) LIMIT 1");
    stmt.bind_all(bounds.south, bounds.north, bounds.west, bounds.east,
                  (bounds.south + bounds.north) / 2, (bounds.west + bounds.east) / 2);
    return stmt.step() ? stmt.string(0) : std::string();
}

}  // namespace sqlite

std::vector<model::Place> SqliteStore::find_places(const PlaceQuery& query) {
    std::vector<model::Place> out;
    if (query.words.empty() || query.limit <= 0) return out;
    std::string match;
    for (std::size_t i = 0; i < query.words.size(); ++i) {
        const auto& alternatives = query.words[i];
        if (alternatives.empty()) return out;
        const bool prefix = query.last_is_prefix && i + 1 == query.words.size();
        if (!match.empty()) match += " AND ";
        match += '(';
        for (std::size_t k = 0; k < alternatives.size(); ++k) {
            if (k) match += " OR ";
            append_term(match, alternatives[k], prefix && k == 0);
        }
        match += ')';
    }
    auto db = m_readers->acquire();
    std::vector<std::int64_t> seen;
    auto run = [&](const std::string& expression, bool ranked) {
        auto stmt = db->prepare(
            std::string(place_columns) +
            (ranked ? "WHERE p.id IN (SELECT rowid FROM places_fts WHERE places_fts MATCH ?1 "
                      "ORDER BY rank LIMIT ?2)"
                    : "WHERE p.id IN (SELECT rowid FROM places_fts WHERE places_fts MATCH ?1 "
                      "LIMIT ?2)"));
        stmt.bind_all(expression, query.limit);
        while (stmt.step() && static_cast<int>(out.size()) < query.limit) {
            const auto id = stmt.int64(9);
            if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
            seen.push_back(id);
            out.push_back(read_place(stmt));
        }
    };
    if (query.near) {
        // The point's cell and the three beside the corner it is nearest to.
        std::string cells = " AND (";
        for (const auto& cell : encoding::cell_words_near(*query.near)) {
            if (cells.size() > 6) cells += " OR ";
            cells += '"' + cell + '"';
        }
        cells += ')';
        run(match + cells, false);
        run(match + " AND \"zplace\"", false);
        if (static_cast<int>(out.size()) >= std::min(query.enough_near, query.limit)) return out;
    }
    run(match, true);
    return out;
}

std::vector<std::string> SqliteStore::place_words_between(std::string_view from,
                                                          std::string_view to, int limit) {
    std::vector<std::string> out;
    auto db = m_readers->acquire();
    auto stmt = db->prepare("SELECT word FROM place_words WHERE word >= ?1 AND word < ?2 LIMIT ?3");
    stmt.bind_all(from, to, limit);
    while (stmt.step())
        out.push_back(stmt.string(0));
    return out;
}

std::vector<model::Place> SqliteStore::places_near(geo::LatLon centre, double radius_m, int limit) {
    std::vector<std::pair<double, model::Place>> found;
    {
        const double dlat = radius_m / 111'195.0;
        const double dlon =
            radius_m / (111'195.0 * std::max(0.01, std::cos(centre.lat * 3.14159265358979 / 180)));
        auto db = m_readers->acquire();
        auto stmt = db->prepare(std::string(place_columns) +
                                "WHERE p.cell BETWEEN ?1 AND ?2 AND p.lat BETWEEN ?3 AND ?4 AND "
                                "p.lon BETWEEN ?5 AND ?6");
        const geo::BBox box{centre.lon - dlon, centre.lat - dlat, centre.lon + dlon,
                            centre.lat + dlat};
        for_each_cell_range(stmt, box, [&](sqlite::Statement& rows) {
            while (rows.step()) {
                auto place = read_place(rows);
                const double d = geo::distance_m(centre, place.location);
                if (d <= radius_m) found.emplace_back(d, std::move(place));
            }
        });
    }
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<model::Place> out;
    for (auto& [d, p] : found) {
        if (static_cast<int>(out.size()) >= limit) break;
        out.push_back(std::move(p));
    }
    return out;
}

std::int64_t SqliteStore::place_count() {
    auto db = m_readers->acquire();
    return db->query_int64("SELECT count(*) FROM places");
}

}  // namespace sightline::store
