#pragma once
// Where an import puts the map data it reads, one piece at a time, so that a country-size
// extract never has to be held in memory as a whole (model::OsmExtract is the in-memory form).

#include <string>
#include <utility>

#include "model/map_data.hpp"

namespace sightline::model {

/// A place with what a sink derives from it before writing it (a store: its folded index words
/// and its column of other names, store/encoding/place_words.hpp), made by
/// MapDataSink::prepare_place().
struct PreparedPlace {
    Place place;
    std::string words;
    std::string names;
};

/// Receives cameras, streets, areas and places as a reader produces them, in reading order. What a
/// sink does with them (collect, write into an open transaction) is its own business; a sink
/// may throw (disk full), which aborts the read.
class MapDataSink {
  public:
    virtual ~MapDataSink() = default;
    virtual void add_camera(const OsmCamera& camera) = 0;
    virtual void add_street(const Street& street) = 0;
    virtual void add_area(const Area& area) = 0;
    virtual void add_place(const Place& place) = 0;

    /// The work on a place that needs nothing of the sink's state (folding its words), so that a
    /// caller that hands places to another thread (osm::BackgroundSink) can do it on its own:
    /// safe to call from any thread, also while add_* runs on another. add_prepared_place() of
    /// the result writes what add_place() of the place would. The default derives nothing.
    [[nodiscard]] virtual PreparedPlace prepare_place(Place place) const {
        return {std::move(place), {}, {}};
    }
    /// Writes a place that prepare_place() of this sink made; the default is add_place().
    virtual void add_prepared_place(const PreparedPlace& place) { add_place(place.place); }
};

}  // namespace sightline::model
