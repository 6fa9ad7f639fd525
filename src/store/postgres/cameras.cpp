// PostgresStore: cameras (see postgres_store.hpp).
#include "store/postgres/postgres_store.hpp"

#include "store/postgres/not_yet.hpp"

#pragma GCC diagnostic ignored "-Wunused-parameter"  // until written

namespace sightline::store {

Result<model::Camera> PostgresStore::find_camera(model::CameraId id) {
    postgres::not_yet("find_camera");
}

std::vector<model::CameraEvent> PostgresStore::camera_history(model::CameraId id) {
    postgres::not_yet("camera_history");
}

std::vector<model::Camera> PostgresStore::find_cameras(const CameraQuery& query) {
    postgres::not_yet("find_cameras");
}

std::vector<model::Camera> PostgresStore::cameras_near(geo::LatLon centre, double radius_m,
                                                       int limit) {
    postgres::not_yet("cameras_near");
}

std::vector<CameraStamp> PostgresStore::camera_stamps() {
    postgres::not_yet("camera_stamps");
}

void PostgresStore::for_each_camera(const std::function<void(const model::Camera&)>& visit) {
    postgres::not_yet("for_each_camera");
}

std::vector<model::Camera> PostgresStore::camera_page(CameraOrder order, std::int64_t after,
                                                      int limit) {
    postgres::not_yet("camera_page");
}

void PostgresStore::for_each_camera_span(const std::optional<geo::BBox>& bbox,
                                         const std::function<void(const CameraSpan&)>& visit) {
    postgres::not_yet("for_each_camera_span");
}

std::vector<std::int64_t> PostgresStore::report_times(const std::optional<geo::BBox>& bbox) {
    postgres::not_yet("report_times");
}

Result<std::vector<model::CameraId>> PostgresStore::insert_cameras(
    const std::vector<model::NewCamera>& cameras, const Decision& decision) {
    postgres::not_yet("insert_cameras");
}

std::int64_t PostgresStore::cameras_changed_at() {
    postgres::not_yet("cameras_changed_at");
}

std::vector<AreaCameraEvent> PostgresStore::camera_events_in(const geo::BBox& box, int limit) {
    postgres::not_yet("camera_events_in");
}

}  // namespace sightline::store
