// PostgresStore: places (see postgres_store.hpp).
#include "store/postgres/postgres_store.hpp"

#include "store/postgres/not_yet.hpp"

#pragma GCC diagnostic ignored "-Wunused-parameter"  // until written

namespace sightline::store {

std::vector<model::Place> PostgresStore::find_places(const PlaceQuery& query) {
    postgres::not_yet("find_places");
}

std::vector<std::string> PostgresStore::place_words_between(std::string_view from,
                                                            std::string_view to, int limit) {
    postgres::not_yet("place_words_between");
}

std::vector<model::Place> PostgresStore::places_near(geo::LatLon centre, double radius_m,
                                                     int limit) {
    postgres::not_yet("places_near");
}

std::int64_t PostgresStore::place_count() {
    postgres::not_yet("place_count");
}

}  // namespace sightline::store
