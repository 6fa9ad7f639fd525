#pragma once
// Reading an OpenStreetMap extract (.osm.pbf, .osm, .osm.bz2, .osm.gz) into an OsmExtract: the
// cameras, the walkable street network, buildings, water and parks. libosmium stays in
// importer.cpp; nothing here names an osmium type.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "model/map_data.hpp"
#include "model/map_data_sink.hpp"

namespace sightline::osm {

/// Where a read stands; sent to ImportOptions::on_progress.
struct ReadProgress {
    int pass = 1;  ///< 1: relations, 2: nodes and ways, 3: places written
    /// Of the (compressed) file, in passes 1 and 2: what libosmium's reader thread has read,
    /// up to pbf_read_ahead_bytes ahead of what was handled.
    std::uint64_t bytes_read = 0;
    std::uint64_t bytes_total = 0;
    std::uint64_t objects = 0;         ///< nodes, ways and relations seen so far (passes 1 and 2)
    std::uint64_t places_written = 0;  ///< pass 3: handed to the sink so far
    std::uint64_t places_total = 0;    ///< pass 3: all of them
    double elapsed_s = 0;              ///< since the read started
};

/// How far libosmium's reader thread reads ahead of the decoding at most: the import keeps its
/// queue at 2 chunks of 1 MiB (OSMIUM_MAX_INPUT_QUEUE_SIZE, unless set), plus about 2 MiB of
/// blocks waiting to be decoded.
inline constexpr std::uint64_t pbf_read_ahead_bytes = 4u << 20;

/// What a read skipped or could not use; none of it is fatal.
struct ReadStats {
    std::uint64_t nodes = 0;
    std::uint64_t ways = 0;
    std::uint64_t relations = 0;
    std::uint64_t missing_node_refs = 0;     ///< distinct node ids referenced by ways but absent
    std::uint64_t dropped_ways = 0;          ///< wanted ways with fewer than 2 resolvable nodes
    std::uint64_t broken_multipolygons = 0;  ///< wanted areas (ways or relations) not assembled
};

/// Where pass 1 looks for a PBF file's relations (an XML file is always read whole).
enum class RelationSearch {
    /// In the blobs at the end of the file, found by bisection: every common writer (osmium,
    /// osmconvert, Osmosis, the planet and Geofabrik) puts nodes first, then ways, then
    /// relations. Pass 1 then decodes a few percent of the file instead of all of it. Should
    /// pass 2 meet a relation elsewhere, the read fails with relations_not_last().
    last_blobs,
    /// In every blob.
    whole_file,
};

struct ImportOptions {
    /// Called every few thousand objects and once at the end of each pass, on the calling
    /// thread. May be empty.
    std::function<void(const ReadProgress&)> on_progress;
    /// If set, receives the statistics of a successful read.
    ReadStats* stats = nullptr;
    /// Where temporary files go (the places waiting for their context; unlinked at once). Empty:
    /// the system's temporary directory. The import puts them in the data folder.
    std::filesystem::path temp_dir;
    /// The admin_level of the districts (boundary=administrative) to read; 0: the finest level
    /// present among 8-10.
    int district_level = 0;
    RelationSearch relation_search = RelationSearch::last_blobs;
};

/// The failure of a read with RelationSearch::last_blobs of a file whose relations are not all
/// at its end (Errc::conflict). Nothing is wrong with the file: the caller drops what the sink
/// got and reads it again with RelationSearch::whole_file, as import_osm_file() does.
bool relations_not_last(const Error& error);

/// True if the file name ends in a suffix read_osm_file() accepts.
bool is_osm_file_name(std::string_view file_name);

/// The checks made before reading: not_found if the file does not exist, invalid_argument
/// "cannot read FILE: ..." for a directory, an unknown suffix or a PBF whose blob framing is
/// unusable. Cheap (a PBF's blob headers are walked, not decoded).
Status check_osm_file(const std::filesystem::path& path);

/// Reads the extract, handing its cameras, streets and areas to `sink` as they are built and its
/// places at the end (their context needs all of them); returns the rest: the source name, the
/// bounds and the districts. Memory does not grow with the number of nodes (they wait in a
/// temporary file). Fails as check_osm_file(), and with invalid_argument
/// "cannot read FILE: ..." for a truncated or corrupt file, possibly after the sink received
/// part of it: the caller must be able to drop what it got (OsmImportWriter rolls back).
/// Dangling node references and broken multipolygons are skipped and counted in ReadStats. The
/// bounds are the header box (clipped to the nodes' box when it is a placeholder over 100 times
/// larger), else the box of the nodes read. Blocks; uses libosmium's decoder threads for PBF.
/// With RelationSearch::last_blobs (the default), a PBF whose relations are not all at its end
/// fails with relations_not_last() once the sink got part of it.
/// Throws sightline::Exception when the sink or a temporary file fails (disk full).
Result<model::OsmExtract> read_osm_file(const std::filesystem::path& path, model::MapDataSink& sink,
                                        const ImportOptions& options = {});

/// The same, everything in memory (small extracts, tests, fuzzing): the sink's part is put into
/// the extract's cameras, streets, areas and places. Nothing is written anywhere but a temporary
/// file.
Result<model::OsmExtract> read_osm_file(const std::filesystem::path& path,
                                        const ImportOptions& options = {});

// --- what is kept (exposed for tests) ------------------------------------------------------

/// A tag lookup: value of a key, or nullptr.
using TagLookup = std::function<const char*(const char* key)>;

/// True for highway=* ways usable on foot: footway, residential, primary, ... minus
/// foot=no / access=no|private (unless foot=yes|designated|permissive), minus area=yes, minus
/// motorways unless foot=yes.
bool is_walkable(const TagLookup& tag);
/// True for a node on a way that people on foot cannot pass: barrier=* with foot=no or
/// access=no|private (unless foot=yes|designated|permissive), or a wall, fence, hedge or ditch
/// without such a foot tag. Streets are cut there (the barrier's point left out).
bool blocks_feet(const TagLookup& tag);
/// Height in metres from a height=* value: "12", "12 m", "12.5"; nullopt-like 0 when unusable.
double parse_height_m(std::string_view text);

}  // namespace sightline::osm
