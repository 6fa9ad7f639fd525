#include "services/moderation_service.hpp"

#include "core/clock.hpp"
#include "model/tags.hpp"

namespace sightline::services {
namespace {
constexpr std::size_t max_reason_length = 1000;

Status validate_reason(std::string_view reason) {
    std::string flat;
    for (char c : reason)
        flat += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
    if (!model::is_clean_utf8(flat))
        return fail(Errc::invalid_argument, "reason must be valid UTF-8 text");
    if (model::utf8_length(reason) > max_reason_length)
        return fail(Errc::invalid_argument, "reason is limited to 1000 characters");
    return {};
}
}  // namespace

Result<DecisionAction> parse_decision_action(std::string_view text) {
    if (text == "accept") return DecisionAction::accept;
    if (text == "merge") return DecisionAction::merge;
    if (text == "reject") return DecisionAction::reject;
    return fail(Errc::invalid_argument, "action must be accept, merge or reject");
}

Result<DecisionOutcome> ModerationService::decide(model::ReportId id,
                                                  const DecisionRequest& request,
                                                  std::string_view actor) {
    if (auto ok = validate_reason(request.reason); !ok) return std::unexpected(ok.error());
    store::Decision decision{std::string(actor), request.reason, unix_now()};
    std::optional<model::Camera> camera;
    switch (request.action) {
        case DecisionAction::accept: {
            auto created = m_store.accept_report(id, decision);
            if (!created) return std::unexpected(created.error());
            camera = std::move(*created);
            break;
        }
        case DecisionAction::merge: {
            if (!request.camera_id) return fail(Errc::invalid_argument, "merge needs camera_id");
            auto merged = m_store.merge_report(id, *request.camera_id, decision);
            if (!merged) return std::unexpected(merged.error());
            camera = std::move(*merged);
            break;
        }
        case DecisionAction::reject: {
            if (request.reason.empty())
                return fail(Errc::invalid_argument, "reject needs a reason");
            auto rejected = m_store.reject_report(id, decision);
            if (!rejected) return std::unexpected(rejected.error());
            break;
        }
    }
    auto report = m_store.find_report(id);
    if (!report) return std::unexpected(report.error());
    return DecisionOutcome{std::move(*report), std::move(camera)};
}

Result<model::Camera> ModerationService::remove_camera(model::CameraId id, std::string_view reason,
                                                       std::string_view actor) {
    if (auto ok = validate_reason(reason); !ok) return std::unexpected(ok.error());
    return m_store.remove_camera(
        id, store::Decision{std::string(actor), std::string(reason), unix_now()});
}

Result<model::Camera> ModerationService::accept_check(std::int64_t check_id,
                                                      std::string_view reason,
                                                      std::string_view actor) {
    if (auto ok = validate_reason(reason); !ok) return std::unexpected(ok.error());
    return m_store.accept_check(
        check_id, store::Decision{std::string(actor), std::string(reason), unix_now()});
}

Result<model::CameraCheck> ModerationService::reject_check(std::int64_t check_id,
                                                           std::string_view reason,
                                                           std::string_view actor) {
    if (auto ok = validate_reason(reason); !ok) return std::unexpected(ok.error());
    return m_store.reject_check(
        check_id, store::Decision{std::string(actor), std::string(reason), unix_now()});
}

}  // namespace sightline::services
