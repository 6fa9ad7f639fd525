// PostgresStore: map data (see postgres_store.hpp).
#include "store/postgres/postgres_store.hpp"

#include "store/postgres/not_yet.hpp"

#pragma GCC diagnostic ignored "-Wunused-parameter"  // until written

namespace sightline::store {

void PostgresStore::for_each_street(const geo::BBox& bbox,
                                    const std::function<void(const model::Street&)>& visit) {
    postgres::not_yet("for_each_street");
}

std::optional<geo::BBox> PostgresStore::street_bounds() {
    postgres::not_yet("street_bounds");
}

void PostgresStore::for_each_area(const geo::BBox& bbox, model::AreaKind kind,
                                  const std::function<void(const model::Area&)>& visit) {
    postgres::not_yet("for_each_area");
}

std::optional<ImportRun> PostgresStore::last_import() {
    postgres::not_yet("last_import");
}

std::vector<model::District> PostgresStore::districts(bool with_polygons) {
    postgres::not_yet("districts");
}

std::optional<model::District> PostgresStore::find_district(std::int64_t id) {
    postgres::not_yet("find_district");
}

std::vector<model::Camera> PostgresStore::cameras_changed_since_import() {
    postgres::not_yet("cameras_changed_since_import");
}

}  // namespace sightline::store
