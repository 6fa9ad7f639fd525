// Searchable places (issue 15): written by the OSM import, found by words (FTS5) and by
// position (R*Tree). The words are made by search::index_words, so the store, the import and the
// queries fold text the same way.

#include <algorithm>
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
    "SELECT p.kind, p.name, p.housenumber, p.street, p.type, p.context, p.names, p.lat, p.lon "
    "FROM places AS p ";

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
    return out;
}

std::int64_t insert_places(Connection& db, const std::vector<model::Place>& places) {
    auto insert = [&db](const model::Place& p, const std::string& names, const std::string& words) {
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
    };
    std::int64_t count = 0;
    std::string names;
    for (const auto& p : places) {
        if (!p.location.is_valid() || p.name.empty()) continue;
        const std::string words = place_words(p);
        if (words.empty()) continue;
        names.clear();
        for (const auto& n : p.names) {
            if (!names.empty()) names += '\n';
            for (char c : n)
                names += c == '\n' ? ' ' : c;
        }
        insert(p, names, words);
        ++count;
    }
    return count;
}

void delete_places_in(Connection& db, const geo::BBox& b) {
    std::vector<std::int64_t> ids;
    {
        auto stmt = db.prepare(
            "SELECT id FROM place_index WHERE min_lat >= ?1 AND max_lat <= ?2 AND min_lon >= ?3 "
            "AND max_lon <= ?4");
        stmt.bind_all(b.south, b.north, b.west, b.east);
        while (stmt.step())
            ids.push_back(stmt.int64(0));
    }
    for (auto id : ids) {
        auto del = db.prepare("DELETE FROM places WHERE id = ?1");
        del.bind(1, id);
        del.run();
    }
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
    auto stmt = db->prepare(std::string(place_columns) +
                            "WHERE p.id IN (SELECT rowid FROM places_fts WHERE places_fts MATCH ?1 "
                            "ORDER BY rank LIMIT ?2)");
    stmt.bind_all(match, query.limit);
    while (stmt.step())
        out.push_back(read_place(stmt));
    return out;
}

std::vector<std::string> SqliteStore::place_words_between(std::string_view from,
                                                          std::string_view to, int limit) {
    std::vector<std::string> out;
    auto db = m_readers->acquire();
    auto stmt = db->prepare(
        "SELECT term FROM places_vocab WHERE term >= ?1 AND term < ?2 ORDER BY term LIMIT ?3");
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
