// PostgresStore: osm import (see postgres_store.hpp).
#include "store/postgres/postgres_store.hpp"

#include "store/postgres/not_yet.hpp"

#pragma GCC diagnostic ignored "-Wunused-parameter"  // until written

namespace sightline::store {

Result<OsmImportSummary> PostgresStore::apply_osm_import(const model::OsmExtract& extract,
                                                         const Decision& decision) {
    postgres::not_yet("apply_osm_import");
}

std::unique_ptr<OsmImportWriter> PostgresStore::begin_osm_import(const Decision& decision) {
    postgres::not_yet("begin_osm_import");
}

}  // namespace sightline::store
