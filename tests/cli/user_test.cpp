// sightline user add|list|disable|enable.

#include <regex>
#include <sstream>

#include "cli/cli_fixture.hpp"

namespace sightline::testing {
namespace {

using User = CliTest;

/// The `user list` line of `name` (columns squeezed to single spaces), or "".
std::string list_line(const std::string& listing, const std::string& name) {
    std::istringstream in(listing);
    for (std::string line; std::getline(in, line);) {
        if (!line.starts_with(name + " ")) continue;
        return std::regex_replace(line, std::regex(" +"), " ");
    }
    return {};
}

TEST_F(User, AddedUsersAreListedWithTheirRoles) {
    add_user("ana", "moderator");
    add_user("boss", "admin");
    auto list = sightline({"user", "list"});
    ASSERT_EQ(list.exit_code, 0) << describe(list);
    EXPECT_TRUE(list.out.starts_with("NAME")) << "a header line first:\n" << list.out;
    EXPECT_TRUE(list_line(list.out, "ana").starts_with("ana moderator active ")) << list.out;
    EXPECT_TRUE(list_line(list.out, "boss").starts_with("boss admin active ")) << list.out;
}

TEST_F(User, AddSaysWhomItAdded) {
    auto result = sightline({"user", "add", "ana", "--role", "moderator", "--password-stdin"},
                            std::string(cli_password) + "\n");
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.out.find("ana"), std::string::npos) << result.out;
}

TEST_F(User, AShortPasswordIsRefused) {
    auto result =
        sightline({"user", "add", "ana", "--role", "moderator", "--password-stdin"}, "short\n");
    EXPECT_NE(result.exit_code, 0);
    EXPECT_NE(result.err.find("at least 10"), std::string::npos) << describe(result);
    auto list = sightline({"user", "list"});
    EXPECT_TRUE(list_line(list.out, "ana").empty()) << list.out;
}

TEST_F(User, APasswordOfExactlyTenCharactersIsEnough) {
    auto result = sightline({"user", "add", "ana", "--role", "moderator", "--password-stdin"},
                            "0123456789\r\n");
    EXPECT_EQ(result.exit_code, 0) << describe(result);
}

TEST_F(User, ADuplicateNameIsRefusedClearly) {
    add_user("ana", "moderator");
    for (std::string name : {"ana", "ANA"}) {
        auto result = sightline({"user", "add", name, "--role", "admin", "--password-stdin"},
                                std::string(cli_password) + "\n");
        EXPECT_NE(result.exit_code, 0) << name;
        EXPECT_NE(result.err.find("already exists"), std::string::npos) << describe(result);
    }
    auto list = sightline({"user", "list"});
    EXPECT_TRUE(list_line(list.out, "ana").starts_with("ana moderator ")) << list.out;
    EXPECT_TRUE(list_line(list.out, "ANA").empty()) << list.out;
}

TEST_F(User, AddNeedsAValidNameARoleAndAPassword) {
    auto no_role = sightline({"user", "add", "ana", "--password-stdin"}, "correct horse battery\n");
    EXPECT_NE(no_role.exit_code, 0);
    EXPECT_NE(no_role.err.find("--role"), std::string::npos) << describe(no_role);

    auto bad_role = sightline({"user", "add", "ana", "--role", "root", "--password-stdin"},
                              "correct horse battery\n");
    EXPECT_NE(bad_role.exit_code, 0);
    EXPECT_NE(bad_role.err.find("role"), std::string::npos) << describe(bad_role);

    auto bad_name =
        sightline({"user", "add", "ana maria!", "--role", "moderator", "--password-stdin"},
                  "correct horse battery\n");
    EXPECT_NE(bad_name.exit_code, 0);
    EXPECT_FALSE(bad_name.err.empty()) << describe(bad_name);

    // Without --password-stdin the password is asked on a terminal; there is none here.
    auto no_terminal = sightline({"user", "add", "ana", "--role", "moderator"});
    EXPECT_NE(no_terminal.exit_code, 0);
    EXPECT_NE(no_terminal.err.find("--password-stdin"), std::string::npos) << describe(no_terminal);

    auto empty_stdin = sightline({"user", "add", "ana", "--role", "moderator", "--password-stdin"});
    EXPECT_NE(empty_stdin.exit_code, 0) << describe(empty_stdin);

    auto list = sightline({"user", "list"});
    EXPECT_TRUE(list_line(list.out, "ana").empty()) << list.out;
}

TEST_F(User, DisableAndEnableShowInTheList) {
    add_user("ana", "moderator");
    auto disabled = sightline({"user", "disable", "ana"});
    EXPECT_EQ(disabled.exit_code, 0) << describe(disabled);
    EXPECT_TRUE(
        list_line(sightline({"user", "list"}).out, "ana").starts_with("ana moderator disabled"));
    auto enabled = sightline({"user", "enable", "ana"});
    EXPECT_EQ(enabled.exit_code, 0) << describe(enabled);
    EXPECT_TRUE(
        list_line(sightline({"user", "list"}).out, "ana").starts_with("ana moderator active"));
}

TEST_F(User, DisablingAnUnknownUserFails) {
    add_user("ana", "moderator");
    auto result = sightline({"user", "disable", "bob"});
    EXPECT_NE(result.exit_code, 0);
    EXPECT_FALSE(result.err.empty()) << describe(result);
}

TEST_F(User, AnUnknownActionFails) {
    auto result = sightline({"user", "delete", "ana"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("delete"), std::string::npos) << describe(result);
}

TEST_F(User, ThePasswordIsNotStoredInClear) {
    add_user("ana", "moderator");
    for (const auto& entry : std::filesystem::directory_iterator(data())) {
        EXPECT_EQ(slurp(entry.path()).find(cli_password), std::string::npos)
            << entry.path().filename();
    }
    EXPECT_NE(slurp(data() / "sightline.db").find("$argon2id$"), std::string::npos)
        << "an argon2id hash is stored instead";
}

}  // namespace
}  // namespace sightline::testing
