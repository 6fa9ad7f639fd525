#include "model/campaign.hpp"

#include <map>

namespace sightline::model {

std::string_view to_string(SurveyUnit unit) noexcept {
    return unit == SurveyUnit::cell ? "cell" : "intersection";
}

std::optional<SurveyUnit> parse_survey_unit(std::string_view text) noexcept {
    if (text == "intersection") return SurveyUnit::intersection;
    if (text == "cell") return SurveyUnit::cell;
    return std::nullopt;
}

std::string_view to_string(TaskState state) noexcept {
    switch (state) {
        case TaskState::open:
            return "open";
        case TaskState::done:
            return "done";
        case TaskState::disputed:
            return "disputed";
    }
    return "open";
}

Agreement agree(const std::vector<int>& counts, int needed) {
    std::map<int, int> votes;
    for (int c : counts)
        if (++votes[c] >= needed) return {TaskState::done, c};
    if (static_cast<int>(counts.size()) >= needed + 2) return {TaskState::disputed, std::nullopt};
    return {};
}

}  // namespace sightline::model
