#pragma once
// Writing searchable places during an import (sqlite/places.cpp); the queries are SqliteStore
// methods.

#include <cstdint>
#include <string>
#include <vector>

#include "geo/bbox.hpp"
#include "model/map_data.hpp"
#include "model/map_data_sink.hpp"
#include "store/sqlite/connection.hpp"

namespace sightline::store::sqlite {

/// The grid cell a place is found by (schema migration 12): the 0.002-degree row of latitude
/// shifted left by 18 bits, or-ed with the column of longitude. Monotone in each coordinate, so
/// the cells of the points inside a box lie between those of its corners, row by row.
std::int64_t place_cell_row(double lat);
std::int64_t place_cell_column(double lon);
std::int64_t place_cell(geo::LatLon location);
inline constexpr int place_cell_column_bits = 18;

/// Writes the places of an import, many in one transaction, with two statements of its own
/// (their text bound without copies). insert() writes only what the table's CHECK constraints
/// allow (a known kind, a valid location), so it may run under a CheckConstraintsOff, as the
/// import does: the IN list of places.kind made SQLite build and drop a temporary B-tree for
/// every row, a sixth of the time the import spent writing places. While it lives, FTS5 keeps
/// up to 32 MiB of new terms in memory before it writes them out (not 1 MiB): fewer segments to
/// write and merge. The setting is stored in the database, so the destructor puts the one from
/// before back; end it before the transaction commits. Throws SqliteError like Connection.
class PlaceLoad {
  public:
    explicit PlaceLoad(Connection& db);
    ~PlaceLoad();
    PlaceLoad(const PlaceLoad&) = delete;
    PlaceLoad& operator=(const PlaceLoad&) = delete;

    /// Inserts a place that encoding::prepare_place() made, with its index entries; false
    /// (nothing written) when its words are "" (no name, index word or valid location), or it
    /// has no name or valid location all the same.
    bool insert(const model::PreparedPlace& place);

  private:
    Connection& m_db;
    std::int64_t m_hash_bytes_before = 0;
    StatementHandle m_insert_place;
    StatementHandle m_insert_words;
};

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
