#pragma once
// One camera's history rows folded into the spans it was on the map (see store::CameraSpan for
// the rules), for both backends' Store::for_each_camera_span: they read rows their own way and
// must agree span for span.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "store/store.hpp"

namespace sightline::store {

/// Feed it begin(), then event() for each history row in time order, then end().
class SpanFolder {
  public:
    explicit SpanFolder(const std::function<void(const CameraSpan&)>& visit) : m_visit(visit) {}

    void begin(model::CameraId id, geo::LatLon location, std::string_view kind,
               std::int64_t first_seen, bool removed, std::int64_t updated_at) {
        m_camera.id = id;
        m_camera.location = location;
        m_camera.kind.assign(kind);  // reuses the buffer: no allocation per camera
        m_first_seen = first_seen;
        m_removed = removed;
        m_updated_at = updated_at;
        m_open.reset();
        m_opened_ever = false;
    }
    void event(std::string_view action, std::int64_t at) {
        if (action != "removed") {
            if (!m_open) m_open = at;
            m_opened_ever = true;
        } else if (m_open) {
            emit(*m_open, at);
            m_open.reset();
        } else if (!m_opened_ever) {  // removed without a start: on the map since first_seen
            emit(std::min(m_first_seen, at), at);
            m_opened_ever = true;
        }
    }
    void end() {
        if (m_open)
            emit(*m_open, std::nullopt);
        else if (!m_opened_ever)  // no history at all
            emit(m_first_seen,
                 m_removed ? std::optional(std::max(m_first_seen, m_updated_at)) : std::nullopt);
    }

  private:
    void emit(std::int64_t from, std::optional<std::int64_t> until) {
        m_camera.active_from = from;
        m_camera.removed_at = until;
        m_visit(m_camera);
    }
    const std::function<void(const CameraSpan&)>& m_visit;
    CameraSpan m_camera;
    std::int64_t m_first_seen = 0;
    bool m_removed = false;
    std::int64_t m_updated_at = 0;
    std::optional<std::int64_t> m_open;
    bool m_opened_ever = false;
};

}  // namespace sightline::store
