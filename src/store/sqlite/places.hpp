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

/// The folded index words of a place (its names, street and house number), space-separated.
std::string place_words(const model::Place& place);
/// Inserts places with their words and index entries; returns how many (nameless ones skipped).
std::int64_t insert_places(Connection& db, const std::vector<model::Place>& places);
/// Rebuilds the table of distinct index words (typo candidates) from the FTS vocabulary.
void refresh_place_words(Connection& db);
/// Deletes the places inside `bounds` (a re-import of the same area replaces them).
void delete_places_in(Connection& db, const geo::BBox& bounds);
/// What people call an imported area: the name of its most important settlement (a city, else a
/// town, municipality, village, borough, suburb; nearest the centre among equals), or "" when
/// the area holds none.
std::string settlement_name(Connection& db, const geo::BBox& bounds);

}  // namespace sightline::store::sqlite
