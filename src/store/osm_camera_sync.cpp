#include "store/osm_camera_sync.hpp"

#include <optional>

#include <fmt/core.h>

#include "model/camera_check.hpp"
#include "store/encoding/json_columns.hpp"

namespace sightline::store {
namespace {

std::string osm_name(const model::OsmProvenance& osm) {
    return fmt::format("{}/{} v{}", osm.type, osm.id, osm.version);
}

}  // namespace

void OsmCameraSync::load() {
    if (m_loaded) return;
    m_stored = load_stored();
    m_loaded = true;
}

void OsmCameraSync::add(const model::OsmCamera& camera) {
    load();
    if (!camera.location.is_valid() || camera.osm.id == 0) return;
    OsmKey key{camera.osm.type, camera.osm.id};
    if (!m_incoming.insert(key).second) return;  // duplicates in a file: first one wins
    const std::string tags_json = encoding::write_tags(camera.tags);
    // Not the import time: importing says nothing about whether the camera is still there; the
    // mapper's edit (or survey date) does.
    const std::int64_t last_confirmed =
        model::osm_last_confirmed(camera.tags, camera.osm.timestamp, m_decision.at);
    auto found = m_stored.find(key);
    if (found == m_stored.end()) {
        model::Camera c;
        c.location = camera.location;
        // Mapped by someone, not checked by this instance's moderators.
        c.status = model::CameraStatus::reported;
        c.tags = camera.tags;
        c.first_seen = m_decision.at;
        c.last_verified = last_confirmed;
        c.updated_at = m_decision.at;
        c.osm = camera.osm;
        auto id = insert(c);
        append_history(
            id, {m_decision.at, "imported", m_decision.actor, osm_name(camera.osm), std::nullopt});
        ++m_summary.cameras_new;
        return;
    }
    auto& old = found->second;
    old.seen = true;
    const bool same_content = old.tags_json == tags_json && old.location == camera.location;
    // Removed earlier because it was gone from OSM, and back now.
    const bool reappeared = old.removed && old.locally_modified_at == 0;
    const bool changed = camera.osm.version > old.version ||
                         (camera.osm.version == old.version && !same_content) || reappeared;
    if (!changed) {
        ++m_summary.cameras_unchanged;
        return;
    }
    if (old.locally_modified_at > 0) {
        if (same_content && !old.removed) {
            // The local change reached OSM (a mapper uploaded our osmChange): in sync again.
            mark_in_sync(old.id, camera.osm);
            ++m_summary.cameras_unchanged;
            return;
        }
        append_history(old.id,
                       {m_decision.at, "conflict", m_decision.actor,
                        fmt::format("OpenStreetMap has {} but the camera was changed here; local "
                                    "state kept",
                                    osm_name(camera.osm)),
                        std::nullopt});
        ++m_summary.cameras_conflicts;
        return;
    }
    update_from_osm(old.id, camera, tags_json, last_confirmed);
    append_history(
        old.id,
        {m_decision.at, reappeared ? "restored" : "updated", m_decision.actor,
         fmt::format("OpenStreetMap v{} -> v{}", old.version, camera.osm.version), std::nullopt});
    ++m_summary.cameras_updated;
}

void OsmCameraSync::remove_missing(const geo::BBox& bounds, const std::string& source_name) {
    load();
    for (auto& [key, old] : m_stored) {
        if (old.seen || !bounds.contains(old.location)) continue;
        if (old.removed) {
            // Removed here and now gone from OSM too: the deletion has been uploaded.
            if (old.locally_modified_at > 0) clear_local_change(old.id);
            continue;
        }
        if (old.locally_modified_at > 0) {
            append_history(old.id, {m_decision.at, "conflict", m_decision.actor,
                                    "deleted in OpenStreetMap but changed here; local state kept",
                                    std::nullopt});
            ++m_summary.cameras_conflicts;
            continue;
        }
        mark_removed(old.id);
        append_history(old.id,
                       {m_decision.at, "removed", m_decision.actor,
                        fmt::format("gone from OpenStreetMap ({})", source_name), std::nullopt});
        ++m_summary.cameras_removed;
    }
}

}  // namespace sightline::store
