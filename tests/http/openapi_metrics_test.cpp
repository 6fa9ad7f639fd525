// The OpenAPI document describes exactly the routes the server has; /metrics speaks the
// Prometheus text format.

#include <cctype>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/core.h>

#include "http/api_fixture.hpp"

namespace sightline::testing {
namespace {

using Route = std::pair<std::string, std::string>;  // method (lower case), path pattern

/// Every route the server registers (src/http/endpoints/*.cpp, register_*_routes). Adding an
/// endpoint means adding it here and to docs/api/openapi.json.
const std::set<Route>& server_routes() {
    static const std::set<Route> routes{
        {"post", "/api/v1/reports"},
        {"get", "/api/v1/reports"},
        {"get", "/api/v1/reports/{id}"},
        {"delete", "/api/v1/reports/{id}"},
        {"post", "/api/v1/reports/{id}/decision"},
        {"post", "/api/v1/session"},
        {"get", "/api/v1/session"},
        {"delete", "/api/v1/session"},
        {"get", "/api/v1/cameras"},
        {"get", "/api/v1/cameras/{id}"},
        {"post", "/api/v1/cameras/{id}/removal"},
        {"post", "/api/v1/cameras/{id}/checks"},
        {"get", "/api/v1/moderation/checks"},
        {"post", "/api/v1/moderation/checks/{id}/accept"},
        {"post", "/api/v1/moderation/checks/{id}/reject"},
        {"get", "/api/v1/moderation/recheck"},
        {"get", "/api/v1/export/cameras.geojson"},
        {"get", "/api/v1/export/cameras.csv"},
        {"get", "/api/v1/export/cameras.osm"},
        {"get", "/api/v1/export/cameras.osc"},
        {"get", "/api/v1/export/cameras.kml"},
        {"get", "/api/v1/export/cameras.gpkg"},
        {"get", "/feeds/area.atom"},
        {"get", "/feeds/district/{file}"},
        {"get", "/tiles/tilejson.json"},
        {"get", "/tiles/{z}/{x}/{file}"},
        {"post", "/api/v1/photos/inspect"},
        {"get", "/photos/{hash}"},
        {"get", "/photos/{hash}/thumbnail"},
        {"get", "/api/v1/coverage"},
        {"post", "/api/v1/exposure"},
        {"get", "/api/v1/districts"},
        {"get", "/api/v1/districts.geojson"},
        {"get", "/api/v1/districts.csv"},
        {"get", "/api/v1/districts/{id}"},
        {"get", "/api/v1/report.pdf"},
        {"get", "/api/v1/campaigns"},
        {"post", "/api/v1/campaigns"},
        {"get", "/api/v1/campaigns/{id}"},
        {"get", "/api/v1/campaigns/{id}/next"},
        {"get", "/api/v1/campaigns/{id}/tasks"},
        {"post", "/api/v1/campaigns/{id}/tasks/{task}/answers"},
        {"post", "/api/v1/campaigns/{id}/tasks/{task}/resolve"},
        {"get", "/api/v1/surveys"},
        {"get", "/api/v1/route"},
        {"get", "/api/v1/search"},
        {"get", "/api/v1/reverse"},
        {"get", "/api/v1/sources"},
        {"get", "/api/v1/sources/{id}/comparison"},
        {"get", "/api/v1/sources/{id}/review"},
        {"post", "/api/v1/sources/{id}/entries/{entry}/match"},
        {"post", "/api/v1/scrub"},
        {"get", "/api/v1/scrub/{id}"},
        {"get", "/api/v1/scrub/{id}/result"},
        {"get", "/api/v1/stats"},
        {"get", "/api/v1/stats/history"},
        {"get", "/api/v1/audit"},
        {"get", "/api/v1/openapi.json"},
        {"get", "/healthz"},
        {"get", "/metrics"},
        {"get", "/"},
        {"get", "/camera/{id}"},
        {"get", "/report"},
        {"get", "/moderation"},
        {"get", "/stats"},
        {"get", "/districts"},
        {"get", "/district/{id}"},
        {"get", "/campaigns"},
        {"get", "/campaign/{id}"},
        {"get", "/sw.js"},
        {"get", "/embed"},
        {"get", "/assets/{file...}"},
    };
    return routes;
}

const std::set<std::string> http_methods{"get",     "put",  "post",  "delete",
                                         "options", "head", "patch", "trace"};

std::set<Route> document_routes(const nlohmann::json& document) {
    std::set<Route> routes;
    for (const auto& [path, item] : document.at("paths").items())
        for (const auto& [method, operation] : item.items())
            if (http_methods.contains(method)) routes.emplace(method, path);
    return routes;
}

/// A concrete path for a pattern: {id}, {z}, {x} become 1, {file} (a tile) becomes 1.mvt.
std::string concrete(std::string_view pattern) {
    std::string out;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != '{') {
            out += pattern[i];
            continue;
        }
        auto end = pattern.find('}', i);
        out += pattern.substr(i, end - i + 1) == "{file}" ? "1.mvt" : "1";
        i = end;
    }
    return out;
}

/// Names of the {placeholders} of a path pattern.
std::set<std::string> placeholders(std::string_view pattern) {
    std::set<std::string> names;
    for (auto open = pattern.find('{'); open != std::string_view::npos;
         open = pattern.find('{', open + 1))
        names.emplace(pattern.substr(open + 1, pattern.find('}', open) - open - 1));
    return names;
}

class OpenApi : public ApiTest {
  protected:
    nlohmann::json served_document() {
        auto response = client().get("/api/v1/openapi.json");
        if (response.status != 200)
            throw std::runtime_error("GET /api/v1/openapi.json: " +
                                     std::to_string(response.status));
        return response.json();
    }
};

TEST_F(OpenApi, TheDocumentIsServedAsJsonAndMatchesTheOneInDocs) {
    auto response = client().get("/api/v1/openapi.json");
    ASSERT_EQ(response.status, 200);
    EXPECT_TRUE(response.header("content-type").starts_with("application/json"));
    auto document = response.json();
    EXPECT_EQ(document["openapi"], "3.1.0");
    EXPECT_TRUE(document["info"]["title"].is_string());

    std::ifstream file(SIGHTLINE_OPENAPI_FILE);
    ASSERT_TRUE(file) << SIGHTLINE_OPENAPI_FILE;
    auto differences = nlohmann::json::diff(nlohmann::json::parse(file), document);
    std::string where;
    for (const auto& op : differences)
        where += "\n  " + op["op"].get<std::string>() + " " + op["path"].get<std::string>();
    EXPECT_TRUE(differences.empty())
        << "the binary must embed docs/api/openapi.json (rebuild?); differences:" << where;
}

TEST_F(OpenApi, TheDocumentListsExactlyTheRoutesOfTheServer) {
    auto documented = document_routes(served_document());
    for (const auto& route : server_routes())
        EXPECT_TRUE(documented.contains(route))
            << "undocumented: " << route.first << " " << route.second;
    for (const auto& route : documented)
        EXPECT_TRUE(server_routes().contains(route))
            << "documented but not in this test's list: " << route.first << " " << route.second;
}

TEST_F(OpenApi, EveryDocumentedRouteExistsOnTheServer) {
    // The server labels each request in /metrics with the pattern of the route that served it
    // ("unmatched" otherwise): one request per documented route must show up under that label.
    auto routes = document_routes(served_document());
    for (const auto& [method, pattern] : routes) {
        std::string upper = method;
        for (auto& c : upper)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        auto response = client().request(upper, concrete(pattern));
        SCOPED_TRACE(upper + " " + pattern + " -> " + std::to_string(response.status));
        EXPECT_NE(response.status, 405) << response.body;
        if (pattern.find('{') == std::string::npos) {
            EXPECT_NE(response.status, 404);
        }
    }
    auto metrics = client().get("/metrics").body;
    for (const auto& [method, pattern] : routes) {
        std::string upper = method;
        for (auto& c : upper)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        // Anonymous submissions are kept out of the metrics (privacy_test.cpp).
        if (pattern == "/api/v1/reports" && upper == "POST") continue;
        if (pattern == "/api/v1/reports/{id}" && upper == "DELETE") continue;
        if (pattern == "/api/v1/campaigns/{id}/tasks/{task}/answers" && upper == "POST") continue;
        if (pattern == "/api/v1/cameras/{id}/checks" && upper == "POST") continue;
        auto labels = fmt::format(R"(route="{}",method="{}")", pattern, upper);
        EXPECT_NE(metrics.find(labels), std::string::npos) << "no route serves " << labels;
    }
}

TEST_F(OpenApi, PathParametersAndSecurityAreDeclared) {
    auto document = served_document();
    for (const auto& [path, item] : document["paths"].items()) {
        for (const auto& [method, operation] : item.items()) {
            SCOPED_TRACE(method + " " + path);
            EXPECT_TRUE(operation.contains("responses")) << operation.dump();
            std::set<std::string> declared;
            for (const auto& p : operation.value("parameters", nlohmann::json::array()))
                if (p["in"] == "path") declared.insert(p["name"].get<std::string>());
            EXPECT_EQ(declared, placeholders(path)) << "path parameters declared";
        }
    }
    // Routes that need a login say so, and document their 401.
    for (auto [method, path] :
         {Route{"get", "/api/v1/reports"}, Route{"get", "/api/v1/reports/{id}"},
          Route{"post", "/api/v1/reports/{id}/decision"},
          Route{"post", "/api/v1/cameras/{id}/removal"}, Route{"get", "/api/v1/audit"},
          Route{"get", "/api/v1/moderation/checks"},
          Route{"post", "/api/v1/moderation/checks/{id}/accept"},
          Route{"post", "/api/v1/moderation/checks/{id}/reject"},
          Route{"get", "/api/v1/moderation/recheck"}, Route{"delete", "/api/v1/session"}}) {
        SCOPED_TRACE(method + " " + path);
        const auto& operation = document["paths"][path][method];
        EXPECT_TRUE(operation.contains("security"));
        EXPECT_TRUE(operation["responses"].contains("401"));
    }
}

TEST_F(OpenApi, TheSubmitAnswerHasTheDocumentedFields) {
    auto document = served_document();
    auto documented = document["paths"]["/api/v1/reports"]["post"]["responses"]["201"]["content"]
                              ["application/json"]["schema"]["properties"];
    auto body = submit_ok(example_report());
    for (const auto& [key, value] : body.items())
        EXPECT_TRUE(documented.contains(key)) << "undocumented field " << key;
    for (const auto& [key, value] : documented.items())
        EXPECT_TRUE(body.contains(key)) << "documented field missing: " << key;
}

TEST_F(OpenApi, EveryErrorCodeTheServerSendsIsDocumented) {
    auto document = served_document();
    std::set<std::string> codes;
    for (const auto& c : document["components"]["schemas"]["Error"]["properties"]["error"]
                                 ["properties"]["code"]["enum"])
        codes.insert(c.get<std::string>());
    auto mod = login();
    std::vector<HttpResponse> errors{
        client().post("/api/v1/reports", "{"),
        client().post("/api/v1/reports", "{}", {{"Content-Type", "text/plain"}}),
        client().get("/api/v1/cameras?bbox=0,0,10,10"),
        client().get("/api/v1/nothing"),
        client().request("PUT", "/healthz"),
        client().get("/api/v1/audit"),
        client().get("/api/v1/audit", mod.cookie()),
        client().post("/api/v1/reports/1/decision", R"({"action":"accept"})",
                      mod.cookie_and_csrf()),
    };
    for (const auto& e : errors) {
        auto code = e.json()["error"]["code"].get<std::string>();
        EXPECT_TRUE(codes.contains(code)) << "undocumented error code " << code;
    }
}

using Metrics = ApiTest;

/// The value of the sample `series` (name with labels, exactly as written), or -1 if absent.
double sample(const std::string& text, const std::string& series) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
    }
    return -1;
}

TEST_F(Metrics, MetricsAreInThePrometheusTextFormat) {
    client().get("/healthz");
    auto response = client().get("/metrics");
    ASSERT_EQ(response.status, 200);
    EXPECT_TRUE(response.header("content-type").starts_with("text/plain"));
    EXPECT_NE(response.header("content-type").find("version=0.0.4"), std::string::npos);
    // Every line is a comment (# HELP / # TYPE) or `name{labels} value`.
    static const std::regex sample_line(
        R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? [-+0-9.eEInfNa]+$)");
    std::istringstream in(response.body);
    int samples = 0;
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) continue;
        EXPECT_TRUE(std::regex_match(line, sample_line)) << line;
        ++samples;
    }
    EXPECT_GT(samples, 0);
    EXPECT_NE(response.body.find("# TYPE sightline_http_requests_total counter"),
              std::string::npos);
    EXPECT_NE(response.body.find("# TYPE sightline_reports gauge"), std::string::npos);
}

TEST_F(Metrics, RequestsAreCountedByRouteMethodAndStatus) {
    client().get("/api/v1/cameras?bbox=15.9,45.7,16.1,45.9");
    client().get("/api/v1/cameras?bbox=15.9,45.7,16.1,45.9");
    client().get("/api/v1/cameras?bbox=broken");
    auto text = client().get("/metrics").body;
    EXPECT_EQ(
        sample(
            text,
            R"(sightline_http_requests_total{route="/api/v1/cameras",method="GET",status="200"})"),
        2)
        << text;
    EXPECT_EQ(
        sample(
            text,
            R"(sightline_http_requests_total{route="/api/v1/cameras",method="GET",status="400"})"),
        1)
        << text;
    EXPECT_GE(
        sample(text, R"(sightline_http_request_duration_seconds_count{route="/api/v1/cameras"})"),
        3)
        << text;
}

TEST_F(Metrics, RoutesWithIdsAreCountedByPatternNotByPath) {
    for (int id : {1, 2, 3})
        client().get(fmt::format("/api/v1/cameras/{}", id));
    client().get("/api/v1/a-path-nobody-knows-1234");
    auto text = client().get("/metrics").body;
    EXPECT_EQ(
        sample(
            text,
            R"(sightline_http_requests_total{route="/api/v1/cameras/{id}",method="GET",status="404"})"),
        3)
        << text;
    EXPECT_EQ(text.find("a-path-nobody-knows-1234"), std::string::npos)
        << "unknown paths must not become labels (unbounded series)";
    EXPECT_EQ(text.find("route=\"/api/v1/cameras/1\""), std::string::npos);
}

TEST_F(Metrics, ReportsAreCountedByStatus) {
    auto mod = login();
    auto a = submit_ok(example_report())["id"].get<std::int64_t>();
    submit_ok(example_report(45.7, 15.9));
    submit_ok(example_report(45.6, 15.8));
    decide_ok(a, {{"action", "accept"}}, mod);
    auto text = client().get("/metrics").body;
    EXPECT_EQ(sample(text, R"(sightline_reports{status="pending"})"), 2) << text;
    EXPECT_EQ(sample(text, R"(sightline_reports{status="accepted"})"), 1) << text;
}

TEST_F(Metrics, MetricsHoldNoClientAddress) {
    submit_ok(example_report());
    auto text = client().get("/metrics").body;
    EXPECT_EQ(text.find("127.0.0.1"), std::string::npos);
}

}  // namespace
}  // namespace sightline::testing
