#include "http/router.hpp"

#include <gtest/gtest.h>

namespace sightline::http {
namespace {

Handler reply(std::string text) {
    return [text](const Request&) {
        Response response;
        response.body = text;
        return response;
    };
}

Request make_request(std::string method, std::string path) {
    Request request;
    request.method = std::move(method);
    request.path = std::move(path);
    return request;
}

}  // namespace

TEST(Router, MatchesLiteralPaths) {
    Router router;
    router.add("GET", "/api/v1/health", reply("health"));
    auto request = make_request("GET", "/api/v1/health");
    auto match = router.match(request);
    ASSERT_NE(match.route, nullptr);
    EXPECT_EQ(match.route->pattern, "/api/v1/health");
    EXPECT_EQ(match.route->handler(request).body, "health");
}

TEST(Router, FillsPlaceholders) {
    Router router;
    router.add("GET", "/api/v1/cameras/{id}/history/{version}", reply("x"));
    auto request = make_request("GET", "/api/v1/cameras/42/history/7");
    auto match = router.match(request);
    ASSERT_NE(match.route, nullptr);
    EXPECT_EQ(request.path_param("id"), "42");
    EXPECT_EQ(request.path_param("version"), "7");
    EXPECT_FALSE(request.path_param("other"));
}

TEST(Router, PlaceholderDoesNotMatchEmptyOrSeveralSegments) {
    Router router;
    router.add("GET", "/cameras/{id}", reply("x"));
    for (auto path : {"/cameras/", "/cameras", "/cameras/1/2", "/cameras//"}) {
        auto request = make_request("GET", path);
        EXPECT_EQ(router.match(request).route, nullptr) << path;
    }
}

TEST(Router, TreatsTrailingSlashAsDifferentPath) {
    Router router;
    router.add("GET", "/a", reply("x"));
    EXPECT_NE(router.find("GET", "/a"), nullptr);
    EXPECT_EQ(router.find("GET", "/a/"), nullptr);
    EXPECT_EQ(router.find("GET", "a"), nullptr);
    EXPECT_EQ(router.find("GET", ""), nullptr);
}

TEST(Router, MatchesRoot) {
    Router router;
    router.add("GET", "/", reply("root"));
    EXPECT_NE(router.find("GET", "/"), nullptr);
    EXPECT_EQ(router.find("GET", "/x"), nullptr);
}

TEST(Router, PrefersLiteralOverPlaceholderWhateverTheOrder) {
    Router router;
    router.add("GET", "/cameras/{id}", reply("by id"));
    router.add("GET", "/cameras/nearby", reply("nearby"));
    router.add("GET", "/{section}/nearby", reply("section"));
    EXPECT_EQ(router.find("GET", "/cameras/nearby")->pattern, "/cameras/nearby");
    EXPECT_EQ(router.find("GET", "/cameras/5")->pattern, "/cameras/{id}");
    EXPECT_EQ(router.find("GET", "/reports/nearby")->pattern, "/{section}/nearby");
}

TEST(Router, TailPlaceholderTakesTheRestOfThePath) {
    Router router;
    router.add("GET", "/assets/{file...}", reply("asset"));
    router.add("GET", "/assets/index.html", reply("index"));
    auto request = make_request("GET", "/assets/js/app.js");
    auto match = router.match(request);
    ASSERT_NE(match.route, nullptr);
    EXPECT_EQ(request.path_param("file"), "js/app.js");
    EXPECT_EQ(router.find("GET", "/assets/index.html")->pattern, "/assets/index.html");
    EXPECT_EQ(router.find("GET", "/assets/"), nullptr);
    EXPECT_EQ(router.find("GET", "/assets"), nullptr);
}

TEST(Router, ReportsPathThatExistsForAnotherMethod) {
    Router router;
    router.add("GET", "/cameras/{id}", reply("get"));
    router.add("DELETE", "/cameras/{id}", reply("delete"));
    auto request = make_request("POST", "/cameras/5");
    auto match = router.match(request);
    EXPECT_EQ(match.route, nullptr);
    EXPECT_TRUE(match.path_exists);
    EXPECT_EQ(router.allowed_methods("/cameras/5"), (std::vector<std::string>{"DELETE", "GET"}));

    auto missing = make_request("POST", "/nothing");
    auto no_match = router.match(missing);
    EXPECT_EQ(no_match.route, nullptr);
    EXPECT_FALSE(no_match.path_exists);
}

TEST(Router, FindsRouteForBodyLimitWithoutParameters) {
    Router router;
    router.add("POST", "/reports", reply("small"));
    router.add("POST", "/reports/{id}/photos", reply("big"), 10 * 1024 * 1024);
    const Route* route = router.find("POST", "/reports/9/photos");
    ASSERT_NE(route, nullptr);
    EXPECT_EQ(route->max_body_bytes, 10u * 1024 * 1024);
    EXPECT_EQ(router.find("POST", "/reports")->max_body_bytes, 0u);
    EXPECT_EQ(router.find("GET", "/reports"), nullptr);
}

TEST(Router, MethodsAreCaseSensitive) {
    Router router;
    router.add("GET", "/x", reply("x"));
    EXPECT_EQ(router.find("get", "/x"), nullptr);
}

TEST(Router, MultipartUploadsMayHaveALargerBodyLimitThanJson) {
    Router router;
    router.add("POST", "/up", reply("x"), 0, 80'000'000);
    router.add("POST", "/json", reply("x"), 5'000'000);
    const Route* up = router.find("POST", "/up");
    ASSERT_NE(up, nullptr);
    EXPECT_EQ(up->body_limit("application/json"), 0u);  // the server default
    EXPECT_EQ(up->body_limit("multipart/form-data; boundary=x"), 80'000'000u);
    EXPECT_EQ(up->body_limit("Multipart/Form-Data; boundary=x"), 80'000'000u);
    EXPECT_EQ(up->body_limit("multipart/mixed"), 0u);
    const Route* json = router.find("POST", "/json");
    EXPECT_EQ(json->body_limit("multipart/form-data; boundary=x"), 5'000'000u);
    EXPECT_EQ(json->body_limit(""), 5'000'000u);
}

}  // namespace sightline::http
