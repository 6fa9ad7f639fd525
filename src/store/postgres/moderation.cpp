// PostgresStore: moderation (see postgres_store.hpp).
#include "store/postgres/postgres_store.hpp"

#include "store/postgres/not_yet.hpp"

#pragma GCC diagnostic ignored "-Wunused-parameter"  // until written

namespace sightline::store {

Result<model::Camera> PostgresStore::accept_report(model::ReportId id, const Decision& decision) {
    postgres::not_yet("accept_report");
}

Result<model::Camera> PostgresStore::merge_report(model::ReportId id, model::CameraId camera,
                                                  const Decision& decision) {
    postgres::not_yet("merge_report");
}

Result<model::Report> PostgresStore::reject_report(model::ReportId id, const Decision& decision) {
    postgres::not_yet("reject_report");
}

Result<model::Camera> PostgresStore::remove_camera(model::CameraId id, const Decision& decision) {
    postgres::not_yet("remove_camera");
}

}  // namespace sightline::store
