#pragma once
// Gathers what the printable report of an area shows (pdf::AreaReport): a district's figures or
// a bounding box's, the cameras by type, their growth and the map's streets and cameras.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "geo/bbox.hpp"
#include "pdf/area_report.hpp"
#include "services/analysis_service.hpp"
#include "services/district_service.hpp"
#include "store/map_store.hpp"
#include "store/store.hpp"

namespace sightline::services {

struct AreaReportRequest {
    std::optional<geo::BBox> bbox;         ///< either this
    std::optional<std::int64_t> district;  ///< or this
    std::string language = "en";           ///< for the district's name: en, sr-Latn, sr-Cyrl
    std::int64_t now = 0;                  ///< unix seconds, printed as the report's date
};

/// Active cameras at the end of each period, oldest first, for the growth chart; may be empty.
using GrowthSource =
    std::function<std::vector<std::pair<std::string, std::int64_t>>(const geo::BBox&)>;

/// Growth from the cameras' history (history_stats): active cameras per month over the box,
/// per year when that would be more than 36 months. `store` must outlive it.
GrowthSource history_growth(store::Store& store);

/// A district's name in a language: en -> name:en, sr-Latn -> name:sr-Latn (else name:sr in
/// Latin), sr-Cyrl -> name:sr; else its name.
std::string district_name(const model::District& district, std::string_view language);

class AreaReportService {
  public:
    AreaReportService(store::Store& store, store::MapStore& map, AnalysisService& analysis,
                      DistrictService& districts, GrowthSource growth = {})
        : m_store(store),
          m_map(map),
          m_analysis(analysis),
          m_districts(districts),
          m_growth(std::move(growth)) {}

    /// invalid_argument without a bbox or district (or with both), not_found for an unknown
    /// district, too_large for a bbox over the analysis limit.
    Result<pdf::AreaReport> gather(const AreaReportRequest& request);

  private:
    void add_map_layers(pdf::AreaReport& report);

    store::Store& m_store;
    store::MapStore& m_map;
    AnalysisService& m_analysis;
    DistrictService& m_districts;
    GrowthSource m_growth;
};

}  // namespace sightline::services
