#include "services/area_feed.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "geo/polygon.hpp"
#include "osm/osm_xml_writer.hpp"
#include "services/camera_dumps.hpp"

namespace sightline::services {
namespace {

// RFC 4151: an authority and the date it was minted; the data set id makes the rest unique.
constexpr std::string_view tag_prefix = "tag:sightline,2026:";

std::string_view action_title(std::string_view action) {
    if (action == "created") return "accepted";
    if (action == "confirmed") return "confirmed";
    if (action == "imported") return "imported";
    if (action == "updated") return "updated from OpenStreetMap";
    if (action == "restored") return "back in OpenStreetMap";
    if (action == "conflict") return "changed in OpenStreetMap, local state kept";
    if (action == "removed") return "removed";
    return action;
}

void element(std::string& out, std::string_view name, std::string_view text) {
    out += fmt::format("<{}>", name);
    osm::append_xml_escaped(out, text);
    out += fmt::format("</{}>\n", name);
}

}  // namespace

std::string area_feed_key(const geo::BBox& box) {
    return fmt::format("{:.6f},{:.6f},{:.6f},{:.6f}", box.west, box.south, box.east, box.north);
}

std::string area_atom_feed(const geo::BBox& box, std::string_view data_id,
                           const std::vector<store::AreaCameraEvent>& events) {
    const auto key = area_feed_key(box);
    return camera_atom_feed({fmt::format("area/{}", key), fmt::format("Cameras in {}", key),
                             fmt::format("/feeds/area.atom?bbox={}", key)},
                            data_id, events);
}

std::vector<store::AreaCameraEvent> district_camera_events(store::Store& store,
                                                           const model::District& district,
                                                           int limit) {
    std::vector<store::AreaCameraEvent> inside;
    if (limit <= 0 || district.polygons.empty()) return inside;
    auto box = geo::BBox::empty_box();
    for (const auto& polygon : district.polygons)
        for (auto p : polygon.front())
            box.extend(p);
    // Entries of cameras in the box but outside the outline take places in the store's answer:
    // ask for more until `limit` are inside or the box has no more.
    constexpr int most = 1 << 20;
    for (int asked = limit;; asked = std::min(asked * 4, most)) {
        auto events = store.camera_events_in(box, asked);
        inside.clear();
        for (auto& e : events) {
            if (!geo::contains(district.polygons, e.camera.location)) continue;
            inside.push_back(std::move(e));
            if (static_cast<int>(inside.size()) == limit) return inside;
        }
        if (static_cast<int>(events.size()) < asked || asked == most) return inside;
    }
}

std::string district_atom_feed(const model::District& district, std::string_view data_id,
                               const std::vector<store::AreaCameraEvent>& events) {
    return camera_atom_feed(
        {fmt::format("district/{}", district.id), fmt::format("Cameras in {}", district.name),
         fmt::format("/feeds/district/{}.atom", district.id)},
        data_id, events);
}

std::string camera_atom_feed(const FeedSubject& subject, std::string_view data_id,
                             const std::vector<store::AreaCameraEvent>& events) {
    const std::int64_t updated = events.empty() ? 0 : events.front().event.at;
    std::string out =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">\n";
    element(out, "id", fmt::format("{}{}/{}", tag_prefix, data_id, subject.id_path));
    element(out, "title", subject.title);
    element(out, "subtitle",
            "Surveillance cameras accepted, changed and removed in this area on Sightline");
    element(out, "updated", format_utc(updated));
    out += "<author><name>Sightline</name></author>\n";
    element(out, "generator", "Sightline");
    element(out, "rights", fmt::format("{} <{}>", data_licence, data_licence_url));
    out += "<link rel=\"self\" type=\"application/atom+xml\" href=\"";
    osm::append_xml_escaped(out, subject.self_href);
    out += "\"/>\n";
    for (const auto& e : events) {
        const auto& c = e.camera;
        out += "<entry>\n";
        element(
            out, "id",
            fmt::format("{}{}/camera/{}/event/{}", tag_prefix, data_id, c.id.value, e.entry_id));
        element(out, "title",
                fmt::format("Camera {} {}", c.id.value, action_title(e.event.action)));
        element(out, "updated", format_utc(e.event.at));
        out += fmt::format("<link rel=\"alternate\" type=\"text/html\" href=\"/camera/{}\"/>\n",
                           c.id.value);
        std::string summary = fmt::format("{} camera", model::camera_kind(c.tags));
        if (auto op = model::tag(c.tags, "operator")) summary += fmt::format(", operator {}", *op);
        summary += fmt::format(", now {}.", model::to_string(c.status));
        if (!e.event.detail.empty()) summary += fmt::format(" {}", e.event.detail);
        element(out, "summary", summary);
        out += "</entry>\n";
    }
    out += "</feed>\n";
    return out;
}

}  // namespace sightline::services
