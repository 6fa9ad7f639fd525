// Services over a real SQLite store in a temporary folder.

#include <filesystem>
#include <random>

#include <gtest/gtest.h>

#include "geo/distance.hpp"
#include "services/crypto.hpp"
#include "services/services.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace sightline::services {
namespace {

class ServicesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::random_device rd;
        m_dir =
            std::filesystem::temp_directory_path() / ("sightline-services-" + std::to_string(rd()));
        m_store = store::open_sqlite_store(m_dir);
        ServiceOptions options;
        options.reports.burst = 3;
        options.reports.per_hour = 3;
        m_services = std::make_unique<Services>(*m_store, *m_store, *m_store, *m_store, options);
    }
    void TearDown() override {
        m_services.reset();
        m_store.reset();
        std::filesystem::remove_all(m_dir);
    }
    static model::NewReport report_at(geo::LatLon where) {
        model::NewReport r;
        r.location = where;
        r.accuracy_m = 5;
        r.directions_deg = {90};
        r.tags = {{"surveillance:type", "camera"}, {"camera:type", "fixed"}};
        return r;
    }

    std::filesystem::path m_dir;
    std::unique_ptr<store::SqliteStore> m_store;
    std::unique_ptr<Services> m_services;
};

constexpr geo::LatLon belgrade{44.8125, 20.4612};

}  // namespace

TEST(Crypto, HashesPasswordsWithArgon2idAndVerifiesThem) {
    auto hash = hash_password("correct horse battery");
    ASSERT_TRUE(hash);
    EXPECT_TRUE(hash->starts_with("$argon2id$"));
    EXPECT_TRUE(verify_password(*hash, "correct horse battery"));
    EXPECT_FALSE(verify_password(*hash, "correct horse batterx"));
    EXPECT_FALSE(hash_password("short"));
    EXPECT_EQ(random_token(16).size(), 32u);
    EXPECT_NE(random_token(), random_token());
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(ServicesTest, StoresOnlyTheHashOfTheWithdrawToken) {
    auto submitted = m_services->reports.submit(report_at(belgrade), 1);
    ASSERT_TRUE(submitted) << submitted.error().message;
    EXPECT_EQ(submitted->withdraw_token.size(), 48u);
    EXPECT_FALSE(m_services->reports.withdraw(submitted->id, "wrong"));
    EXPECT_TRUE(m_services->reports.withdraw(submitted->id, submitted->withdraw_token));
    EXPECT_EQ(m_store->find_report(submitted->id)->status, model::ReportStatus::withdrawn);
}

TEST_F(ServicesTest, RateLimitsReportsPerClientKey) {
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(m_services->reports.submit(report_at(belgrade), 42));
    auto fourth = m_services->reports.submit(report_at(belgrade), 42);
    ASSERT_FALSE(fourth);
    EXPECT_EQ(fourth.error().code, Errc::rate_limited);
    EXPECT_TRUE(m_services->reports.submit(report_at(belgrade), 43));
}

TEST_F(ServicesTest, InvalidReportsAreRefusedBeforeTheyCountAgainstTheLimit) {
    auto bad = report_at({91, 0});
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(m_services->reports.submit(bad, 7).error().code, Errc::invalid_argument);
    EXPECT_TRUE(m_services->reports.submit(report_at(belgrade), 7));
}

TEST_F(ServicesTest, ASecondReportNearAnAcceptedCameraIsALikelyDuplicate) {
    auto first = m_services->reports.submit(report_at(belgrade), 1);
    ASSERT_TRUE(first);
    auto accepted =
        m_services->moderation.decide(first->id, {DecisionAction::accept, {}, ""}, "mod");
    ASSERT_TRUE(accepted) << accepted.error().message;
    ASSERT_TRUE(accepted->camera);

    auto second = m_services->reports.submit(report_at(geo::destination(belgrade, 0, 6)), 2);
    ASSERT_TRUE(second);
    ASSERT_EQ(second->likely_duplicates.size(), 1u);
    EXPECT_EQ(second->likely_duplicates[0].camera_id, accepted->camera->id);
    EXPECT_NEAR(second->likely_duplicates[0].distance_m, 6, 0.1);

    auto far = m_services->reports.submit(report_at(geo::destination(belgrade, 0, 300)), 3);
    ASSERT_TRUE(far);
    EXPECT_TRUE(far->likely_duplicates.empty());

    auto merged = m_services->moderation.decide(
        second->id, {DecisionAction::merge, accepted->camera->id, ""}, "mod");
    ASSERT_TRUE(merged) << merged.error().message;
    EXPECT_EQ(merged->camera->confirmations, 2);
    EXPECT_EQ(merged->report.status, model::ReportStatus::merged);
}

TEST_F(ServicesTest, RejectNeedsAReasonAndADecisionCannotBeTakenTwice) {
    auto r = m_services->reports.submit(report_at(belgrade), 1);
    ASSERT_TRUE(r);
    EXPECT_EQ(
        m_services->moderation.decide(r->id, {DecisionAction::reject, {}, ""}, "mod").error().code,
        Errc::invalid_argument);
    ASSERT_TRUE(
        m_services->moderation.decide(r->id, {DecisionAction::reject, {}, "a shop sign"}, "mod"));
    EXPECT_EQ(
        m_services->moderation.decide(r->id, {DecisionAction::accept, {}, ""}, "mod").error().code,
        Errc::conflict);
    auto audit = m_store->list_audit(10, std::nullopt);
    ASSERT_FALSE(audit.empty());
    EXPECT_EQ(audit[0].action, "reject");
    EXPECT_EQ(audit[0].actor, "mod");
    EXPECT_EQ(audit[0].reason, "a shop sign");
}

TEST_F(ServicesTest, LoginCreatesASessionAndCsrfIsChecked) {
    ASSERT_TRUE(
        m_services->auth.add_user("ana", model::Role::moderator, "correct horse battery", "test"));
    auto login = m_services->auth.login("ana", "correct horse battery", 1);
    ASSERT_TRUE(login) << login.error().message;
    EXPECT_TRUE(m_services->auth.authenticate(login->session_token));
    EXPECT_TRUE(m_services->auth.authorize(login->session_token, model::Role::moderator,
                                           std::optional<std::string_view>(login->csrf_token)));
    EXPECT_EQ(m_services->auth
                  .authorize(login->session_token, model::Role::moderator,
                             std::optional<std::string_view>("forged"))
                  .error()
                  .code,
              Errc::forbidden);
    EXPECT_EQ(m_services->auth.authorize(login->session_token, model::Role::admin, std::nullopt)
                  .error()
                  .code,
              Errc::forbidden);
    ASSERT_TRUE(m_services->auth.logout(login->session_token));
    EXPECT_EQ(m_services->auth.authenticate(login->session_token).error().code, Errc::unauthorized);
}

TEST_F(ServicesTest, ThrottlesRepeatedFailedLogins) {
    ASSERT_TRUE(
        m_services->auth.add_user("ana", model::Role::moderator, "correct horse battery", "test"));
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(m_services->auth.login("ana", "wrong password!", 1).error().code,
                  Errc::unauthorized);
    // The client that failed waits, even with the right password...
    auto blocked = m_services->auth.login("ana", "correct horse battery", 1);
    ASSERT_FALSE(blocked);
    EXPECT_EQ(blocked.error().code, Errc::rate_limited);
    EXPECT_GT(m_services->auth.login_wait_s("ana", 1), 0.0);
    // ...but its failures cannot lock ana out: from anywhere else she gets in.
    EXPECT_TRUE(m_services->auth.login("ana", "correct horse battery", 2));
    EXPECT_EQ(m_services->auth.login_wait_s("ana", 2), 0.0);
}

TEST_F(ServicesTest, DisabledUsersLoseTheirSessions) {
    ASSERT_TRUE(
        m_services->auth.add_user("ana", model::Role::admin, "correct horse battery", "test"));
    auto login = m_services->auth.login("ana", "correct horse battery", 1);
    ASSERT_TRUE(login);
    ASSERT_TRUE(m_services->auth.set_disabled("ana", true, "test"));
    EXPECT_EQ(m_services->auth.authenticate(login->session_token).error().code, Errc::unauthorized);
    EXPECT_EQ(m_services->auth.login("ana", "correct horse battery", 1).error().code,
              Errc::unauthorized);
}

}  // namespace sightline::services
