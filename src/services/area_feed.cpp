#include "services/area_feed.hpp"

#include <fmt/format.h>

#include "core/clock.hpp"
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
    const std::int64_t updated = events.empty() ? 0 : events.front().event.at;
    std::string out =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">\n";
    element(out, "id", fmt::format("{}{}/area/{}", tag_prefix, data_id, key));
    element(out, "title", fmt::format("Cameras in {}", key));
    element(out, "subtitle",
            "Surveillance cameras accepted, changed and removed in this area on Sightline");
    element(out, "updated", format_utc(updated));
    out += "<author><name>Sightline</name></author>\n";
    element(out, "generator", "Sightline");
    element(out, "rights", fmt::format("{} <{}>", data_licence, data_licence_url));
    out += "<link rel=\"self\" type=\"application/atom+xml\" href=\"";
    osm::append_xml_escaped(out, fmt::format("/feeds/area.atom?bbox={}", key));
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
