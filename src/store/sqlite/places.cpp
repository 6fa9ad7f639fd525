// Searchable places (issue 15): written by the OSM import, found by words (FTS5) and by
// position (R*Tree). The words are made by search::index_words, so the store, the import and the
// queries fold text the same way.

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include <fmt/core.h>

#include "geo/distance.hpp"
#include "search/text.hpp"
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

// Every place also carries a word naming its cell of a 0.2-degree grid (about 22 x 15 km in
// Europe), so that a search near a point asks FTS5 for the words AND the 3 x 3 cells around it:
// a posting-list intersection, as fast as the words alone, instead of a spatial join.
constexpr double cell_deg = 0.2;

std::string cell_word(int row, int column) {
    return fmt::format("zcell{}x{}", row, column);
}

// Places worth finding from anywhere: a search near a point also asks for these ("Beograd" from
// Novi Sad), whatever it finds around the point.
bool is_landmark_place(const model::Place& place) {
    static constexpr std::array<std::string_view, 11> types{
        "city",   "town",  "village",      "suburb", "city_district", "borough",
        "county", "state", "municipality", "island", "country"};
    return place.kind == model::PlaceKind::place &&
           std::find(types.begin(), types.end(), place.type) != types.end();
}

std::pair<int, int> cell_of(geo::LatLon p) {
    return {static_cast<int>(std::floor((p.lat + 90) / cell_deg)),
            static_cast<int>(std::floor((p.lon + 180) / cell_deg))};
}

model::PlaceKind kind_from(std::string_view text) {
    if (text == "address") return model::PlaceKind::address;
    if (text == "street") return model::PlaceKind::street;
    if (text == "place") return model::PlaceKind::place;
    return model::PlaceKind::poi;
}

model::Place read_place(const sqlite::Statement& row) {
    model::Place p;
    p.kind = kind_from(row.text(0));
    p.name = row.string(1);
    if (p.kind != model::PlaceKind::address) p.names.push_back(p.name);
    p.housenumber = row.string(2);
    p.street = row.string(3);
    p.type = row.string(4);
    p.context = row.string(5);
    std::string_view names = row.text(6);
    while (!names.empty()) {
        const auto end = names.find('\n');
        if (end != 0) p.names.emplace_back(names.substr(0, end));
        if (end == std::string_view::npos) break;
        names.remove_prefix(end + 1);
    }
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

std::string place_words(const model::Place& place) {
    std::vector<std::string> words;
    auto add = [&words](std::string_view text) {
        for (auto& w : search::index_words(text))
            if (std::find(words.begin(), words.end(), w) == words.end())
                words.push_back(std::move(w));
    };
    add(place.name);
    for (const auto& n : place.names)
        add(n);
    if (!place.street.empty()) add(place.street);
    for (auto& number : search::housenumber_list(place.housenumber))
        if (std::find(words.begin(), words.end(), number) == words.end())
            words.push_back(std::move(number));
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) out += ' ';
        out += w;
    }
    if (!out.empty()) {
        const auto [row, column] = cell_of(place.location);
        out += ' ';
        out += cell_word(row, column);
        if (is_landmark_place(place)) out += " zplace";
    }
    return out;
}

bool insert_place(Connection& db, const model::Place& p) {
    if (!p.location.is_valid() || p.name.empty()) return false;
    const std::string words = place_words(p);
    if (words.empty()) return false;
    std::string names;
    for (const auto& n : p.names) {
        if (n == p.name) continue;  // read_place() gives the name back first
        if (!names.empty()) names += '\n';
        for (char c : n)
            names += c == '\n' ? ' ' : c;
    }
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
        // The point's cell and the three beside the corner it is nearest to: everything within
        // half a cell (about 11 km north-south) of the point, with four words instead of nine.
        const auto [row, column] = cell_of(*query.near);
        const double lat_in = (query.near->lat + 90) / cell_deg - row;
        const double lon_in = (query.near->lon + 180) / cell_deg - column;
        const int other_row = row + (lat_in < 0.5 ? -1 : 1);
        const int other_column = column + (lon_in < 0.5 ? -1 : 1);
        std::string cells = " AND (";
        cells += '"' + cell_word(row, column) + "\" OR \"" + cell_word(other_row, column) +
                 "\" OR \"" + cell_word(row, other_column) + "\" OR \"" +
                 cell_word(other_row, other_column) + '"';
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
