#pragma once
// What the import makes searchable (issue 15): addresses, named streets (one per street, not per
// way), places and points of interest, from OSM tags; and the place around each ("Stari grad")
// for labels. No libosmium here: the importer hands tags over as plain pairs.

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "model/map_data.hpp"

namespace sightline::osm {

using TagPairs = std::vector<std::pair<std::string_view, std::string_view>>;

/// Whether tags may make a place (a cheap test before collecting them): a name, or a house number.
bool may_be_place(std::string_view key);

/// The searchable place the tags describe, without its location; nullopt if none. An address
/// needs addr:housenumber and addr:street (or addr:place); a place needs place=* and a name; a
/// point of interest a name and one of amenity, shop, tourism, leisure, historic, office, craft,
/// healthcare, public_transport, railway=station|halt|tram_stop|subway_entrance,
/// highway=bus_stop, aeroway=aerodrome|terminal, building=train_station|church|... (see .cpp).
/// Tags with both an address and a name give the point of interest (its address is a name too).
std::optional<model::Place> place_from_tags(const TagPairs& tags);

/// One place per street: named walkable streets grouped by name, a group split where its pieces
/// are more than `gap_m` apart (two streets of one name in different districts stay two). The
/// point is the middle of the group's longest piece.
std::vector<model::Place> street_places(const std::vector<model::Street>& streets,
                                        double gap_m = 500);

/// Fills Place::context of every place with the name of the nearest place=suburb, quarter,
/// neighbourhood, city_district, borough, village, town, hamlet or city within `radius_m`
/// (smaller kinds preferred within their usual reach), unless that is the place itself.
void add_context(std::vector<model::Place>& places, double radius_m = 5000);

}  // namespace sightline::osm
