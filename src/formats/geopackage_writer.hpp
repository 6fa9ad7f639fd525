#pragma once
// A GeoPackage (OGC 12-128r18, version 1.3) of points in WGS 84, written with SQLite alone: the
// required tables (gpkg_spatial_ref_sys, gpkg_contents, gpkg_geometry_columns), one feature
// table with GeoPackage binary point geometries, application_id 'GPKG' and user_version 10300.
// Rows are added one at a time inside one transaction, so memory stays at SQLite's page cache
// whatever the number of features (docs/adr/013).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "geo/lat_lon.hpp"

namespace sightline::formats {

enum class FieldType { integer, real, text };

struct GeoPackageField {
    std::string name;  ///< column name; quoted in SQL, so any text but "fid" and "geom"
    FieldType type = FieldType::text;
};

/// A value of one field; monostate is NULL.
using FieldValue = std::variant<std::monostate, std::int64_t, double, std::string>;

struct GeoPackageLayer {
    std::string table;        ///< feature table name, e.g. "cameras"
    std::string identifier;   ///< gpkg_contents.identifier (a human-readable name)
    std::string description;  ///< gpkg_contents.description (licence, date, ...)
    std::vector<GeoPackageField> fields;
};

class GeoPackageWriter {
  public:
    /// Creates a new GeoPackage at `path` (an existing file there is replaced) with one empty
    /// point layer. Throws sightline::Exception when the file cannot be written.
    GeoPackageWriter(const std::filesystem::path& path, GeoPackageLayer layer);
    GeoPackageWriter(const GeoPackageWriter&) = delete;
    GeoPackageWriter& operator=(const GeoPackageWriter&) = delete;
    /// Without finish() the file is left incomplete: callers write under a temporary name.
    ~GeoPackageWriter();

    /// Adds a point feature; `values` in the order of the layer's fields (missing ones are NULL).
    /// Throws sightline::Exception on a write failure (disk full).
    void add(geo::LatLon position, std::span<const FieldValue> values);
    /// Records the layer's extent, commits and closes the file (synced to disk). Throws on a
    /// write failure.
    void finish();

    [[nodiscard]] std::int64_t count() const noexcept;

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// The GeoPackage binary encoding of a point (GeoPackageBinaryHeader without envelope, then
/// little-endian WKB Point): 29 bytes.
std::string geopackage_point(geo::LatLon position, std::int32_t srs_id = 4326);

}  // namespace sightline::formats
