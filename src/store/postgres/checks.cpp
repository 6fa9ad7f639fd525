// PostgresStore: checks (see postgres_store.hpp).
#include "store/postgres/postgres_store.hpp"

#include "store/postgres/not_yet.hpp"

#pragma GCC diagnostic ignored "-Wunused-parameter"  // until written

namespace sightline::store {

Result<model::CameraCheck> PostgresStore::insert_check(model::CameraId id,
                                                       const model::NewCheck& check,
                                                       std::int64_t created_at) {
    postgres::not_yet("insert_check");
}

Result<model::CameraCheck> PostgresStore::find_check(std::int64_t id) {
    postgres::not_yet("find_check");
}

std::vector<model::CameraCheck> PostgresStore::list_checks(std::optional<model::CheckStatus> status,
                                                           int limit, std::int64_t after_id) {
    postgres::not_yet("list_checks");
}

Result<model::Camera> PostgresStore::accept_check(std::int64_t id, const Decision& decision) {
    postgres::not_yet("accept_check");
}

Result<model::CameraCheck> PostgresStore::reject_check(std::int64_t id, const Decision& decision) {
    postgres::not_yet("reject_check");
}

std::vector<model::Camera> PostgresStore::cameras_to_recheck(std::optional<geo::BBox> bbox,
                                                             int limit) {
    postgres::not_yet("cameras_to_recheck");
}

}  // namespace sightline::store
