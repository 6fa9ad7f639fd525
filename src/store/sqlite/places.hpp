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

/// The grid cell a place is found by (schema migration 12): the 0.002-degree row of latitude
/// shifted left by 18 bits, or-ed with the column of longitude. Monotone in each coordinate, so
/// the cells of the points inside a box lie between those of its corners, row by row.
std::int64_t place_cell_row(double lat);
std::int64_t place_cell_column(double lon);
std::int64_t place_cell(geo::LatLon location);
inline constexpr int place_cell_column_bits = 18;

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
