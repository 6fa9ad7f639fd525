#pragma once
// What the import makes searchable (issue 15): addresses, named streets (one per street, not per
// way), places and points of interest, from OSM tags; and the place around each ("Stari grad")
// for labels. No libosmium here: the importer hands tags over as plain pairs.

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
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

/// street_places() a street at a time, for a country that is not held in memory: of each named
/// street it keeps only what the grouping needs (three points, its length, its highway value),
/// about 64 bytes instead of all its points. places() gives what street_places() would for the
/// streets added, in the same order.
class StreetPlaceBuilder {
  public:
    explicit StreetPlaceBuilder(double gap_m = 500) : m_gap_m(gap_m) {}
    void add(const model::Street& street);
    [[nodiscard]] std::vector<model::Place> places() const;

  private:
    struct Piece {
        std::array<geo::LatLon, 3> probes;  ///< first point, middle point, last point
        double length_m = 0;
        std::uint32_t highway = 0;  ///< index into m_highways
    };
    double m_gap_m;
    std::map<std::string, std::vector<Piece>, std::less<>> m_by_name;
    std::vector<std::string> m_highways;
};

/// Fills Place::context of every place with the name of the nearest place=suburb, quarter,
/// neighbourhood, city_district, borough, village, town, hamlet or city within `radius_m`
/// (smaller kinds preferred within their usual reach), unless that is the place itself.
void add_context(std::vector<model::Place>& places, double radius_m = 5000);

/// add_context() for places that are not all in memory: consider() every place once (it keeps
/// the few that can be a context: suburbs, villages, cities...), then fill() each; fill() gives
/// what add_context() would have over all the places considered.
class PlaceContext {
  public:
    explicit PlaceContext(double radius_m = 5000) : m_radius_m(radius_m) {}
    void consider(const model::Place& place);
    void fill(model::Place& place) const;

  private:
    struct Candidate {
        std::string name;
        geo::LatLon location;
        std::size_t rank = 0;  ///< smaller kinds of place first
    };
    double m_radius_m;
    std::vector<Candidate> m_candidates;
    std::unordered_map<std::int64_t, std::vector<std::size_t>> m_grid;  ///< cell -> candidates
};

}  // namespace sightline::osm
