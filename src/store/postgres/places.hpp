#pragma once
// The word index of searchable places in PostgreSQL (places.cpp): what FTS5 keeps by itself in
// SQLite has to be refreshed by whoever writes places (the OSM import, a copy of a SQLite store).

#include <cstdint>

#include "store/postgres/connection.hpp"

namespace sightline::store::postgres {

/// Adds the words of the places with ids above `after_id` to place_word_index (those of deleted
/// places go with them), rebuilds place_words (the typo candidates) and the counts bm25() needs
/// (`meta` place_rows and place_tokens). Call inside the transaction that wrote the places.
void refresh_place_index(Connection& db, std::int64_t after_id);

}  // namespace sightline::store::postgres
