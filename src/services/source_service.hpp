#pragma once
// Official lists against the crowd's map (issue 14, docs/adr/016): import a list (coordinates, or
// addresses placed through the search index, never guessed), keep its matching with the crowd's
// cameras up to date, compare, and record moderators' decisions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/list_matching.hpp"
#include "core/error.hpp"
#include "geo/bbox.hpp"
#include "model/source.hpp"
#include "services/search_service.hpp"
#include "store/source_store.hpp"
#include "store/store.hpp"

namespace sightline::services {

struct ListImportOptions {
    std::string source_name;  ///< required: "Police list 2021"
    std::string file_name;    ///< recorded with the list
    /// Coordinates: default columns lat/latitude/y and lon/lng/long/longitude/x (any case).
    std::optional<std::string> lat_column;
    std::optional<std::string> lon_column;
    /// Addresses instead of coordinates: each placed on the best search hit only when that hit
    /// has the same house number and street.
    std::optional<std::string> address_column;
    /// Viewing direction (camera:direction syntax); default column "direction" if there is one.
    std::optional<std::string> direction_column;
    /// A name or number of the entry; default column "name" if there is one.
    std::optional<std::string> label_column;
    double max_distance_m = 30;
    double max_angle_deg = 60;
};

/// A row whose address could not be placed; it is not stored.
struct UnplacedRow {
    int line = 0;  ///< row number in the file, the header being 1
    std::string address;
    std::string why;
};

struct ComparisonCounts {
    std::int64_t both = 0;
    std::int64_t only_list = 0;
    std::int64_t only_crowd = 0;
    std::int64_t ambiguous = 0;
};

struct ListImportResult {
    model::SourceId id;  ///< 0 for a dry run
    std::int64_t rows = 0;
    std::int64_t entries = 0;
    std::vector<UnplacedRow> unplaced;
    ComparisonCounts counts;  ///< the matching as it is (or would be) right after the import
};

/// A list against the crowd's cameras inside its coverage: the box around its entries,
/// widened by its max distance.
struct Comparison {
    model::Source source;
    ComparisonCounts counts;
    std::vector<model::SourceEntry> entries;
    std::vector<store::CrowdCamera> cameras;  ///< the crowd's cameras in the coverage, by id
    std::vector<model::CameraId> crowd_only;  ///< those of them no entry is or may be
    std::optional<geo::BBox> coverage;        ///< nullopt for a list without entries
};

class SourceService {
  public:
    SourceService(store::Store& store, store::SourceStore& sources, SearchService& search);

    /// Reads a CSV list and, unless `dry_run`, stores it and matches it. All or nothing: a bad
    /// row (coordinates that are not numbers, a bad direction) fails the whole file and names
    /// the row. Rows whose address cannot be placed are returned in `unplaced`, never guessed.
    Result<ListImportResult> import_list(std::string_view csv_text,
                                         const ListImportOptions& options, bool dry_run,
                                         std::string_view actor);
    std::vector<model::Source> list();
    /// The comparison, matching again first if the cameras changed since the last matching.
    Result<Comparison> comparison(model::SourceId id);
    /// A moderator's decision for one entry (see SourceStore::decide_entry); the matching is
    /// remade at once.
    Status decide(model::SourceId id, std::int64_t entry, std::optional<model::CameraId> camera,
                  std::string_view actor);

    /// The box a list covers: its entries, widened by `max_distance_m`.
    static std::optional<geo::BBox> coverage_of(const std::vector<model::SourceEntry>& entries,
                                                double max_distance_m);

  private:
    /// Matches entries with the crowd's cameras in their coverage; fills their matching fields.
    Comparison match(model::Source source, std::vector<model::SourceEntry> entries);
    Result<geo::LatLon> place_address(std::string_view address, std::string& why);

    store::Store& m_store;
    store::SourceStore& m_sources;
    SearchService& m_search;
};

}  // namespace sightline::services
