#pragma once
// The words a searchable place is found by (MapStore::find_places), shared by both backends so
// that they index alike: the place's folded index words (search::index_words: its names, street
// and house numbers), a word naming its cell of a 0.2-degree grid, and "zplace" for towns and
// other places worth finding from anywhere. Also the `names` column of the places tables.

#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "geo/lat_lon.hpp"
#include "model/map_data.hpp"
#include "model/map_data_sink.hpp"

namespace sightline::store::encoding {

/// Every place also carries a word naming its cell of a 0.2-degree grid (about 22 x 15 km in
/// Europe), so that a search near a point asks for the words AND the cells around it: a
/// posting-list intersection, as fast as the words alone, instead of a spatial join.
constexpr double place_cell_deg = 0.2;
/// The word of places worth finding from anywhere ("Beograd" from Novi Sad).
constexpr std::string_view landmark_word = "zplace";
/// What every cell word starts with (they are no typo candidates).
constexpr std::string_view cell_word_prefix = "zcell";

/// (row, column) of the grid cell holding `p`.
std::pair<int, int> place_cell(geo::LatLon p);
std::string place_cell_word(int row, int column);
/// The cell of `p` and the three beside the corner of it that `p` is nearest to: everything
/// within half a cell (about 11 km north-south) of the point, in four words instead of nine.
std::array<std::string, 4> cell_words_near(geo::LatLon p);
/// A city, town, village, suburb, ... (model::PlaceKind::place of such a type).
bool is_landmark_place(const model::Place& place);

/// The folded index words of a place, space-separated, each once, then its cell word and, for
/// landmarks, landmark_word; "" when it has no index word (it is not stored then).
std::string place_words(const model::Place& place);
/// The place's other names (not `name`), one a line, as the `names` column keeps them.
std::string place_names_column(const model::Place& place);
/// The place with its place_words() and place_names_column(), as both stores write it; words ""
/// (the place is not stored) when it has no name, no index word or no valid location.
model::PreparedPlace prepare_place(model::Place place);
/// Fills place.names from `name` and a `names` column (the name first, unless an address).
void read_place_names(model::Place& place, std::string_view names_column);
model::PlaceKind place_kind_from(std::string_view text);

}  // namespace sightline::store::encoding
