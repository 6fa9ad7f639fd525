#pragma once
// Use cases of anonymous reporters: submit a report, withdraw it with its secret token.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "model/report.hpp"
#include "services/photo_service.hpp"
#include "services/plausibility.hpp"
#include "services/rate_limiter.hpp"
#include "store/map_store.hpp"
#include "store/store.hpp"

namespace sightline::services {

struct ReportOptions {
    double burst = 10;       ///< reports a client may send at once
    double per_hour = 30;    ///< refill; 0 disables the limit
    int max_duplicates = 5;  ///< likely duplicates listed per report
};

struct SubmittedReport {
    model::ReportId id;
    std::string withdraw_token;  ///< shown once to the reporter; only its hash is stored
    std::vector<model::DuplicateCandidate> likely_duplicates;
    std::vector<ScrubbedUpload> photos;  ///< as stored, with the suggestions they carried
};

struct ReportForReview {
    model::Report report;
    std::vector<model::DuplicateCandidate> likely_duplicates;
    std::vector<model::SimilarPhoto> similar_photos;  ///< other reports' look-alike pictures
};

class ReportService {
  public:
    /// With `map`, reports far from the imported streets are flagged for moderators.
    ReportService(store::Store& store, PhotoService& photos, ReportOptions options = {},
                  store::MapStore* map = nullptr);

    /// Validates and stores a pending report with its photos (raw uploads, scrubbed here: only
    /// the scrubbed images are stored). rate_limited when `client_key` sent too many. All or
    /// nothing: any failing photo fails the report and nothing is kept.
    Result<SubmittedReport> submit(model::NewReport report, std::uint64_t client_key,
                                   std::span<const std::string_view> photos = {});
    /// not_found for an unknown id or a wrong token (indistinguishable); conflict if decided.
    Status withdraw(model::ReportId id, std::string_view withdraw_token);
    /// Existing cameras that this report probably describes, best first (score > 0).
    std::vector<model::DuplicateCandidate> likely_duplicates(const model::NewReport& report);
    /// Reports with their likely duplicates, for moderators.
    std::vector<ReportForReview> list_for_review(const store::ReportQuery& query);
    Result<ReportForReview> find_for_review(model::ReportId id);

  private:
    store::Store& m_store;
    PhotoService& m_photos;
    std::optional<double> nearest_street_m(geo::LatLon location);

    ReportOptions m_options;
    RateLimiter m_limiter;
    store::MapStore* m_map;
    RecentReports m_recent;
};

}  // namespace sightline::services
