#pragma once
// The PostgreSQL (with PostGIS) implementation of every store role, for deployments of several
// servers on one database (docs/adr/018). A small pool of libpq connections serves the
// threads; the change counters are followed through LISTEN/NOTIFY (ChangeFollower), so caches
// of every server see the changes of the others. Photo bytes live in the database.
//
// The methods' code is split by role like SQLite's: reports.cpp (reports, photos), moderation.cpp,
// checks.cpp, cameras.cpp (cameras, history, spans), users.cpp (users, sessions, audit, stats),
// map_data.cpp, osm_import.cpp, places.cpp, campaigns.cpp, sources.cpp.

#include <chrono>
#include <memory>
#include <string>

#include "store/backend.hpp"

namespace sightline::store {

namespace postgres {
class Connection;
class Pool;
class ChangeFollower;
class PhotoTable;
class LoginTable;
}  // namespace postgres

struct PostgresOptions {
    int connections = 8;  ///< the pool's size
    /// How often the change counters are re-read when no notification came (catches a lost
    /// NOTIFY); notifications themselves are followed at once.
    std::chrono::milliseconds poll{1000};
    bool migrate = true;  ///< apply pending migrations when opening
};

class PostgresStore final : public Backend {
  public:
    /// Use open_postgres_store().
    PostgresStore(std::string conninfo, PostgresOptions options);
    PostgresStore(const PostgresStore&) = delete;
    PostgresStore& operator=(const PostgresStore&) = delete;
    ~PostgresStore() override;

    // --- reports ------------------------------------------------------------------------
    Result<model::ReportId> insert_report(const model::NewReport& report,
                                          const std::string& withdraw_hash,
                                          std::int64_t created_at) override;
    Result<model::Report> find_report(model::ReportId id) override;
    std::vector<model::Report> list_reports(const ReportQuery& query) override;
    Status withdraw_report(model::ReportId id, const std::string& withdraw_hash) override;
    Result<model::PhotoRecord> find_photo(std::string_view sha256) override;
    bool photo_is_public(std::string_view sha256) override;
    std::vector<model::CameraPhoto> camera_photos(model::CameraId id) override;
    std::vector<model::SimilarPhoto> similar_photos(std::uint64_t hash, int max_distance,
                                                    model::ReportId exclude, int limit) override;
    std::vector<std::string> delete_unreferenced_photos() override;

    // --- moderation ---------------------------------------------------------------------
    Result<model::Camera> accept_report(model::ReportId id, const Decision& decision) override;
    Result<model::Camera> merge_report(model::ReportId id, model::CameraId camera,
                                       const Decision& decision) override;
    Result<model::Report> reject_report(model::ReportId id, const Decision& decision) override;
    Result<model::Camera> remove_camera(model::CameraId id, const Decision& decision) override;

    Result<model::CameraCheck> insert_check(model::CameraId id, const model::NewCheck& check,
                                            std::int64_t created_at) override;
    Result<model::CameraCheck> find_check(std::int64_t id) override;
    std::vector<model::CameraCheck> list_checks(std::optional<model::CheckStatus> status, int limit,
                                                std::int64_t after_id) override;
    Result<model::Camera> accept_check(std::int64_t id, const Decision& decision) override;
    Result<model::CameraCheck> reject_check(std::int64_t id, const Decision& decision) override;
    std::vector<model::Camera> cameras_to_recheck(std::optional<geo::BBox> bbox,
                                                  int limit) override;

    // --- cameras ------------------------------------------------------------------------
    Result<model::Camera> find_camera(model::CameraId id) override;
    std::vector<model::CameraEvent> camera_history(model::CameraId id) override;
    std::vector<model::Camera> find_cameras(const CameraQuery& query) override;
    std::vector<model::Camera> cameras_near(geo::LatLon centre, double radius_m,
                                            int limit) override;
    std::vector<CameraStamp> camera_stamps() override;
    void for_each_camera(const std::function<void(const model::Camera&)>& visit) override;
    std::vector<model::Camera> camera_page(CameraOrder order, std::int64_t after,
                                           int limit) override;
    void for_each_camera_span(const std::optional<geo::BBox>& bbox,
                              const std::function<void(const CameraSpan&)>& visit) override;
    std::vector<std::int64_t> report_times(const std::optional<geo::BBox>& bbox) override;
    Result<std::vector<model::CameraId>> insert_cameras(
        const std::vector<model::NewCamera>& cameras, const Decision& decision) override;
    std::int64_t camera_version() override;
    std::int64_t cameras_changed_at() override;
    std::vector<AreaCameraEvent> camera_events_in(const geo::BBox& box, int limit) override;

    // --- users and sessions -------------------------------------------------------------
    /// Names are unique case-insensitively ("Alice" conflicts with "alice").
    Result<model::UserId> insert_user(const std::string& name, model::Role role,
                                      const std::string& password_hash,
                                      const Decision& decision) override;
    Result<model::User> find_user(model::UserId id) override;
    /// Case-insensitive.
    Result<model::User> find_user_by_name(std::string_view name) override;
    std::vector<model::User> list_users() override;
    Status set_user_disabled(std::string_view name, bool disabled,
                             const Decision& decision) override;
    Status insert_session(const model::SessionRecord& session) override;
    Result<model::SessionRecord> find_session(const std::string& token_hash,
                                              std::int64_t now) override;
    /// Succeeds also when there is no such session (logging out twice is not an error).
    Status delete_session(const std::string& token_hash) override;
    void delete_expired_sessions(std::int64_t now) override;

    // --- audit and statistics -----------------------------------------------------------
    std::vector<model::AuditEvent> list_audit(int limit,
                                              std::optional<std::int64_t> before_id) override;
    Stats stats() override;

    // --- OpenStreetMap imports (map_data.cpp) ------------------------------------------------
    Result<OsmImportSummary> apply_osm_import(const model::OsmExtract& extract,
                                              const Decision& decision) override;
    std::unique_ptr<OsmImportWriter> begin_osm_import(const Decision& decision) override;
    void for_each_street(const geo::BBox& bbox,
                         const std::function<void(const model::Street&)>& visit) override;
    std::optional<geo::BBox> street_bounds() override;
    void for_each_area(const geo::BBox& bbox, model::AreaKind kind,
                       const std::function<void(const model::Area&)>& visit) override;
    std::int64_t map_version() override;
    std::string data_id() override;
    std::optional<ImportRun> last_import() override;
    std::vector<model::District> districts(bool with_polygons) override;
    std::optional<model::District> find_district(std::int64_t id) override;

    // --- CampaignStore (campaigns.cpp) ---
    Result<model::Campaign> insert_campaign(const NewCampaign& campaign,
                                            const Decision& decision) override;
    std::vector<model::CampaignSummary> list_campaigns() override;
    Result<model::CampaignSummary> find_campaign(std::int64_t id) override;
    Result<std::optional<model::SurveyTask>> hold_nearest_task(std::int64_t campaign,
                                                               geo::LatLon near, std::int64_t now,
                                                               std::int64_t hold_s) override;
    Result<model::SurveyTask> find_task(std::int64_t campaign, std::int64_t task) override;
    Result<AnsweredTask> add_task_answer(std::int64_t campaign, std::int64_t task,
                                         const model::TaskAnswer& answer,
                                         std::int64_t now) override;
    std::vector<model::SurveyTask> list_tasks(std::int64_t campaign,
                                              std::optional<model::TaskState> state,
                                              int limit) override;
    Result<model::SurveyTask> resolve_task(std::int64_t campaign, std::int64_t task, int cameras,
                                           const Decision& decision) override;
    std::vector<model::SurveyTask> survey_tasks_in(const geo::BBox& bbox, int limit) override;
    std::int64_t survey_version() override;
    std::vector<model::Camera> cameras_changed_since_import() override;
    std::vector<model::Place> find_places(const PlaceQuery& query) override;
    std::vector<std::string> place_words_between(std::string_view from, std::string_view to,
                                                 int limit) override;
    std::vector<model::Place> places_near(geo::LatLon centre, double radius_m, int limit) override;
    std::int64_t place_count() override;

    // --- official lists and camera sources (sources.cpp) --------------------------------------
    Result<model::SourceId> insert_source(const model::NewSource& source,
                                          const Decision& decision) override;
    std::vector<model::Source> list_sources() override;
    Result<model::Source> find_source(model::SourceId id) override;
    std::vector<model::SourceEntry> source_entries(model::SourceId id) override;
    Status save_matching(model::SourceId id, const std::vector<model::SourceEntry>& entries,
                         std::int64_t camera_version) override;
    Status decide_entry(model::SourceId id, std::int64_t entry,
                        std::optional<model::CameraId> camera, const Decision& decision) override;
    std::vector<CrowdCamera> crowd_cameras(const geo::BBox& bbox) override;
    std::vector<model::CameraSource> camera_sources(model::CameraId id) override;
    std::vector<std::pair<model::CameraId, model::CameraSource>> camera_sources_between(
        model::CameraId first, model::CameraId last) override;

    // --- Backend --------------------------------------------------------------------------
    [[nodiscard]] std::string describe() const override;
    int schema_version() override;
    bool reachable() noexcept override;
    PhotoStorage& photo_storage() override;
    LoginCounters* shared_login_counters() override;
    std::optional<std::string> shared_client_key_secret() override;

  private:
    /// Reads the change counters after this process committed a change (read your writes).
    void saw_change(postgres::Connection& db);

    std::string m_conninfo;
    std::unique_ptr<postgres::Pool> m_pool;
    std::unique_ptr<postgres::PhotoTable> m_photos;
    std::unique_ptr<postgres::LoginTable> m_logins;
    std::unique_ptr<postgres::ChangeFollower> m_follower;
};

/// Connects (libpq URL or connection string; PG* environment variables fill in the rest) and
/// applies pending migrations. Throws store::Unavailable if the server cannot be reached,
/// sightline::Exception if PostGIS is missing or the schema is newer than this build.
std::unique_ptr<PostgresStore> open_postgres_store(const std::string& conninfo,
                                                   PostgresOptions options = {});

}  // namespace sightline::store
