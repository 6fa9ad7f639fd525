#pragma once
// The open-data dumps beside GeoJSON and CSV: KML 2.2 (streamed like them) and GeoPackage (a
// file, since a GeoPackage is an SQLite database), each stating its licence and when it was made;
// and the cache of GeoPackage files the server hands out, one per camera version.

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>

#include "model/data_licence.hpp"
#include "store/camera_text_stream.hpp"
#include "store/store.hpp"

namespace sightline::services {

/// The licence of the camera data, as every dump states it (model/data_licence.hpp).
using model::data_licence;
using model::data_licence_id;
using model::data_licence_url;

/// Every camera (removed ones too, with their status) as a KML 2.2 document, a piece at a time:
/// one Placemark per camera with its name, a description, ExtendedData of the CSV export's fields
/// and a Point. The Document's description and ExtendedData state the licence and
/// `generated_at` (unix seconds).
store::CameraTextStream kml_export(store::Store& store, std::int64_t generated_at);

/// Writes every camera (removed ones too) as a GeoPackage 1.3 at `path` (replaced if present),
/// layer "cameras" with the CSV export's fields plus updated_at and OSM provenance; the licence
/// and `generated_at` are in gpkg_contents.description. Reads the store a page at a time.
/// Returns the number of cameras. Throws sightline::Exception when the file cannot be written.
std::int64_t write_geopackage(store::Store& store, const std::filesystem::path& path,
                              std::int64_t generated_at);

/// The server's GeoPackage dumps: made on first request for a camera version under `dir`
/// (written under a temporary name, renamed when complete), then served from disk to every
/// client until the cameras change. Keeps the two newest files (a download that started on the
/// older one finishes). Thread-safe; one dump is made at a time.
class GeoPackageDumps {
  public:
    /// Deletes the dumps an earlier run left in `dir` (made from what may be another database).
    explicit GeoPackageDumps(std::filesystem::path dir);
    /// The dump named by `camera_version`, made now if missing. The caller reads the version
    /// before, so the file holds that version or a newer one. Throws sightline::Exception when
    /// it cannot be written.
    std::filesystem::path dump_for(store::Store& store, std::int64_t camera_version);

  private:
    std::filesystem::path m_dir;
    std::mutex m_mutex;
};

}  // namespace sightline::services
