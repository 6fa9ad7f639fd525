#pragma once
// Survey campaigns: an area split into tasks (street intersections or grid cells) that
// volunteers visit and answer "N cameras here" (0: surveyed, no camera), until enough answers
// agree. What makes "no dot on the map" mean "looked, nothing there" rather than "nobody looked".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geo/bbox.hpp"
#include "geo/lat_lon.hpp"

namespace sightline::model {

enum class SurveyUnit { intersection, cell };
std::string_view to_string(SurveyUnit unit) noexcept;
std::optional<SurveyUnit> parse_survey_unit(std::string_view text) noexcept;

/// open: needs answers; done: answers_needed answers agreed; disputed: they keep disagreeing
/// (a moderator decides).
enum class TaskState { open, done, disputed };
std::string_view to_string(TaskState state) noexcept;

struct Campaign {
    std::int64_t id = 0;
    std::string name;
    SurveyUnit unit = SurveyUnit::intersection;
    int answers_needed = 2;
    geo::BBox bbox;
    std::int64_t created_at = 0;
};

struct CampaignSummary {
    Campaign campaign;
    std::int64_t tasks = 0;
    std::int64_t done = 0;
    std::int64_t disputed = 0;
    std::int64_t answers = 0;
    std::int64_t cameras_found = 0;  ///< sum of the agreed counts of done tasks
};

struct SurveyTask {
    std::int64_t id = 0;
    std::int64_t campaign_id = 0;
    SurveyUnit unit = SurveyUnit::intersection;
    geo::LatLon location;
    geo::BBox area;  ///< the ground it stands for
    TaskState state = TaskState::open;
    std::int64_t held_until = 0;   ///< unix seconds; handed out until then
    std::optional<int> cameras;    ///< the agreed count, when done
    std::int64_t surveyed_at = 0;  ///< when it became done; 0 when not
    std::int64_t answers = 0;
};

/// One volunteer's answer. `answer_id` (optional, client-made) makes a retry of the same answer
/// (an offline queue delivering twice) count once.
struct TaskAnswer {
    int cameras = 0;
    std::vector<std::int64_t> report_ids;  ///< reports the volunteer sent for this task
    std::string answer_id;
};

/// Where a task's answers leave it: done with the count `needed` answers gave; disputed once
/// needed + 2 answers came without that many agreeing; else open (it needs more answers).
struct Agreement {
    TaskState state = TaskState::open;
    std::optional<int> cameras;
};
Agreement agree(const std::vector<int>& counts, int needed);

}  // namespace sightline::model
