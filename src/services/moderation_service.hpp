#pragma once
// Use cases of moderators: decide on a report (accept, merge, reject), mark cameras removed,
// and settle "gone" checks (accept: the camera is removed; reject: nothing changes).
// Each decision is one store transaction that also writes the audit event.

#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "model/camera.hpp"
#include "model/report.hpp"
#include "store/store.hpp"

namespace sightline::services {

enum class DecisionAction { accept, merge, reject };

Result<DecisionAction> parse_decision_action(std::string_view text);

struct DecisionRequest {
    DecisionAction action = DecisionAction::accept;
    std::optional<model::CameraId> camera_id;  ///< required for merge
    std::string reason;                        ///< required for reject; at most 1000 characters
};

struct DecisionOutcome {
    model::Report report;
    std::optional<model::Camera> camera;  ///< created (accept) or confirmed (merge)
};

class ModerationService {
  public:
    explicit ModerationService(store::Store& store) : m_store(store) {}

    Result<DecisionOutcome> decide(model::ReportId id, const DecisionRequest& request,
                                   std::string_view actor);
    Result<model::Camera> remove_camera(model::CameraId id, std::string_view reason,
                                        std::string_view actor);
    /// Accepts a pending "gone" check: its camera is removed (history, audit). Returns the camera.
    Result<model::Camera> accept_check(std::int64_t check_id, std::string_view reason,
                                       std::string_view actor);
    Result<model::CameraCheck> reject_check(std::int64_t check_id, std::string_view reason,
                                            std::string_view actor);

  private:
    store::Store& m_store;
};

}  // namespace sightline::services
