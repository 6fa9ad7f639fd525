// PostgresStore: sources (see postgres_store.hpp).
#include "store/postgres/postgres_store.hpp"

#include "store/postgres/not_yet.hpp"

#pragma GCC diagnostic ignored "-Wunused-parameter"  // until written

namespace sightline::store {

Result<model::SourceId> PostgresStore::insert_source(const model::NewSource& source,
                                                     const Decision& decision) {
    postgres::not_yet("insert_source");
}

std::vector<model::Source> PostgresStore::list_sources() {
    postgres::not_yet("list_sources");
}

Result<model::Source> PostgresStore::find_source(model::SourceId id) {
    postgres::not_yet("find_source");
}

std::vector<model::SourceEntry> PostgresStore::source_entries(model::SourceId id) {
    postgres::not_yet("source_entries");
}

Status PostgresStore::save_matching(model::SourceId id,
                                    const std::vector<model::SourceEntry>& entries,
                                    std::int64_t camera_version) {
    postgres::not_yet("save_matching");
}

Status PostgresStore::decide_entry(model::SourceId id, std::int64_t entry,
                                   std::optional<model::CameraId> camera,
                                   const Decision& decision) {
    postgres::not_yet("decide_entry");
}

std::vector<CrowdCamera> PostgresStore::crowd_cameras(const geo::BBox& bbox) {
    postgres::not_yet("crowd_cameras");
}

std::vector<model::CameraSource> PostgresStore::camera_sources(model::CameraId id) {
    postgres::not_yet("camera_sources");
}

std::vector<std::pair<model::CameraId, model::CameraSource>> PostgresStore::camera_sources_between(
    model::CameraId first, model::CameraId last) {
    postgres::not_yet("camera_sources_between");
}

}  // namespace sightline::store
