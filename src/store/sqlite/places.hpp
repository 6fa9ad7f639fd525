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
/// every row, a sixth of the time the import spent writing places.
///
/// Two settings make a large load faster; finish() undoes both, and must be called before the
/// transaction commits (the destructor, reached without it, undoes them too unless an exception
/// is on its way, which rolls the transaction back):
/// - FTS5 keeps up to 32 MiB of new terms in memory before it writes them out (not 1 MiB):
///   fewer segments to write and merge. The setting is stored in the database; the one from
///   before is put back.
/// - Once the load has inserted as many places as the table held before (at once into an empty
///   table), the grid-cell index `places_cell` is dropped and finish() builds it again by
///   sorting: its entries arrive in the file's order, and inserting them one at a time into a
///   B-tree twice the page cache cost 1.5 s for the 1.2 million places of issue 17's country
///   against 0.5 s to sort them all. A small import into a large table keeps the index.
/// Throws SqliteError like Connection.
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
    /// Builds the grid-cell index again if it was dropped, and puts FTS5's setting back.
    void finish();
    /// Whether the grid-cell index is dropped until finish() (for tests).
    [[nodiscard]] bool cell_index_dropped() const noexcept { return m_cell_index_dropped; }

  private:
    void restore();

    Connection& m_db;
    std::int64_t m_hash_bytes_before = 0;
    std::int64_t m_rows_before = 0;  ///< the largest id before: an upper bound of the rows
    std::int64_t m_inserted = 0;
    bool m_cell_index_dropped = false;
    bool m_finished = false;
    int m_exceptions_at_start = 0;
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
