#include "osm/store_import.hpp"

namespace sightline::osm {

Result<store::OsmImportSummary> import_osm_file(const std::filesystem::path& path,
                                                store::MapStore& store,
                                                const store::Decision& decision,
                                                const ImportOptions& options) {
    // read_osm_file checks the file first (check_osm_file); a file it refuses only opened
    // the transaction, which the writer rolls back.
    auto writer = store.begin_osm_import(decision);
    auto rest = read_osm_file(path, *writer, options);
    if (!rest && relations_not_last(rest.error())) {
        // A file not sorted by type (rare): what was written is dropped and the file read again,
        // every blob searched for relations.
        writer.reset();
        writer = store.begin_osm_import(decision);
        ImportOptions whole_file = options;
        whole_file.relation_search = RelationSearch::whole_file;
        rest = read_osm_file(path, *writer, whole_file);
    }
    if (!rest) return std::unexpected(rest.error());  // the writer rolls back
    return writer->finish(*rest);
}

}  // namespace sightline::osm
