// Searchable places (issue 15): written by the OSM import, found by words (FTS5) and by
// position (R*Tree). The words are made by search::index_words, so the store, the import and the
// queries fold text the same way.

#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/core.h>

#include "geo/distance.hpp"
#include "search/text.hpp"
#include "store/encoding/place_words.hpp"
#include "store/sqlite/connection.hpp"
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

bool insert_place(Connection& db, const model::Place& p) {
    if (!p.location.is_valid() || p.name.empty()) return false;
    const std::string words = encoding::place_words(p);
    if (words.empty()) return false;
    const std::string names = encoding::place_names_column(p);
    auto stmt = db.prepare(
        "INSERT INTO places (kind, name, housenumber, street, type, context, names, lat, lon, "
        "words) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    stmt.bind_all(model::to_string(p.kind), p.name, p.housenumber, p.street, p.type, p.context,
                  names, p.location.lat, p.location.lon, words);
    stmt.run();
    const auto id = db.last_insert_rowid();
    auto index = db.prepare(
        "INSERT INTO place_index (id, min_lat, max_lat, min_lon, max_lon) VALUES (?1, ?2, ?2, "
        "?3, ?3)");
    index.bind_all(id, p.location.lat, p.location.lon);
    index.run();
    auto fts = db.prepare("INSERT INTO places_fts (rowid, words) VALUES (?1, ?2)");
    fts.bind_all(id, words);
    fts.run();
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
            "SELECT id FROM place_index WHERE min_lat >= ?1 AND max_lat <= ?2 AND min_lon >= ?3 "
            "AND max_lon <= ?4 AND id <= ?5");
        stmt.bind_all(b.south, b.north, b.west, b.east, last_id);
        while (stmt.step())
            ids.push_back(stmt.int64(0));
    }
    for (auto id : ids) {
        auto del = db.prepare("DELETE FROM places WHERE id = ?1");
        del.bind(1, id);
        del.run();
    }
}

std::string settlement_name(Connection& db, const geo::BBox& bounds) {
    auto stmt = db.prepare(
        "SELECT p.name FROM place_index AS i JOIN places AS p ON p.id = i.id "
        "WHERE i.min_lat >= ?1 AND i.max_lat <= ?2 AND i.min_lon >= ?3 AND i.max_lon <= ?4 "
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
                                "WHERE p.id IN (SELECT id FROM place_index WHERE max_lat >= ?1 AND "
                                "min_lat <= ?2 AND max_lon >= ?3 AND min_lon <= ?4)");
        stmt.bind_all(centre.lat - dlat, centre.lat + dlat, centre.lon - dlon, centre.lon + dlon);
        while (stmt.step()) {
            auto place = read_place(stmt);
            const double d = geo::distance_m(centre, place.location);
            if (d <= radius_m) found.emplace_back(d, std::move(place));
        }
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
