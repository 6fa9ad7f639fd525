#pragma once
// Importing an OpenStreetMap extract into the store while it is read (MapStore::begin_osm_import):
// what `sightline import` does, with memory bounded whatever the file's size.

#include <filesystem>

#include "core/error.hpp"
#include "osm/importer.hpp"
#include "store/map_store.hpp"

namespace sightline::osm {

/// Reads `path` (read_osm_file) straight into an OsmImportWriter of `store` and commits it once
/// the whole file was read. A missing, truncated or corrupt file fails as read_osm_file() does
/// and changes nothing in the store (the open transaction is rolled back). Holds the store's
/// write lock for the whole read. Throws sightline::Exception on environment failures (disk
/// full, a lost database); nothing is committed then either.
Result<store::OsmImportSummary> import_osm_file(const std::filesystem::path& path,
                                                store::MapStore& store,
                                                const store::Decision& decision,
                                                const ImportOptions& options = {});

}  // namespace sightline::osm
