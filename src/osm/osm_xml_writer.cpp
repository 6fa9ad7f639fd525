#include "osm/osm_xml_writer.hpp"

#include <algorithm>
#include <ctime>
#include <utility>
#include <vector>

#include <fmt/core.h>

#include "core/clock.hpp"
#include "model/data_licence.hpp"

namespace sightline::osm {
namespace {

constexpr std::string_view generator = "Sightline";

std::string iso_time(std::int64_t unix_s) {
    std::time_t t = static_cast<std::time_t>(unix_s);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

bool is_osm_node(const model::Camera& camera) {
    return camera.osm && camera.osm->type == "node" && camera.osm->id > 0;
}

// One <node>; `with_version` is false for new objects (they have none yet).
void append_node(std::string& out, std::int64_t id, const model::Camera& camera, bool osm_identity,
                 bool with_tags) {
    out += fmt::format("  <node id=\"{}\"", id);
    if (osm_identity) {
        if (camera.osm->version > 0) out += fmt::format(" version=\"{}\"", camera.osm->version);
        if (camera.osm->timestamp > 0)
            out += fmt::format(" timestamp=\"{}\"", iso_time(camera.osm->timestamp));
    }
    out += fmt::format(" lat=\"{:.7f}\" lon=\"{:.7f}\"", camera.location.lat, camera.location.lon);
    if (!with_tags || camera.tags.empty()) {
        out += "/>\n";
        return;
    }
    out += ">\n";
    for (const auto& [key, value] : camera.tags) {
        out += "    <tag k=\"";
        append_xml_escaped(out, key);
        out += "\" v=\"";
        append_xml_escaped(out, value);
        out += "\"/>\n";
    }
    out += "  </node>\n";
}

}  // namespace

void append_xml_escaped(std::string& out, std::string_view text) {
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        switch (ch) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            case '\t':
                out += "&#9;";
                break;
            case '\n':
                out += "&#10;";
                break;
            case '\r':
                out += "&#13;";
                break;
            default:
                if (c < 0x20 || c == 0x7f) break;  // not allowed in XML 1.0 (0x7f: discouraged)
                out += ch;
        }
    }
}

store::CameraTextStream osm_xml_export(store::Store& store, std::int64_t generated_at) {
    // osmium and JOSM expect nodes ordered by id, negative ids first (by absolute value), then
    // positive ones: first the cameras Sightline writes with -camera.id (camera id order), then
    // the OSM nodes by node id.
    auto listed = [](const model::Camera& camera) {
        return camera.status != model::CameraStatus::removed;
    };
    std::vector<store::CameraTextStream::Pass> passes{
        {store::CameraOrder::id,
         [listed](const model::Camera& camera) { return listed(camera) && !is_osm_node(camera); }},
        {store::CameraOrder::osm_node_id,
         [listed](const model::Camera& camera) { return listed(camera) && is_osm_node(camera); }},
    };
    return store::CameraTextStream(
        store,
        // The licence as the OSM API states it (a root attribute JOSM and osmium ignore), the
        // wording and the time in a comment: every dump says what it is and when it was made.
        fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- {} <{}>. Generated {}. "
                    "-->\n<osm version=\"0.6\" generator=\"{}\" license=\"{}\">\n",
                    model::data_licence, model::data_licence_url, format_utc(generated_at),
                    generator, model::data_licence_url),
        std::move(passes),
        [](std::string& out, const model::Camera& camera, std::int64_t) {
            const bool osm_node = is_osm_node(camera);
            append_node(out, osm_node ? camera.osm->id : -camera.id.value, camera, osm_node, true);
        },
        "</osm>\n");
}

ChangeCounts write_osm_change(const std::vector<model::Camera>& changed, const TextSink& sink) {
    ChangeCounts counts;
    std::vector<const model::Camera*> create, modify, remove;
    for (const auto& camera : changed) {
        if (!camera.osm) {
            if (camera.status == model::CameraStatus::removed) continue;
            create.push_back(&camera);
        } else if (!is_osm_node(camera)) {
            ++counts.skipped;
        } else if (camera.status == model::CameraStatus::removed) {
            remove.push_back(&camera);
        } else {
            modify.push_back(&camera);
        }
    }
    counts.created = static_cast<std::int64_t>(create.size());
    counts.modified = static_cast<std::int64_t>(modify.size());
    counts.deleted = static_cast<std::int64_t>(remove.size());
    auto by_camera_id = [](const model::Camera* a, const model::Camera* b) {
        return a->id.value < b->id.value;
    };
    auto by_osm_id = [](const model::Camera* a, const model::Camera* b) {
        return a->osm->id < b->osm->id;
    };
    std::sort(create.begin(), create.end(), by_camera_id);  // -1, -2, ...: osmium's order
    std::sort(modify.begin(), modify.end(), by_osm_id);
    std::sort(remove.begin(), remove.end(), by_osm_id);
    std::string out = fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<osmChange version=\"0.6\" "
        "generator=\"{}\">\n",
        generator);
    auto section = [&out](std::string_view name, const std::vector<const model::Camera*>& cameras,
                          bool created, bool with_tags) {
        if (cameras.empty()) return;
        out += fmt::format("<{}>\n", name);
        for (const auto* c : cameras)
            append_node(out, created ? -c->id.value : c->osm->id, *c, !created, with_tags);
        out += fmt::format("</{}>\n", name);
    };
    section("create", create, true, true);
    section("modify", modify, false, true);
    section("delete", remove, false, false);
    out += "</osmChange>\n";
    sink(out);
    return counts;
}

}  // namespace sightline::osm
