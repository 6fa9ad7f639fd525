#pragma once
// The ground the analysis and the basemap need, as read from OpenStreetMap: walkable streets,
// building footprints, water and parks; and cameras with their OSM provenance.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "geo/bbox.hpp"
#include "geo/lat_lon.hpp"
#include "geo/polygon.hpp"
#include "model/camera.hpp"
#include "model/tags.hpp"

namespace sightline::model {

/// A way usable on foot (highway=* minus motorways and ways with foot=no / access=private...).
struct Street {
    std::int64_t osm_way_id = 0;
    std::string highway;  ///< the highway=* value: footway, residential, primary, ...
    std::string name;
    std::vector<geo::LatLon> points;  ///< at least 2
};

enum class AreaKind { building, water, park };

std::string_view to_string(AreaKind kind) noexcept;

/// A polygon: rings[0] is the outer ring, the rest are its holes. Rings are closed (first ==
/// last). A multipolygon with several outer rings becomes several Areas with the same osm_id.
struct Area {
    std::int64_t osm_id = 0;
    bool from_relation = false;  ///< osm_id is a relation id (else a way id)
    AreaKind kind = AreaKind::building;
    std::string name;
    double height_m = 0;  ///< from height=* or building:levels x 3 m; 0 when unknown
    std::vector<std::vector<geo::LatLon>> rings;
};

/// A camera as OpenStreetMap has it (node, or a way/area placed at its centroid).
struct OsmCamera {
    OsmProvenance osm;
    geo::LatLon location;
    Tags tags;
};

/// What a search can find, as the imported map names it.
enum class PlaceKind { address, street, place, poi };

std::string_view to_string(PlaceKind kind) noexcept;

/// A searchable point: an address (addr:housenumber with addr:street or addr:place, on a node, a
/// building or an entrance), a named street (one per street, not per way), a place (place=*:
/// city, suburb, square, ...) or a point of interest (amenity, shop, tourism, public transport,
/// ...). Ways and areas are placed at their centroid.
struct Place {
    PlaceKind kind = PlaceKind::poi;
    std::string name;         ///< as shown: the name, or "street housenumber" for an address
    std::string housenumber;  ///< addresses only
    std::string street;       ///< addresses only: addr:street or addr:place
    std::string type;         ///< the OSM value that made it searchable: "cafe", "suburb", ...
    /// Its other names, for matching: name:*, alt_name, old_name, official_name, short_name,
    /// loc_name, without `name` itself (the store gives it back first when reading; an address
    /// has none: its street is `street`).
    std::vector<std::string> names;
    std::string context;  ///< the place around it ("Stari grad"), filled after reading
    geo::LatLon location;
};

/// An administrative boundary (boundary=administrative) at the level chosen for districts: what
/// figures are broken down by. One whose outline could not be closed (cut off by the extract's
/// edge) is kept as incomplete, without polygons, so it can be reported rather than guessed.
struct District {
    std::int64_t id = 0;  ///< the store's id; 0 until stored
    std::int64_t osm_id = 0;
    bool from_relation = true;  ///< osm_id is a relation id (else a closed way's)
    int admin_level = 0;
    std::string name;
    /// The name:xx tags as (xx, value), sorted by xx: "de", "en", "sr", "sr-Latn", ...
    std::vector<std::pair<std::string, std::string>> names;
    bool complete = true;
    geo::MultiPolygon polygons;  ///< empty when incomplete
};

/// Everything one import brings, applied to the store in one transaction.
struct OsmExtract {
    std::string source_name;  ///< file name, for the import log
    geo::BBox bounds;         ///< the extract's bounds (header, else the nodes read): cameras
                              ///< from earlier imports inside it and missing now are removed
    std::vector<OsmCamera> cameras;
    std::vector<Street> streets;
    std::vector<Area> areas;
    std::vector<Place> places;
    /// The boundaries at the district level (complete ones first, then incomplete), with it.
    std::vector<District> districts;
    int district_level = 0;  ///< 0 when the extract has none
};

}  // namespace sightline::model
