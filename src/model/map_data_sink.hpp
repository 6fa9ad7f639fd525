#pragma once
// Where an import puts the map data it reads, one piece at a time, so that a country-size
// extract never has to be held in memory as a whole (model::OsmExtract is the in-memory form).

#include "model/map_data.hpp"

namespace sightline::model {

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
};

}  // namespace sightline::model
