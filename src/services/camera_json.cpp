#include "services/camera_json.hpp"

#include <array>
#include <cctype>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "core/json_string.hpp"
#include "services/camera_dumps.hpp"
#include "services/json_writer.hpp"
#include "services/source_json.hpp"

namespace sightline::services {
namespace {

// Camera history is public; moderators' names are not (they would tell an attacker whose
// account to go after, and who decided what). Imports and anonymous reports keep their source;
// a person's name becomes the role. The audit log (admins only) keeps the names.
std::string_view public_actor(std::string_view actor) {
    for (std::string_view source : {"import", "cli", "anonymous", "osm"})
        if (actor == source) return actor;
    return "moderator";
}

void write_time_or_null(JsonWriter& w, std::int64_t unix_s) {
    if (unix_s > 0)
        w.value(format_utc(unix_s));
    else
        w.null();
}

// The photos of the camera's page: scrubbed files served from /photos/{sha256} (public because
// their reports became part of the camera).
void write_photos(JsonWriter& w, const std::vector<model::CameraPhoto>& photos) {
    w.key("photos").begin_array();
    for (const auto& p : photos) {
        w.begin_object();
        w.key("url").value(fmt::format("/photos/{}", p.sha256));
        w.key("thumbnail_url").value(fmt::format("/photos/{}/thumbnail", p.sha256));
        w.key("report_id").value(p.report_id.value);
        w.key("reported_at");
        write_time_or_null(w, p.reported_at);
        w.end_object();
    }
    w.end_array();
}

void write_feature(JsonWriter& w, const model::Camera& c,
                   const std::vector<model::CameraEvent>* history,
                   const std::vector<model::CameraPhoto>* photos = nullptr,
                   const std::vector<model::CameraSource>* sources = nullptr) {
    w.begin_object();
    w.key("type").value("Feature");
    w.key("id").value(c.id.value);
    w.key("geometry").begin_object();
    w.key("type").value("Point");
    w.key("coordinates")
        .begin_array()
        .value_fixed(c.location.lon, 7)
        .value_fixed(c.location.lat, 7)
        .end_array();
    w.end_object();
    w.key("properties").begin_object();
    w.key("id").value(c.id.value);
    w.key("status").value(model::to_string(c.status));
    w.key("kind").value(model::camera_kind(c.tags));
    w.key("confirmations").value(c.confirmations);
    w.key("first_seen");
    write_time_or_null(w, c.first_seen);
    w.key("last_verified");
    write_time_or_null(w, c.last_verified);
    w.key("updated_at");
    write_time_or_null(w, c.updated_at);
    w.key("directions_deg").begin_array();
    if (auto dir = model::tag(c.tags, "camera:direction"))
        if (auto parsed = model::parse_directions(*dir))
            for (double d : *parsed)
                w.value(d);
    w.end_array();
    w.key("tags").begin_object();
    for (const auto& [k, v] : c.tags)
        w.key(k).value(v);
    w.end_object();
    if (c.osm) {
        w.key("osm").begin_object();
        w.key("type").value(c.osm->type);
        w.key("id").value(c.osm->id);
        w.key("version").value(c.osm->version);
        w.end_object();
    }
    if (sources) {
        w.key("sources");
        write_camera_sources(w, *sources);
    }
    if (history) {
        w.key("report_ids").begin_array();
        for (auto id : c.report_ids)
            w.value(id.value);
        w.end_array();
        w.key("history").begin_array();
        for (const auto& e : *history) {
            w.begin_object();
            w.key("at").value(format_utc(e.at));
            w.key("action").value(e.action);
            w.key("actor").value(public_actor(e.actor));
            w.key("detail").value(e.detail);
            if (e.report_id) w.key("report_id").value(e.report_id->value);
            w.end_object();
        }
        w.end_array();
    }
    if (photos) write_photos(w, *photos);
    w.end_object();
    w.end_object();
}

constexpr std::array<std::string_view, 12> csv_tag_columns{"surveillance",
                                                           "surveillance:type",
                                                           "surveillance:zone",
                                                           "camera:type",
                                                           "camera:mount",
                                                           "camera:direction",
                                                           "camera:angle",
                                                           "height",
                                                           "operator",
                                                           "manufacturer",
                                                           "model",
                                                           "start_date"};

}  // namespace

void append_camera_feature(std::string& out, const model::Camera& camera) {
    JsonWriter w(out);
    write_feature(w, camera, nullptr);
}

std::string camera_feature_with_history(const model::Camera& camera,
                                        const std::vector<model::CameraEvent>& history,
                                        const std::vector<model::CameraPhoto>& photos,
                                        const std::vector<model::CameraSource>& sources) {
    std::string out;
    JsonWriter w(out);
    write_feature(w, camera, &history, &photos, &sources);
    return out;
}

std::string camera_feature_collection(const std::vector<model::Camera>& cameras) {
    std::string out;
    out.reserve(cameras.size() * 400 + 64);
    out += R"({"type":"FeatureCollection","features":[)";
    for (std::size_t i = 0; i < cameras.size(); ++i) {
        if (i) out += ',';
        append_camera_feature(out, cameras[i]);
    }
    out += "]}";
    return out;
}

namespace {

// The sources of the cameras an export writes, read a block of ids at a time (the exports walk
// the cameras in id order; a camera before the block, which no export asks for, is read alone).
class SourceBlocks {
  public:
    explicit SourceBlocks(store::SourceStore& sources) : m_sources(sources) {}
    const std::vector<model::CameraSource>& of(model::CameraId id) {
        static const std::vector<model::CameraSource> none;
        if (id.value < m_first || id.value > m_last) {
            m_first = id.value;
            m_last = id.value + block - 1;
            m_by_camera.clear();
            for (auto& [camera, source] :
                 m_sources.camera_sources_between(id, model::CameraId{m_last}))
                m_by_camera[camera.value].push_back(std::move(source));
        }
        auto found = m_by_camera.find(id.value);
        return found == m_by_camera.end() ? none : found->second;
    }

  private:
    static constexpr std::int64_t block = 1024;
    store::SourceStore& m_sources;
    std::int64_t m_first = 1;
    std::int64_t m_last = 0;
    std::map<std::int64_t, std::vector<model::CameraSource>> m_by_camera;
};

}  // namespace

store::CameraTextStream geojson_export(store::Store& store, store::SourceStore& sources,
                                       std::int64_t generated_at) {
    // RFC 7946 6.1 allows foreign members: the licence and date travel with the file.
    std::string header = R"({"type":"FeatureCollection","license":)";
    append_json_string(header, data_licence);
    header += R"(,"license_url":)";
    append_json_string(header, data_licence_url);
    header += R"(,"generated":)";
    append_json_string(header, format_utc(generated_at));
    header += R"(,"features":[)";
    auto blocks = std::make_shared<SourceBlocks>(sources);
    return store::CameraTextStream(
        store, std::move(header), {{}},
        [blocks](std::string& out, const model::Camera& camera, std::int64_t index) {
            if (index > 0) out += ",\n";
            JsonWriter w(out);
            write_feature(w, camera, nullptr, nullptr, &blocks->of(camera.id));
        },
        "]}\n");
}

void append_csv_field(std::string& out, std::string_view field) {
    bool formula = !field.empty() &&
                   (field[0] == '=' || field[0] == '+' || field[0] == '-' || field[0] == '@');
    // Negative numbers are data, not formulas.
    if (formula && field[0] == '-' && field.size() > 1 &&
        (std::isdigit(static_cast<unsigned char>(field[1])) || field[1] == '.'))
        formula = false;
    bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos;
    if (quote) out += '"';
    if (formula) out += '\'';
    for (char c : field) {
        if (c == '"') out += '"';
        out += c;
    }
    if (quote) out += '"';
}

namespace {

void append_csv_row(std::string& buffer, const model::Camera& c,
                    const std::vector<model::CameraSource>& sources) {
    buffer += fmt::format("{},{:.7f},{:.7f},{},", c.id.value, c.location.lat, c.location.lon,
                          model::to_string(c.status));
    append_csv_field(buffer, model::camera_kind(c.tags));
    buffer +=
        fmt::format(",{},{},{}", c.confirmations, c.first_seen ? format_utc(c.first_seen) : "",
                    c.last_verified ? format_utc(c.last_verified) : "");
    for (auto key : csv_tag_columns) {
        buffer += ',';
        if (auto v = model::tag(c.tags, key)) append_csv_field(buffer, *v);
    }
    buffer += ',';
    append_csv_field(buffer, camera_sources_text(sources));
    buffer += ',';
    if (auto other = other_tags_json(c); !other.empty()) append_csv_field(buffer, other);
    buffer += "\r\n";
}

}  // namespace

std::span<const std::string_view> camera_tag_columns() {
    return csv_tag_columns;
}

std::string other_tags_json(const model::Camera& c) {
    std::string other;
    JsonWriter w(other);
    w.begin_object();
    bool any = false;
    for (const auto& [k, v] : c.tags) {
        bool listed = false;
        for (auto key : csv_tag_columns)
            listed = listed || key == k;
        if (listed) continue;
        w.key(k).value(v);
        any = true;
    }
    w.end_object();
    return any ? other : std::string();
}

store::CameraTextStream csv_export(store::Store& store, store::SourceStore& sources) {
    auto blocks = std::make_shared<SourceBlocks>(sources);
    std::string header = "id,lat,lon,status,kind,confirmations,first_seen,last_verified";
    for (auto key : csv_tag_columns) {
        header += ',';
        header += key;
    }
    header += ",sources,other_tags\r\n";
    return store::CameraTextStream(
        store, std::move(header), {{}},
        [blocks](std::string& out, const model::Camera& camera, std::int64_t) {
            append_csv_row(out, camera, blocks->of(camera.id));
        },
        "");
}

}  // namespace sightline::services
