#pragma once
// Writing searchable places during an import (sqlite/places.cpp); the queries are SqliteStore
// methods.

#include <cstdint>
#include <string>
#include <vector>

#include "geo/bbox.hpp"
#include "model/map_data.hpp"
#include "store/sqlite/connection.hpp"

namespace sightline::store::sqlite {

/// Inserts a place with its words and index entries; false (nothing written) for one without a
/// name, words or a valid location.
bool insert_place(Connection& db, const model::Place& place);
/// Rebuilds the table of distinct index words (typo candidates) from the FTS vocabulary.
void refresh_place_words(Connection& db);
/// Deletes the places inside `bounds` with ids up to `last_id` (a re-import of the same area
/// replaces those that were there before it began).
void delete_places_in(Connection& db, const geo::BBox& bounds, std::int64_t last_id);
/// What people call an imported area: the name of its most important settlement (a city, else a
/// town, municipality, village, borough, suburb; nearest the centre among equals), or "" when
/// the area holds none.
std::string settlement_name(Connection& db, const geo::BBox& bounds);

}  // namespace sightline::store::sqlite
