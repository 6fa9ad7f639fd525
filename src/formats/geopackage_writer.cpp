#include "formats/geopackage_writer.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <system_error>

#include <fmt/core.h>
#include <sqlite3.h>

#include "core/error.hpp"

namespace sightline::formats {
namespace {

struct DbCloser {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
    void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using DbHandle = std::unique_ptr<sqlite3, DbCloser>;
using StmtHandle = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

// OGC 12-128r18 1.1.1.1.1: "GPKG" as a 32-bit big-endian integer in the header's application id.
constexpr int application_id = 0x47504B47;
// 1.1.1.1.1: user_version 10300 for GeoPackage 1.3.x.
constexpr int user_version = 10300;

// Table definitions from Annex C of the specification; the three spatial_ref_sys rows every
// GeoPackage must hold (1.1.2.1.2): WGS 84 and the two undefined systems.
constexpr const char* core_tables = R"sql(
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326,
 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]',
 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined',
 'undefined cartesian coordinate reference system');
INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined',
 'undefined geographic coordinate reference system');
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE,
  min_y DOUBLE,
  max_x DOUBLE,
  max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
)sql";

std::string sql_name(std::string_view name) {
    std::string out = "\"";
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string_view sql_type(FieldType type) {
    switch (type) {
        case FieldType::integer:
            return "INTEGER";
        case FieldType::real:
            return "DOUBLE";
        case FieldType::text:
            return "TEXT";
    }
    return "TEXT";
}

void append_le(std::string& out, const void* bytes, std::size_t n) {
    const auto* p = static_cast<const char*>(bytes);
    if constexpr (std::endian::native == std::endian::little) {
        out.append(p, n);
    } else {
        for (std::size_t i = n; i > 0; --i)
            out += p[i - 1];
    }
}

}  // namespace

std::string geopackage_point(geo::LatLon position, std::int32_t srs_id) {
    // 2.1.3 GeoPackageBinaryHeader: magic "GP", version 0, flags (bit 0: little-endian, envelope
    // indicator 0: none, not empty, standard binary), srs_id; then ISO WKB (little-endian).
    std::string out = "GP";
    out += '\0';
    out += '\x01';
    append_le(out, &srs_id, sizeof srs_id);
    out += '\x01';
    const std::uint32_t wkb_point = 1;
    append_le(out, &wkb_point, sizeof wkb_point);
    append_le(out, &position.lon, sizeof position.lon);
    append_le(out, &position.lat, sizeof position.lat);
    return out;
}

struct GeoPackageWriter::Impl {
    DbHandle db;
    StmtHandle insert;
    GeoPackageLayer layer;
    std::int64_t count = 0;
    double min_lon = std::numeric_limits<double>::infinity();
    double min_lat = std::numeric_limits<double>::infinity();
    double max_lon = -std::numeric_limits<double>::infinity();
    double max_lat = -std::numeric_limits<double>::infinity();
    std::filesystem::path path;

    [[noreturn]] void fail(std::string_view what) const {
        throw sightline::Exception(fmt::format("GeoPackage {}: {}: {}", path.string(), what,
                                               db ? sqlite3_errmsg(db.get()) : "no database"));
    }
    void exec(const std::string& sql) const {
        if (sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
            fail("writing failed");
    }
    StmtHandle prepare(const std::string& sql) const {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
            fail("preparing failed");
        return StmtHandle(stmt);
    }
};

GeoPackageWriter::GeoPackageWriter(const std::filesystem::path& path, GeoPackageLayer layer)
    : m_impl(std::make_unique<Impl>()) {
    auto& d = *m_impl;
    d.path = path;
    d.layer = std::move(layer);
    std::error_code ec;
    std::filesystem::remove(path, ec);
    sqlite3* raw = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    d.db.reset(raw);
    if (rc != SQLITE_OK) d.fail("cannot create the file");
    // One file, no journal beside it (the file is written under a temporary name and renamed
    // when complete, so a crash leaves nothing a reader could take for a dump); the commit
    // syncs it to disk.
    d.exec(
        fmt::format("PRAGMA application_id = {}; PRAGMA user_version = {}; "
                    "PRAGMA journal_mode = OFF; PRAGMA synchronous = FULL; "
                    "PRAGMA page_size = 4096;",
                    application_id, user_version));
    d.exec("BEGIN");
    d.exec(core_tables);
    std::string create =
        fmt::format("CREATE TABLE {} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom POINT",
                    sql_name(d.layer.table));
    std::string insert = fmt::format("INSERT INTO {} (geom", sql_name(d.layer.table));
    for (const auto& f : d.layer.fields) {
        create += fmt::format(", {} {}", sql_name(f.name), sql_type(f.type));
        insert += ", " + sql_name(f.name);
    }
    create += ")";
    insert += ") VALUES (?";
    for (std::size_t i = 0; i < d.layer.fields.size(); ++i)
        insert += ", ?";
    insert += ")";
    d.exec(create);
    auto contents = d.prepare(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
        "VALUES (?1, 'features', ?2, ?3, 4326)");
    sqlite3_bind_text(contents.get(), 1, d.layer.table.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(contents.get(), 2, d.layer.identifier.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(contents.get(), 3, d.layer.description.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(contents.get()) != SQLITE_DONE) d.fail("writing failed");
    auto columns =
        d.prepare("INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', 'POINT', 4326, 0, 0)");
    sqlite3_bind_text(columns.get(), 1, d.layer.table.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(columns.get()) != SQLITE_DONE) d.fail("writing failed");
    d.insert = d.prepare(insert);
}

GeoPackageWriter::~GeoPackageWriter() = default;

void GeoPackageWriter::add(geo::LatLon position, std::span<const FieldValue> values) {
    auto& d = *m_impl;
    sqlite3_stmt* s = d.insert.get();
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    const std::string geometry = geopackage_point(position);
    sqlite3_bind_blob(s, 1, geometry.data(), static_cast<int>(geometry.size()), SQLITE_TRANSIENT);
    const std::size_t n = std::min(values.size(), d.layer.fields.size());
    for (std::size_t i = 0; i < n; ++i) {
        const int index = static_cast<int>(i) + 2;
        const auto& v = values[i];
        if (const auto* integer = std::get_if<std::int64_t>(&v))
            sqlite3_bind_int64(s, index, *integer);
        else if (const auto* real = std::get_if<double>(&v))
            sqlite3_bind_double(s, index, *real);
        else if (const auto* text = std::get_if<std::string>(&v))
            sqlite3_bind_text(s, index, text->data(), static_cast<int>(text->size()),
                              SQLITE_TRANSIENT);
    }
    if (sqlite3_step(s) != SQLITE_DONE) d.fail("writing a feature failed");
    ++d.count;
    d.min_lon = std::min(d.min_lon, position.lon);
    d.min_lat = std::min(d.min_lat, position.lat);
    d.max_lon = std::max(d.max_lon, position.lon);
    d.max_lat = std::max(d.max_lat, position.lat);
}

void GeoPackageWriter::finish() {
    auto& d = *m_impl;
    d.insert.reset();
    if (d.count > 0) {
        auto extent = d.prepare(
            "UPDATE gpkg_contents SET min_x = ?1, min_y = ?2, max_x = ?3, max_y = ?4 "
            "WHERE table_name = ?5");
        sqlite3_bind_double(extent.get(), 1, d.min_lon);
        sqlite3_bind_double(extent.get(), 2, d.min_lat);
        sqlite3_bind_double(extent.get(), 3, d.max_lon);
        sqlite3_bind_double(extent.get(), 4, d.max_lat);
        sqlite3_bind_text(extent.get(), 5, d.layer.table.c_str(), -1, SQLITE_TRANSIENT);
        if (sqlite3_step(extent.get()) != SQLITE_DONE) d.fail("writing the extent failed");
    }
    d.exec("COMMIT");
    if (sqlite3_close(d.db.release()) != SQLITE_OK)
        throw sightline::Exception(fmt::format("GeoPackage {}: closing failed", d.path.string()));
}

std::int64_t GeoPackageWriter::count() const noexcept {
    return m_impl->count;
}

}  // namespace sightline::formats
