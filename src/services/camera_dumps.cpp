#include "services/camera_dumps.hpp"

#include <algorithm>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "formats/geopackage_writer.hpp"
#include "osm/osm_xml_writer.hpp"
#include "services/camera_json.hpp"

namespace sightline::services {
namespace {

using formats::FieldType;
using formats::FieldValue;

// The fields of every dump, in order: those of the CSV export, then updated_at and where an
// OpenStreetMap camera came from.
std::vector<formats::GeoPackageField> dump_fields() {
    std::vector<formats::GeoPackageField> fields{
        {"id", FieldType::integer},      {"status", FieldType::text},
        {"kind", FieldType::text},       {"confirmations", FieldType::integer},
        {"first_seen", FieldType::text}, {"last_verified", FieldType::text},
        {"updated_at", FieldType::text}};
    for (auto key : camera_tag_columns())
        fields.push_back({std::string(key), FieldType::text});
    fields.push_back({"other_tags", FieldType::text});
    fields.push_back({"osm_type", FieldType::text});
    fields.push_back({"osm_id", FieldType::integer});
    fields.push_back({"osm_version", FieldType::integer});
    return fields;
}

FieldValue time_or_null(std::int64_t unix_s) {
    if (unix_s > 0) return format_utc(unix_s);
    return std::monostate{};
}

std::vector<FieldValue> dump_values(const model::Camera& c) {
    std::vector<FieldValue> values{c.id.value,
                                   std::string(model::to_string(c.status)),
                                   std::string(model::camera_kind(c.tags)),
                                   std::int64_t{c.confirmations},
                                   time_or_null(c.first_seen),
                                   time_or_null(c.last_verified),
                                   time_or_null(c.updated_at)};
    for (auto key : camera_tag_columns()) {
        if (auto v = model::tag(c.tags, key))
            values.emplace_back(std::string(*v));
        else
            values.emplace_back(std::monostate{});
    }
    if (auto other = other_tags_json(c); !other.empty())
        values.emplace_back(std::move(other));
    else
        values.emplace_back(std::monostate{});
    if (c.osm) {
        values.emplace_back(c.osm->type);
        values.emplace_back(c.osm->id);
        values.emplace_back(std::int64_t{c.osm->version});
    } else {
        values.insert(values.end(), 3, std::monostate{});
    }
    return values;
}

std::string dump_description(std::int64_t generated_at) {
    return fmt::format(
        "Surveillance cameras from Sightline, every camera with its status "
        "(removed ones too). Generated {}. {} <{}>",
        format_utc(generated_at), data_licence, data_licence_url);
}

void append_kml_data(std::string& out, std::string_view name, std::string_view value) {
    out += "<Data name=\"";
    osm::append_xml_escaped(out, name);
    out += "\"><value>";
    osm::append_xml_escaped(out, value);
    out += "</value></Data>";
}

void append_placemark(std::string& out, const model::Camera& c,
                      const std::vector<formats::GeoPackageField>& fields) {
    out += fmt::format("<Placemark id=\"camera-{}\"><name>Camera {}</name><description>",
                       c.id.value, c.id.value);
    std::string description =
        fmt::format("{} camera, {}", model::camera_kind(c.tags), model::to_string(c.status));
    if (auto op = model::tag(c.tags, "operator")) description += fmt::format("; operator: {}", *op);
    osm::append_xml_escaped(out, description);
    out += "</description><ExtendedData>";
    const auto values = dump_values(c);
    for (std::size_t i = 0; i < fields.size() && i < values.size(); ++i) {
        const auto& v = values[i];
        if (const auto* integer = std::get_if<std::int64_t>(&v))
            append_kml_data(out, fields[i].name, fmt::format("{}", *integer));
        else if (const auto* text = std::get_if<std::string>(&v))
            append_kml_data(out, fields[i].name, *text);
    }
    // KML 2.2 coordinates are longitude,latitude[,altitude].
    out += fmt::format(
        "</ExtendedData><Point><coordinates>{:.7f},{:.7f}</coordinates></Point>"
        "</Placemark>\n",
        c.location.lon, c.location.lat);
}

}  // namespace

store::CameraTextStream kml_export(store::Store& store, std::int64_t generated_at) {
    std::string header =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document>\n"
        "<name>Sightline cameras</name>\n<description>";
    osm::append_xml_escaped(header, dump_description(generated_at));
    header += "</description>\n<ExtendedData>";
    append_kml_data(header, "license", data_licence);
    append_kml_data(header, "license_url", data_licence_url);
    append_kml_data(header, "generated", format_utc(generated_at));
    header += "</ExtendedData>\n";
    return store::CameraTextStream(
        store, std::move(header), {{}},
        [fields = dump_fields()](std::string& out, const model::Camera& camera, std::int64_t) {
            append_placemark(out, camera, fields);
        },
        "</Document>\n</kml>\n");
}

std::int64_t write_geopackage(store::Store& store, const std::filesystem::path& path,
                              std::int64_t generated_at) {
    formats::GeoPackageWriter writer(
        path, {"cameras", "Sightline cameras", dump_description(generated_at), dump_fields()});
    constexpr int page_size = store::CameraTextStream::page_size;
    std::int64_t after = std::numeric_limits<std::int64_t>::min();
    for (;;) {
        const auto page = store.camera_page(store::CameraOrder::id, after, page_size);
        for (const auto& camera : page)
            writer.add(camera.location, dump_values(camera));
        if (page.size() < static_cast<std::size_t>(page_size)) break;
        after = page.back().id.value;
    }
    writer.finish();
    return writer.count();
}

GeoPackageDumps::GeoPackageDumps(std::filesystem::path dir) : m_dir(std::move(dir)) {
    // Files are named by camera version, which a database made afresh counts again from 0: what
    // an earlier run left may describe another data set.
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(m_dir, ec))
        if (entry.path().filename().string().starts_with("cameras-"))
            std::filesystem::remove(entry.path(), ec);
}

std::filesystem::path GeoPackageDumps::dump_for(store::Store& store, std::int64_t camera_version) {
    const auto name = fmt::format("cameras-{}.gpkg", camera_version);
    const auto path = m_dir / name;
    std::lock_guard lock(m_mutex);
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) return path;
    std::filesystem::create_directories(m_dir, ec);
    if (ec)
        throw sightline::Exception(
            fmt::format("cannot create {}: {}", m_dir.string(), ec.message()));
    const auto partial = m_dir / (name + ".partial");
    try {
        write_geopackage(store, partial, unix_now());
    } catch (...) {
        std::filesystem::remove(partial, ec);
        throw;
    }
    std::filesystem::rename(partial, path);
    // Keep this dump and the one before it; anything older (or left half-written by a crash)
    // goes.
    std::vector<std::pair<std::int64_t, std::filesystem::path>> dumps;
    for (const auto& entry : std::filesystem::directory_iterator(m_dir, ec)) {
        const auto file = entry.path().filename().string();
        if (!file.starts_with("cameras-")) continue;
        if (file.ends_with(".partial")) {
            if (file != name + ".partial") std::filesystem::remove(entry.path(), ec);
            continue;
        }
        if (!file.ends_with(".gpkg")) continue;
        try {
            dumps.emplace_back(std::stoll(file.substr(8)), entry.path());
        } catch (const std::exception&) {
        }
    }
    std::sort(dumps.begin(), dumps.end(), [](const auto& a, const auto& b) { return a > b; });
    for (std::size_t i = 2; i < dumps.size(); ++i)
        std::filesystem::remove(dumps[i].second, ec);
    return path;
}

}  // namespace sightline::services
