// PostgresStore: searchable places (issue 15), found by words and by position, giving the same
// places in the same order as store/sqlite/places.cpp. SQLite asks FTS5; here the posting lists
// are the rows of place_word_index (word, place_id), a prefix is a range of its primary key, and
// the ranked search computes FTS5's bm25() (k1 = 1.2, b = 0.75, its IDF clamped at 1e-6) with
// the same double operations in the same order, from the same counts: the number of places and
// of their tokens (kept in `meta` by each import), the places holding each term and each place's
// token count. So the scores are equal to the last bit, and the ties are broken by id as FTS5's
// sorter does.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "geo/distance.hpp"
#include "store/encoding/place_words.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/places.hpp"
#include "store/postgres/pool.hpp"
#include "store/postgres/postgres_store.hpp"

namespace sightline::store {

using postgres::Bytes;
using postgres::Connection;

namespace {

constexpr std::string_view place_columns =
    "SELECT p.kind, p.name, p.housenumber, p.street, p.type, p.context, p.names, p.lat, p.lon, "
    "p.id FROM places AS p ";

model::Place read_place(const postgres::Rows& rows, int r) {
    model::Place p;
    p.kind = encoding::place_kind_from(rows.text(r, 0));
    p.name = rows.string(r, 1);
    p.housenumber = rows.string(r, 2);
    p.street = rows.string(r, 3);
    p.type = rows.string(r, 4);
    p.context = rows.string(r, 5);
    encoding::read_place_names(p, rows.text(r, 6));
    p.location = {rows.real(r, 7), rows.real(r, 8)};
    return p;
}

// One term of the query (an FTS5 phrase): the words from `low` to `high` (one word, or every
// word starting with a prefix), at one position of the query (every position must match).
struct Term {
    std::string low;
    std::string high;
    int position = 0;
};

Term make_term(const std::string& word, bool prefix, int position) {
    // No UTF-8 byte is 0xff: word + 0xff is above every word starting with it.
    return {word, prefix ? word + '\xff' : word, position};
}

// Array literals for the unnest() of the queries below.
std::string bytea_array(const std::vector<Term>& terms, bool high) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out = "{";
    for (const auto& term : terms) {
        if (out.size() > 1) out += ',';
        out += "\"\\\\x";
        for (char c : high ? term.high : term.low) {
            const auto byte = static_cast<unsigned char>(c);
            out += digits[byte >> 4];
            out += digits[byte & 15];
        }
        out += '"';
    }
    return out + '}';
}

template <typename T, typename F>
std::string number_array(const std::vector<T>& values, F&& format) {
    std::string out = "{";
    for (const auto& v : values) {
        if (out.size() > 1) out += ',';
        out += format(v);
    }
    return out + '}';
}

std::string positions_array(const std::vector<Term>& terms) {
    return number_array(terms, [](const Term& t) { return fmt::format("{}", t.position); });
}

std::string shortest(double value) {
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, end);
}

// The places matching at every position and holding one of `filter` (the cells around a point,
// or the landmark word), first by id (FTS5's order without ORDER BY rank), at most `limit`. The
// filter words' posting lists are long (every place of a city is in its cell): they are probed
// for each candidate of the other words rather than read whole.
std::vector<std::int64_t> matching_ids(Connection& db, const std::vector<Term>& terms,
                                       int positions, int limit,
                                       const std::vector<std::string>& filter) {
    std::vector<Term> filter_terms;
    for (const auto& word : filter)
        filter_terms.push_back(make_term(word, false, positions));
    auto rows = db.run(
        "WITH t AS (SELECT * FROM unnest($1::bytea[], $2::bytea[], $3::int[]) AS t(low, high, "
        "pos)), hits AS (SELECT t.pos, w.place_id FROM t JOIN place_word_index AS w "
        "ON w.word BETWEEN t.low AND t.high), "
        "matched AS (SELECT place_id FROM hits GROUP BY place_id "
        "HAVING count(DISTINCT pos) = $4) "
        "SELECT m.place_id FROM matched AS m WHERE EXISTS (SELECT 1 FROM place_word_index AS c "
        "WHERE c.word = ANY($6::bytea[]) AND c.place_id = m.place_id) "
        "ORDER BY m.place_id LIMIT $5",
        bytea_array(terms, false), bytea_array(terms, true), positions_array(terms), positions,
        limit, bytea_array(filter_terms, false));
    std::vector<std::int64_t> ids;
    ids.reserve(static_cast<std::size_t>(rows.size()));
    for (int r = 0; r < rows.size(); ++r)
        ids.push_back(rows.int64(r, 0));
    return ids;
}

// The best `limit` matches by FTS5's bm25() (fts5Bm25Function in SQLite's fts5_aux.c), ties by
// id.
std::vector<std::int64_t> ranked_ids(Connection& db, const std::vector<Term>& terms, int positions,
                                     int limit) {
    std::vector<std::int64_t> ids;
    auto totals = db.run(
        "SELECT (SELECT value FROM meta WHERE key = 'place_rows'), "
        "(SELECT value FROM meta WHERE key = 'place_tokens')");
    if (totals.is_null(0, 0) || totals.is_null(0, 1)) return ids;
    const auto rows_total = totals.int64(0, 0);
    const auto tokens_total = totals.int64(0, 1);
    if (rows_total <= 0) return ids;
    const double n_rows = static_cast<double>(rows_total);
    const double avgdl = static_cast<double>(tokens_total) / n_rows;

    auto hits = db.run(
        "SELECT (SELECT count(DISTINCT w.place_id) FROM place_word_index AS w WHERE w.word "
        "BETWEEN t.low AND t.high) FROM unnest($1::bytea[], $2::bytea[]) WITH ORDINALITY AS "
        "t(low, high, i) ORDER BY t.i",
        bytea_array(terms, false), bytea_array(terms, true));
    std::vector<double> idf;
    for (int r = 0; r < hits.size(); ++r) {
        const double n_hit = static_cast<double>(hits.int64(r, 0));
        double value = std::log((n_rows - n_hit + 0.5) / (n_hit + 0.5));
        if (value <= 0.0) value = 1e-6;
        idf.push_back(value);
    }

    constexpr double k1 = 1.2;
    constexpr double b = 0.75;
    // score += idf * ((f * (k1 + 1)) / (f + k1 * (1 - b + b * D / avgdl))), term by term in
    // query order (terms a place lacks add 0), and FTS5's rank is -score.
    auto rows = db.run(
        "WITH t AS (SELECT * FROM unnest($1::bytea[], $2::bytea[], $3::int[], $4::float8[]) "
        "WITH ORDINALITY AS t(low, high, pos, idf, i)), "
        "hits AS (SELECT t.i, t.pos, t.idf, w.place_id, count(*)::float8 AS f FROM t "
        "JOIN place_word_index AS w ON w.word BETWEEN t.low AND t.high "
        "GROUP BY t.i, t.pos, t.idf, w.place_id) "
        "SELECT h.place_id, sum(h.idf * ((h.f * $6::float8) / (h.f + $7::float8 * "
        "($8::float8 + $9::float8 * p.word_count::float8 / $10::float8))) ORDER BY h.i) AS score "
        "FROM hits AS h JOIN places AS p ON p.id = h.place_id GROUP BY h.place_id "
        "HAVING count(DISTINCT h.pos) = $5 ORDER BY score DESC, h.place_id LIMIT $11",
        bytea_array(terms, false), bytea_array(terms, true), positions_array(terms),
        number_array(idf, shortest), positions, k1 + 1.0, k1, 1 - b, b, avgdl, limit);
    ids.reserve(static_cast<std::size_t>(rows.size()));
    for (int r = 0; r < rows.size(); ++r)
        ids.push_back(rows.int64(r, 0));
    return ids;
}

}  // namespace

namespace postgres {

void refresh_place_index(Connection& db, std::int64_t after_id) {
    db.run(
        "INSERT INTO place_word_index (word, place_id) SELECT convert_to(w, 'UTF8'), p.id "
        "FROM places AS p, unnest(string_to_array(p.words, ' ')) AS w WHERE p.id > $1 "
        "ON CONFLICT DO NOTHING",
        after_id);
    db.run("DELETE FROM place_words");
    const std::string cell_prefix(encoding::cell_word_prefix);
    db.run(
        "INSERT INTO place_words (word) SELECT DISTINCT word FROM place_word_index WHERE "
        "NOT (word >= $1 AND word < $2) AND word <> $3",
        Bytes{cell_prefix}, Bytes{cell_prefix + '\xff'}, Bytes{encoding::landmark_word});
    db.run(
        "INSERT INTO meta (key, value) SELECT 'place_rows', count(*)::text FROM places "
        "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value");
    db.run(
        "INSERT INTO meta (key, value) SELECT 'place_tokens', coalesce(sum(word_count), 0)::text "
        "FROM places ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value");
}

}  // namespace postgres

std::vector<model::Place> PostgresStore::find_places(const PlaceQuery& query) {
    std::vector<model::Place> out;
    if (query.words.empty() || query.limit <= 0) return out;
    std::vector<Term> terms;
    const int positions = static_cast<int>(query.words.size());
    for (int i = 0; i < positions; ++i) {
        const auto& alternatives = query.words[static_cast<std::size_t>(i)];
        if (alternatives.empty()) return out;
        const bool prefix = query.last_is_prefix && i + 1 == positions;
        for (std::size_t k = 0; k < alternatives.size(); ++k)
            terms.push_back(make_term(alternatives[k], prefix && k == 0, i));
    }
    auto db = m_pool->acquire();
    std::vector<std::int64_t> seen;
    // The places of `ids`, by id (the order of SQLite's `p.id IN (...)`).
    auto add = [&](const std::vector<std::int64_t>& ids) {
        if (ids.empty()) return;
        static const std::string sql =
            std::string(place_columns) + "WHERE p.id = ANY($1::bigint[]) ORDER BY p.id";
        auto rows =
            db->run(sql, number_array(ids, [](std::int64_t id) { return fmt::format("{}", id); }));
        for (int r = 0; r < rows.size() && static_cast<int>(out.size()) < query.limit; ++r) {
            const auto id = rows.int64(r, 9);
            if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
            seen.push_back(id);
            out.push_back(read_place(rows, r));
        }
    };
    if (query.near) {
        const auto cells = encoding::cell_words_near(*query.near);
        add(matching_ids(*db, terms, positions, query.limit, {cells.begin(), cells.end()}));
        add(matching_ids(*db, terms, positions, query.limit,
                         {std::string(encoding::landmark_word)}));
        if (static_cast<int>(out.size()) >= std::min(query.enough_near, query.limit)) return out;
    }
    add(ranked_ids(*db, terms, positions, query.limit));
    return out;
}

std::vector<std::string> PostgresStore::place_words_between(std::string_view from,
                                                            std::string_view to, int limit) {
    std::vector<std::string> out;
    // SQLite reads a negative LIMIT as none.
    std::optional<std::int64_t> rows_limit;
    if (limit >= 0) rows_limit = limit;
    auto db = m_pool->acquire();
    auto rows = db->run(
        "SELECT word FROM place_words WHERE word >= $1 AND word < $2 ORDER BY word LIMIT $3",
        Bytes{from}, Bytes{to}, rows_limit);
    out.reserve(static_cast<std::size_t>(rows.size()));
    for (int r = 0; r < rows.size(); ++r)
        out.push_back(rows.bytes(r, 0));
    return out;
}

std::vector<model::Place> PostgresStore::places_near(geo::LatLon centre, double radius_m,
                                                     int limit) {
    std::vector<std::pair<double, model::Place>> found;
    {
        const double dlat = radius_m / 111'195.0;
        const double dlon =
            radius_m / (111'195.0 * std::max(0.01, std::cos(centre.lat * 3.14159265358979 / 180)));
        static const std::string sql =
            std::string(place_columns) +
            "WHERE p.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326) AND p.lon >= $1 AND "
            "p.lat >= $2 AND p.lon <= $3 AND p.lat <= $4 ORDER BY p.id";
        auto db = m_pool->acquire();
        auto rows = db->run(sql, centre.lon - dlon, centre.lat - dlat, centre.lon + dlon,
                            centre.lat + dlat);
        for (int r = 0; r < rows.size(); ++r) {
            auto place = read_place(rows, r);
            const double d = geo::distance_m(centre, place.location);
            if (d <= radius_m) found.emplace_back(d, std::move(place));
        }
    }
    // The same sort of the same list as SQLite's store: equal distances end up alike.
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<model::Place> out;
    for (auto& [d, p] : found) {
        if (static_cast<int>(out.size()) >= limit) break;
        out.push_back(std::move(p));
    }
    return out;
}

std::int64_t PostgresStore::place_count() {
    auto db = m_pool->acquire();
    auto rows = db->run("SELECT value FROM meta WHERE key = 'place_rows'");
    return rows.empty() ? 0 : rows.int64(0, 0);
}

}  // namespace sightline::store
