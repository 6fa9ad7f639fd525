#include "osm/store_import.hpp"

namespace sightline::osm {

Result<store::OsmImportSummary> import_osm_file(const std::filesystem::path& path,
                                                store::MapStore& store,
                                                const store::Decision& decision,
                                                const ImportOptions& options) {
    if (auto ok = check_osm_file(path); !ok) return std::unexpected(ok.error());
    auto writer = store.begin_osm_import(decision);
    auto rest = read_osm_file(path, *writer, options);
    if (!rest) return std::unexpected(rest.error());  // the writer rolls back
    return writer->finish(*rest);
}

}  // namespace sightline::osm
