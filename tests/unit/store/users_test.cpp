// Users and sessions.
#include <gtest/gtest.h>

#include "store_test_support.hpp"

namespace sightline::store::testing {

using Users = StoreTest;

TEST_F(Users, RoundTripsAUserByIdAndByName) {
    auto id = store->insert_user("mila", model::Role::admin, "$argon2id$v=19$hash",
                                 decision("first admin"));
    ASSERT_TRUE(id) << id.error().message;
    auto user = store->find_user(*id);
    ASSERT_TRUE(user);
    EXPECT_EQ(user->name, "mila");
    EXPECT_EQ(user->role, model::Role::admin);
    EXPECT_FALSE(user->disabled);
    EXPECT_EQ(user->password_hash, "$argon2id$v=19$hash");
    EXPECT_EQ(user->created_at, decision_time);
    EXPECT_EQ(store->find_user_by_name("mila")->id, *id);
    EXPECT_EQ(store->find_user(model::UserId{id->value + 1}).error().code, Errc::not_found);
    EXPECT_EQ(store->find_user_by_name("nobody").error().code, Errc::not_found);

    auto audit = store->list_audit(1, std::nullopt);
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_EQ(audit[0].action, "user_add");
    EXPECT_EQ(audit[0].subject, "user/mila");
}

TEST_F(Users, RefusesADuplicateNameIgnoringCase) {
    ASSERT_TRUE(store->insert_user("mila", model::Role::moderator, "h", decision()));
    auto again = store->insert_user("Mila", model::Role::admin, "h", decision());
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::conflict);
    EXPECT_EQ(store->list_users().size(), 1u);
    EXPECT_EQ(store->list_audit(10, std::nullopt).size(), 1u);
}

TEST_F(Users, RefusesAnInvalidName) {
    for (const char* bad : {"", "a b", "'; DROP TABLE users;--"}) {
        auto id = store->insert_user(bad, model::Role::moderator, "h", decision());
        ASSERT_FALSE(id) << bad;
        EXPECT_EQ(id.error().code, Errc::invalid_argument);
    }
}

TEST_F(Users, ListsUsersByName) {
    ASSERT_TRUE(store->insert_user("zoran", model::Role::moderator, "h", decision()));
    ASSERT_TRUE(store->insert_user("ana", model::Role::admin, "h", decision()));
    auto users = store->list_users();
    ASSERT_EQ(users.size(), 2u);
    EXPECT_EQ(users[0].name, "ana");
    EXPECT_EQ(users[1].name, "zoran");
}

TEST_F(Users, DisablingAUserDeletesTheirSessions) {
    auto mila = store->insert_user("mila", model::Role::moderator, "h", decision());
    auto ana = store->insert_user("ana", model::Role::moderator, "h", decision());
    ASSERT_TRUE(mila && ana);
    ASSERT_TRUE(store->insert_session({"t1", *mila, "csrf1", decision_time + 3600}));
    ASSERT_TRUE(store->insert_session({"t2", *ana, "csrf2", decision_time + 3600}));

    ASSERT_TRUE(store->set_user_disabled("mila", true, decision("left the project")));
    EXPECT_TRUE(store->find_user(*mila)->disabled);
    EXPECT_EQ(store->find_session("t1", decision_time).error().code, Errc::not_found);
    EXPECT_TRUE(store->find_session("t2", decision_time));
    EXPECT_EQ(store->list_audit(1, std::nullopt)[0].action, "user_disable");

    ASSERT_TRUE(store->set_user_disabled("mila", false, decision()));
    EXPECT_FALSE(store->find_user(*mila)->disabled);
    EXPECT_EQ(store->list_audit(1, std::nullopt)[0].action, "user_enable");
    EXPECT_EQ(store->set_user_disabled("ghost", true, decision()).error().code, Errc::not_found);
}

TEST_F(Users, SessionsExpireAndCanBeDeleted) {
    auto mila = store->insert_user("mila", model::Role::moderator, "h", decision());
    ASSERT_TRUE(mila);
    model::SessionRecord session{"hash1", *mila, "csrf", 1000};
    ASSERT_TRUE(store->insert_session(session));
    EXPECT_EQ(store->insert_session(session).error().code, Errc::conflict);
    EXPECT_EQ(store->insert_session({"hash2", model::UserId{99}, "c", 1000}).error().code,
              Errc::not_found);

    auto found = store->find_session("hash1", 999);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->user_id, *mila);
    EXPECT_EQ(found->csrf_token, "csrf");
    EXPECT_EQ(found->expires_at, 1000);
    EXPECT_EQ(store->find_session("hash1", 1000).error().code, Errc::not_found);

    ASSERT_TRUE(store->insert_session({"hash3", *mila, "c", 5000}));
    store->delete_expired_sessions(1000);
    EXPECT_EQ(count("SELECT count(*) FROM sessions"), 1);
    ASSERT_TRUE(store->delete_session("hash3"));
    EXPECT_TRUE(store->delete_session("hash3")) << "logging out twice is fine";
    EXPECT_EQ(count("SELECT count(*) FROM sessions"), 0);
}

}  // namespace sightline::store::testing
