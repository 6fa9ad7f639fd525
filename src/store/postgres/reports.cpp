// PostgresStore: reports (see postgres_store.hpp).
#include "store/postgres/postgres_store.hpp"

#include "store/postgres/not_yet.hpp"

#pragma GCC diagnostic ignored "-Wunused-parameter"  // until written

namespace sightline::store {

Result<model::ReportId> PostgresStore::insert_report(const model::NewReport& report,
                                                     const std::string& withdraw_hash,
                                                     std::int64_t created_at) {
    postgres::not_yet("insert_report");
}

Result<model::Report> PostgresStore::find_report(model::ReportId id) {
    postgres::not_yet("find_report");
}

std::vector<model::Report> PostgresStore::list_reports(const ReportQuery& query) {
    postgres::not_yet("list_reports");
}

Status PostgresStore::withdraw_report(model::ReportId id, const std::string& withdraw_hash) {
    postgres::not_yet("withdraw_report");
}

Result<model::PhotoRecord> PostgresStore::find_photo(std::string_view sha256) {
    postgres::not_yet("find_photo");
}

bool PostgresStore::photo_is_public(std::string_view sha256) {
    postgres::not_yet("photo_is_public");
}

std::vector<model::CameraPhoto> PostgresStore::camera_photos(model::CameraId id) {
    postgres::not_yet("camera_photos");
}

std::vector<model::SimilarPhoto> PostgresStore::similar_photos(std::uint64_t hash, int max_distance,
                                                               model::ReportId exclude, int limit) {
    postgres::not_yet("similar_photos");
}

std::vector<std::string> PostgresStore::delete_unreferenced_photos() {
    postgres::not_yet("delete_unreferenced_photos");
}

}  // namespace sightline::store
