#pragma once
// The SQLite implementation of store::Store: one database file DATA_DIR/sightline.db in WAL
// mode, one writer connection behind a mutex, a pool of read-only connections for reads.
// Several processes may open the same data directory (the CLI adding a user while the server
// runs): writers take SQLite's write lock with BEGIN IMMEDIATE and wait up to 5 s for it.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>

#include "store/backend.hpp"
#include "store/photo_files.hpp"

namespace sightline::store {

namespace sqlite {
class Connection;
class ReadPool;
}  // namespace sqlite

struct SqliteOptions {
    /// WAL + synchronous=FULL: a 2xx-acknowledged report survives power loss. NORMAL (false)
    /// may lose the last commits on power loss (never on a process crash) but never corrupts.
    bool synchronous_full = true;
    int read_connections = 4;       ///< pool of read-only connections (at least 1 is opened)
    bool create_if_missing = true;  ///< create the data directory and the database file
    bool memory_map = true;         ///< readers map the file (store::OpenOptions::memory_map)
    /// A database file this store creates is written with a rollback journal while it is open
    /// and switched to WAL when it closes (store::OpenOptions::rollback_journal_if_new).
    bool rollback_journal_if_new = false;
};

class SqliteStore final : public Backend {
  public:
    /// Use open_sqlite_store().
    SqliteStore(std::filesystem::path database_path, SqliteOptions options);
    SqliteStore(const SqliteStore&) = delete;
    SqliteStore& operator=(const SqliteStore&) = delete;
    ~SqliteStore() override;

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
    void release_read_maps() override;

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

    // --- SQLite specifics ---------------------------------------------------------------
    /// Consistent copy of the live database to `destination` (SQLite online backup API), safe
    /// while serving: it reads one snapshot and does not block writers. The copy is written
    /// next to `destination` and renamed over it when complete. invalid_argument if the
    /// destination cannot be created; throws sightline::Exception on I/O errors while copying.
    Status backup_to(const std::filesystem::path& destination);
    /// `PRAGMA user_version`: the number of the last applied migration.
    int schema_version() override;
    std::filesystem::path database_path() const;
    /// "sqlite:" and the absolute data folder.
    [[nodiscard]] std::string describe() const override;
    /// The file is local: true unless a read fails.
    bool reachable() noexcept override;
    /// Files under DATA_DIR/photos.
    PhotoStorage& photo_storage() override { return m_photos; }

  private:
    std::filesystem::path m_path;
    bool m_rollback_journal = false;  ///< created by this store with rollback_journal_if_new
    PhotoFiles m_photos;
    std::mutex m_write_mutex;  // guards m_writer; held for the length of one write transaction
    std::unique_ptr<sqlite::Connection> m_writer;
    std::unique_ptr<sqlite::ReadPool> m_readers;
};

/// Opens (creating if needed) DATA_DIR/sightline.db and applies pending migrations. Throws
/// sightline::Exception with a clear message (path + SQLite's error text) if the directory or
/// file cannot be opened or is not a database, or if the schema is newer than this build.
std::unique_ptr<SqliteStore> open_sqlite_store(const std::filesystem::path& data_dir,
                                               SqliteOptions options = {});

}  // namespace sightline::store
