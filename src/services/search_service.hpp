#pragma once
// Find places by name (issue 15): addresses, streets, places and points of interest of the
// imported map, and camera numbers; and the nearest address or street to a point. Offline: no
// query leaves the server. Text is folded and matched by the search module (search/text.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "geo/lat_lon.hpp"
#include "search/text.hpp"
#include "store/map_store.hpp"
#include "store/store.hpp"

namespace sightline::services {

struct SearchHit {
    std::string kind;   ///< address, street, place, poi or camera
    std::string name;   ///< in the script of the query where the map has it
    std::string label;  ///< short, for a list: "Knez Mihailova 5, Stari grad"
    std::string type;   ///< OSM value ("cafe", "suburb", "residential") or camera kind
    geo::LatLon location;
    std::optional<std::int64_t> camera_id;
    std::optional<double> distance_m;  ///< from the bias point, when one was given
    /// The address of an address or of a place that has one, as the map has it (not in the
    /// query's script): what import-list compares with a list's address. Not in the JSON.
    std::string street;
    std::string housenumber;
};

struct SearchRequest {
    std::string text;
    std::optional<geo::LatLon> near;  ///< bias towards the user or the map centre
    int limit = 10;
};

struct SearchLimits {
    std::size_t max_text_bytes = 200;
    int max_results = 50;
    double reverse_radius_m = 150;
};

class SearchService {
  public:
    SearchService(store::Store& store, store::MapStore& map, SearchLimits limits = {});

    /// Best first. invalid_argument for empty or overlong text or a limit outside 1..max_results.
    Result<std::vector<SearchHit>> search(const SearchRequest& request);
    /// The nearest address within the reverse radius, else the nearest street or place; not_found
    /// when nothing is that near.
    Result<SearchHit> reverse(geo::LatLon point);

    [[nodiscard]] const SearchLimits& limits() const noexcept { return m_limits; }

  private:
    struct Ranked {
        double score;
        double distance_m;  ///< from the bias point; -1 without one
        model::Place place;
    };
    /// Candidates for a parsed query, best first.
    std::vector<Ranked> rank(const search::Query& query, const SearchRequest& request);
    std::vector<std::vector<std::string>> with_typos(const std::vector<std::string>& words,
                                                     bool last_is_prefix);

    store::Store& m_store;
    store::MapStore& m_map;
    SearchLimits m_limits;
};

}  // namespace sightline::services
