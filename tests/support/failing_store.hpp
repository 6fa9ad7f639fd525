#pragma once
// A store that fails on its Nth call and otherwise passes every call to a real one: to check
// that services turn store failures into clean errors and leave nothing half-written (issue 13).
// Generated from the Backend interface: every method of every role counts as one call.

#include <stdexcept>
#include <string>

#include "core/error.hpp"
#include "store/backend.hpp"

namespace sightline::testing {

class FailingStore final : public store::Backend {
  public:
    enum class Failure { unavailable, environment };
    /// Call number `fail_on` (1-based; 0: never) throws UnavailableError (a database that went
    /// away) or sightline::Exception (a disk that refused); later calls pass again.
    FailingStore(store::Backend& inner, int fail_on, Failure failure = Failure::unavailable)
        : m_inner(inner), m_fail_on(fail_on), m_failure(failure) {}
    [[nodiscard]] int calls() const noexcept { return m_calls; }
    void fail_on(int call) noexcept {
        m_fail_on = call;
        m_calls = 0;
    }

    Result<model::ReportId> insert_report(const model::NewReport& report,
                                          const std::string& withdraw_hash,
                                          std::int64_t created_at) override {
        tick();
        return m_inner.insert_report(report, withdraw_hash, created_at);
    }
    Result<model::Report> find_report(model::ReportId id) override {
        tick();
        return m_inner.find_report(id);
    }
    std::vector<model::Report> list_reports(const store::ReportQuery& query) override {
        tick();
        return m_inner.list_reports(query);
    }
    Status withdraw_report(model::ReportId id, const std::string& withdraw_hash) override {
        tick();
        return m_inner.withdraw_report(id, withdraw_hash);
    }
    Result<model::PhotoRecord> find_photo(std::string_view sha256) override {
        tick();
        return m_inner.find_photo(sha256);
    }
    bool photo_is_public(std::string_view sha256) override {
        tick();
        return m_inner.photo_is_public(sha256);
    }
    std::vector<model::CameraPhoto> camera_photos(model::CameraId id) override {
        tick();
        return m_inner.camera_photos(id);
    }
    std::vector<model::SimilarPhoto> similar_photos(std::uint64_t hash, int max_distance,
                                                    model::ReportId exclude, int limit) override {
        tick();
        return m_inner.similar_photos(hash, max_distance, exclude, limit);
    }
    std::vector<std::string> delete_unreferenced_photos() override {
        tick();
        return m_inner.delete_unreferenced_photos();
    }
    Result<model::Camera> accept_report(model::ReportId id,
                                        const store::Decision& decision) override {
        tick();
        return m_inner.accept_report(id, decision);
    }
    Result<model::Camera> merge_report(model::ReportId id, model::CameraId camera,
                                       const store::Decision& decision) override {
        tick();
        return m_inner.merge_report(id, camera, decision);
    }
    Result<model::Report> reject_report(model::ReportId id,
                                        const store::Decision& decision) override {
        tick();
        return m_inner.reject_report(id, decision);
    }
    Result<model::Camera> remove_camera(model::CameraId id,
                                        const store::Decision& decision) override {
        tick();
        return m_inner.remove_camera(id, decision);
    }
    Result<model::CameraCheck> insert_check(model::CameraId id, const model::NewCheck& check,
                                            std::int64_t created_at) override {
        tick();
        return m_inner.insert_check(id, check, created_at);
    }
    Result<model::CameraCheck> find_check(std::int64_t id) override {
        tick();
        return m_inner.find_check(id);
    }
    std::vector<model::CameraCheck> list_checks(std::optional<model::CheckStatus> status, int limit,
                                                std::int64_t after_id) override {
        tick();
        return m_inner.list_checks(status, limit, after_id);
    }
    Result<model::Camera> accept_check(std::int64_t id, const store::Decision& decision) override {
        tick();
        return m_inner.accept_check(id, decision);
    }
    Result<model::CameraCheck> reject_check(std::int64_t id,
                                            const store::Decision& decision) override {
        tick();
        return m_inner.reject_check(id, decision);
    }
    std::vector<model::Camera> cameras_to_recheck(std::optional<geo::BBox> bbox,
                                                  int limit) override {
        tick();
        return m_inner.cameras_to_recheck(bbox, limit);
    }
    Result<model::Camera> find_camera(model::CameraId id) override {
        tick();
        return m_inner.find_camera(id);
    }
    std::vector<model::CameraEvent> camera_history(model::CameraId id) override {
        tick();
        return m_inner.camera_history(id);
    }
    std::vector<model::Camera> find_cameras(const store::CameraQuery& query) override {
        tick();
        return m_inner.find_cameras(query);
    }
    std::vector<model::Camera> cameras_near(geo::LatLon centre, double radius_m,
                                            int limit) override {
        tick();
        return m_inner.cameras_near(centre, radius_m, limit);
    }
    std::vector<store::CameraStamp> camera_stamps() override {
        tick();
        return m_inner.camera_stamps();
    }
    void for_each_camera(const std::function<void(const model::Camera&)>& visit) override {
        tick();
        return m_inner.for_each_camera(visit);
    }
    std::vector<model::Camera> camera_page(store::CameraOrder order, std::int64_t after,
                                           int limit) override {
        tick();
        return m_inner.camera_page(order, after, limit);
    }
    void for_each_camera_span(const std::optional<geo::BBox>& bbox,
                              const std::function<void(const store::CameraSpan&)>& visit) override {
        tick();
        return m_inner.for_each_camera_span(bbox, visit);
    }
    std::vector<std::int64_t> report_times(const std::optional<geo::BBox>& bbox) override {
        tick();
        return m_inner.report_times(bbox);
    }
    Result<std::vector<model::CameraId>> insert_cameras(
        const std::vector<model::NewCamera>& cameras, const store::Decision& decision) override {
        tick();
        return m_inner.insert_cameras(cameras, decision);
    }
    std::int64_t camera_version() override {
        tick();
        return m_inner.camera_version();
    }
    std::int64_t cameras_changed_at() override {
        tick();
        return m_inner.cameras_changed_at();
    }
    std::vector<store::AreaCameraEvent> camera_events_in(const geo::BBox& box, int limit) override {
        tick();
        return m_inner.camera_events_in(box, limit);
    }
    Result<model::UserId> insert_user(const std::string& name, model::Role role,
                                      const std::string& password_hash,
                                      const store::Decision& decision) override {
        tick();
        return m_inner.insert_user(name, role, password_hash, decision);
    }
    Result<model::User> find_user(model::UserId id) override {
        tick();
        return m_inner.find_user(id);
    }
    Result<model::User> find_user_by_name(std::string_view name) override {
        tick();
        return m_inner.find_user_by_name(name);
    }
    std::vector<model::User> list_users() override {
        tick();
        return m_inner.list_users();
    }
    Status set_user_disabled(std::string_view name, bool disabled,
                             const store::Decision& decision) override {
        tick();
        return m_inner.set_user_disabled(name, disabled, decision);
    }
    Status insert_session(const model::SessionRecord& session) override {
        tick();
        return m_inner.insert_session(session);
    }
    Result<model::SessionRecord> find_session(const std::string& token_hash,
                                              std::int64_t now) override {
        tick();
        return m_inner.find_session(token_hash, now);
    }
    Status delete_session(const std::string& token_hash) override {
        tick();
        return m_inner.delete_session(token_hash);
    }
    void delete_expired_sessions(std::int64_t now) override {
        tick();
        return m_inner.delete_expired_sessions(now);
    }
    std::vector<model::AuditEvent> list_audit(int limit,
                                              std::optional<std::int64_t> before_id) override {
        tick();
        return m_inner.list_audit(limit, before_id);
    }
    store::Stats stats() override {
        tick();
        return m_inner.stats();
    }
    Result<store::OsmImportSummary> apply_osm_import(const model::OsmExtract& extract,
                                                     const store::Decision& decision) override {
        tick();
        return m_inner.apply_osm_import(extract, decision);
    }
    std::unique_ptr<store::OsmImportWriter> begin_osm_import(
        const store::Decision& decision) override {
        tick();
        return m_inner.begin_osm_import(decision);
    }
    void for_each_street(const geo::BBox& bbox,
                         const std::function<void(const model::Street&)>& visit) override {
        tick();
        return m_inner.for_each_street(bbox, visit);
    }
    std::optional<geo::BBox> street_bounds() override {
        tick();
        return m_inner.street_bounds();
    }
    void for_each_area(const geo::BBox& bbox, model::AreaKind kind,
                       const std::function<void(const model::Area&)>& visit) override {
        tick();
        return m_inner.for_each_area(bbox, kind, visit);
    }
    std::int64_t map_version() override {
        tick();
        return m_inner.map_version();
    }
    std::string data_id() override {
        tick();
        return m_inner.data_id();
    }
    std::optional<store::ImportRun> last_import() override {
        tick();
        return m_inner.last_import();
    }
    std::vector<model::District> districts(bool with_polygons) override {
        tick();
        return m_inner.districts(with_polygons);
    }
    std::optional<model::District> find_district(std::int64_t id) override {
        tick();
        return m_inner.find_district(id);
    }
    Result<model::Campaign> insert_campaign(const store::NewCampaign& campaign,
                                            const store::Decision& decision) override {
        tick();
        return m_inner.insert_campaign(campaign, decision);
    }
    std::vector<model::CampaignSummary> list_campaigns() override {
        tick();
        return m_inner.list_campaigns();
    }
    Result<model::CampaignSummary> find_campaign(std::int64_t id) override {
        tick();
        return m_inner.find_campaign(id);
    }
    Result<std::optional<model::SurveyTask>> hold_nearest_task(std::int64_t campaign,
                                                               geo::LatLon near, std::int64_t now,
                                                               std::int64_t hold_s) override {
        tick();
        return m_inner.hold_nearest_task(campaign, near, now, hold_s);
    }
    Result<model::SurveyTask> find_task(std::int64_t campaign, std::int64_t task) override {
        tick();
        return m_inner.find_task(campaign, task);
    }
    Result<store::AnsweredTask> add_task_answer(std::int64_t campaign, std::int64_t task,
                                                const model::TaskAnswer& answer,
                                                std::int64_t now) override {
        tick();
        return m_inner.add_task_answer(campaign, task, answer, now);
    }
    std::vector<model::SurveyTask> list_tasks(std::int64_t campaign,
                                              std::optional<model::TaskState> state,
                                              int limit) override {
        tick();
        return m_inner.list_tasks(campaign, state, limit);
    }
    Result<model::SurveyTask> resolve_task(std::int64_t campaign, std::int64_t task, int cameras,
                                           const store::Decision& decision) override {
        tick();
        return m_inner.resolve_task(campaign, task, cameras, decision);
    }
    std::vector<model::SurveyTask> survey_tasks_in(const geo::BBox& bbox, int limit) override {
        tick();
        return m_inner.survey_tasks_in(bbox, limit);
    }
    std::int64_t survey_version() override {
        tick();
        return m_inner.survey_version();
    }
    std::vector<model::Camera> cameras_changed_since_import() override {
        tick();
        return m_inner.cameras_changed_since_import();
    }
    std::vector<model::Place> find_places(const store::PlaceQuery& query) override {
        tick();
        return m_inner.find_places(query);
    }
    std::vector<std::string> place_words_between(std::string_view from, std::string_view to,
                                                 int limit) override {
        tick();
        return m_inner.place_words_between(from, to, limit);
    }
    std::vector<model::Place> places_near(geo::LatLon centre, double radius_m, int limit) override {
        tick();
        return m_inner.places_near(centre, radius_m, limit);
    }
    std::int64_t place_count() override {
        tick();
        return m_inner.place_count();
    }
    Result<model::SourceId> insert_source(const model::NewSource& source,
                                          const store::Decision& decision) override {
        tick();
        return m_inner.insert_source(source, decision);
    }
    std::vector<model::Source> list_sources() override {
        tick();
        return m_inner.list_sources();
    }
    Result<model::Source> find_source(model::SourceId id) override {
        tick();
        return m_inner.find_source(id);
    }
    std::vector<model::SourceEntry> source_entries(model::SourceId id) override {
        tick();
        return m_inner.source_entries(id);
    }
    Status save_matching(model::SourceId id, const std::vector<model::SourceEntry>& entries,
                         std::int64_t camera_version) override {
        tick();
        return m_inner.save_matching(id, entries, camera_version);
    }
    Status decide_entry(model::SourceId id, std::int64_t entry,
                        std::optional<model::CameraId> camera,
                        const store::Decision& decision) override {
        tick();
        return m_inner.decide_entry(id, entry, camera, decision);
    }
    std::vector<store::CrowdCamera> crowd_cameras(const geo::BBox& bbox) override {
        tick();
        return m_inner.crowd_cameras(bbox);
    }
    std::vector<model::CameraSource> camera_sources(model::CameraId id) override {
        tick();
        return m_inner.camera_sources(id);
    }
    std::vector<std::pair<model::CameraId, model::CameraSource>> camera_sources_between(
        model::CameraId first, model::CameraId last) override {
        tick();
        return m_inner.camera_sources_between(first, last);
    }
    std::string describe() const override { return m_inner.describe(); }
    int schema_version() override {
        tick();
        return m_inner.schema_version();
    }
    bool reachable() noexcept override { return m_inner.reachable(); }
    store::PhotoStorage& photo_storage() override {
        tick();
        return m_inner.photo_storage();
    }
    store::LoginCounters* shared_login_counters() override {
        tick();
        return m_inner.shared_login_counters();
    }
    std::optional<std::string> shared_client_key_secret() override {
        tick();
        return m_inner.shared_client_key_secret();
    }

  private:
    void tick() {
        if (++m_calls != m_fail_on) return;
        if (m_failure == Failure::unavailable)
            throw UnavailableError("injected: the database went away");
        throw sightline::Exception("injected: disk I/O error");
    }

    store::Backend& m_inner;
    int m_fail_on;
    Failure m_failure;
    int m_calls = 0;
};

}  // namespace sightline::testing
