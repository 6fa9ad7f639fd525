#include "model/campaign.hpp"

#include <gtest/gtest.h>

namespace sightline::model {

TEST(Campaign, AgreementNeedsThatManyEqualAnswers) {
    EXPECT_EQ(agree({}, 2).state, TaskState::open);
    EXPECT_EQ(agree({0}, 2).state, TaskState::open);
    auto done = agree({0, 0}, 2);
    EXPECT_EQ(done.state, TaskState::done);
    EXPECT_EQ(done.cameras, 0);
    EXPECT_EQ(agree({1}, 1).cameras, 1);
    // Disagreement asks for more answers, then goes to moderators after needed + 2.
    EXPECT_EQ(agree({0, 1}, 2).state, TaskState::open);
    EXPECT_EQ(agree({0, 1, 2}, 2).state, TaskState::open);
    auto late = agree({0, 1, 1}, 2);
    EXPECT_EQ(late.state, TaskState::done);
    EXPECT_EQ(late.cameras, 1);
    EXPECT_EQ(agree({0, 1, 2, 3}, 2).state, TaskState::disputed);
    EXPECT_EQ(agree({2, 0, 1, 3, 4}, 3).state, TaskState::disputed);
    EXPECT_EQ(agree({2, 0, 1, 3}, 3).state, TaskState::open);
}

TEST(Campaign, UnitsByName) {
    EXPECT_EQ(parse_survey_unit("cell"), SurveyUnit::cell);
    EXPECT_EQ(parse_survey_unit("intersection"), SurveyUnit::intersection);
    EXPECT_FALSE(parse_survey_unit("street"));
    EXPECT_EQ(to_string(TaskState::disputed), "disputed");
}

}  // namespace sightline::model
