// Bad input: every malformed, mistyped, oversized or out-of-range request gets a clear 4xx JSON
// error and leaves no record behind.

#include <chrono>

#include <fmt/core.h>

#include "http/api_fixture.hpp"

namespace sightline::testing {
namespace {

using namespace std::chrono_literals;

/// Anonymous requests: no account needed; stored reports are counted with the public stats.
class BadInput : public ApiTest {
  protected:
    [[nodiscard]] std::vector<Account> accounts() const override { return {}; }

    /// POSTs `body` as a report and expects a 400 invalid_argument.
    void expect_refused_text(const std::string& body, int status = 400,
                             std::string_view code = "invalid_argument") {
        SCOPED_TRACE("body: " + (body.size() > 200 ? body.substr(0, 200) + "..." : body));
        expect_json_error(client().post("/api/v1/reports", body), status, code);
    }
    void expect_refused_report(const nlohmann::json& body, int status = 400,
                               std::string_view code = "invalid_argument") {
        expect_refused_text(body.dump(), status, code);
    }

    void expect_nothing_stored() {
        EXPECT_EQ(report_count_from_stats(), 0) << "a refused request must leave no report";
        EXPECT_EQ(client().get("/healthz").status, 200) << "the server must keep serving";
    }
};

/// Requests of a logged-in moderator.
class BadModeratorInput : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        m_mod = login();
    }
    Login m_mod;
};

/// A report body with one field replaced (or added) at the top level.
nlohmann::json report_with(const std::string& key, nlohmann::json value) {
    auto report = example_report();
    report[key] = std::move(value);
    return report;
}

nlohmann::json report_with_tag(const std::string& key, std::string value) {
    auto report = example_report();
    report["tags"][key] = std::move(value);
    return report;
}

nlohmann::json report_at(nlohmann::json lat, nlohmann::json lon) {
    return report_with("location", {{"lat", std::move(lat)}, {"lon", std::move(lon)}});
}

/// The example report as JSON text with `raw` (bytes sent as they are) as the value of a tag.
std::string report_with_raw_tag_value(std::string_view raw) {
    return fmt::format(R"({{"location":{{"lat":45.8,"lon":15.9}},"tags":{{"name":"{}"}}}})", raw);
}

std::string report_with_raw_note(std::string_view raw) {
    return fmt::format(R"({{"location":{{"lat":45.8,"lon":15.9}},"note":"{}"}})", raw);
}

struct RawResponse {
    int status = 0;
    std::string head;
    std::string body;
};

RawResponse parse_raw(const std::string& bytes) {
    RawResponse r;
    if (bytes.starts_with("HTTP/1.") && bytes.size() >= 12)
        r.status = std::stoi(bytes.substr(9, 3));
    auto end = bytes.find("\r\n\r\n");
    r.head = bytes.substr(0, end);
    if (end != std::string::npos) r.body = bytes.substr(end + 4);
    return r;
}

/// Checks a raw HTTP answer: status and the JSON error shape (and `code`, when given).
void expect_raw_json_error(const std::string& bytes, int status, std::string_view code = {}) {
    auto r = parse_raw(bytes);
    EXPECT_EQ(r.status, status) << bytes.substr(0, 500);
    nlohmann::json body = nlohmann::json::parse(r.body, nullptr, false);
    ASSERT_FALSE(body.is_discarded()) << "not JSON: " << r.body;
    ASSERT_TRUE(body["error"]["code"].is_string()) << r.body;
    if (!code.empty()) {
        EXPECT_EQ(body["error"]["code"], code) << r.body;
    }
    EXPECT_TRUE(body["error"]["message"].is_string()) << r.body;
}

TEST_F(BadInput, MalformedJsonIsRefused) {
    for (std::string body :
         {R"({"location": {"lat": 45.8,)", R"({'location': {'lat': 1}})", "not json at all",
          R"({"location":{"lat":45.8,"lon":15.9}} trailing)",
          R"({"location":{"lat":45.8,"lon":15.9},})", R"({"location":{"lat":45.8,"lon":15.9}}{})",
          R"({"location":)", "\xEF\xBB\xBF{}"})
        expect_refused_text(body);
    expect_nothing_stored();
}

// Parsers disagree on which of two equal keys counts; a body that means one thing to a proxy or
// a log and another here is refused, at any depth.
TEST_F(BadInput, AKeyTwiceInOneObjectIsRefused) {
    for (
        std::string body :
        {R"({"location":{"lat":45.8,"lon":15.9},"location":{"lat":0,"lon":0}})",
         R"({"location":{"lat":45.8,"lat":10,"lon":15.9}})",
         R"({"location":{"lat":45.8,"lon":15.9},"tags":{"surveillance":"outdoor","surveillance":"indoor"}})"}) {
        auto response = client().post("/api/v1/reports", body);
        expect_json_error(response, 400, "invalid_argument");
        EXPECT_NE(response.body.find("appears twice"), std::string::npos) << response.body;
    }
    expect_nothing_stored();
}

TEST_F(BadInput, ABodyThatIsNotAJsonObjectIsRefused) {
    for (std::string body : {"[]", R"("a string")", "42", "null", "true", "[{}]"})
        expect_refused_text(body);
    expect_json_error(client().post("/api/v1/reports", "", {{"Content-Type", "application/json"}}),
                      400, "invalid_argument");
    expect_nothing_stored();
}

TEST_F(BadInput, DeeplyNestedJsonIsRefusedWithoutHarm) {
    expect_refused_text(std::string(10'000, '['));
    expect_refused_text(std::string(10'000, '[') + std::string(10'000, ']'));
    expect_refused_text(R"({"location":)" + std::string(10'000, '{'));
    std::string nested_tags = R"({"location":{"lat":45.8,"lon":15.9},"tags":{"a":)" +
                              std::string(40, '[') + "1" + std::string(40, ']') + "}}";
    expect_refused_text(nested_tags);
    // Brackets inside strings are text, not nesting: this one is fine.
    auto response = submit(report_with("note", std::string(1'000, '[')));
    EXPECT_EQ(response.status, 201) << response.body;
    EXPECT_EQ(report_count_from_stats(), 1);
}

TEST_F(BadInput, WrongTypesAreRefused) {
    expect_refused_report(report_at("45.8", 15.9));
    expect_refused_report(report_at(45.8, true));
    expect_refused_report(report_at(nullptr, 15.9));
    expect_refused_report(report_with("location", {45.8, 15.9}));
    expect_refused_report(report_with("location", "45.8,15.9"));
    expect_refused_report(report_with("accuracy_m", "8"));
    expect_refused_report(report_with("directions_deg", 135));
    expect_refused_report(report_with("directions_deg", "135"));
    expect_refused_report(report_with("directions_deg", {{"a", 135}}));
    expect_refused_report(report_with("directions_deg", {"NE"}));
    expect_refused_report(report_with("tags", {"surveillance", "public"}));
    expect_refused_report(report_with("tags", "surveillance=public"));
    expect_refused_report(report_with("tags", {{"height", 4}}));
    expect_refused_report(report_with("tags", {{"height", 4.5}}));
    expect_refused_report(report_with("tags", {{"lit", true}}));
    expect_refused_report(report_with("tags", {{"name", nullptr}}));
    expect_refused_report(report_with("tags", {{"name", {{"en", "x"}}}}));
    expect_refused_report(report_with("note", 42));
    expect_refused_report(report_with("note", {"a", "b"}));
    expect_nothing_stored();
}

TEST_F(BadInput, MissingLocationIsRefused) {
    auto no_location = example_report();
    no_location.erase("location");
    expect_refused_report(no_location);
    expect_refused_report(report_with("location", {{"lat", 45.8}}));
    expect_refused_report(report_with("location", nlohmann::json::object()));
    expect_nothing_stored();
}

TEST_F(BadInput, OutOfRangeCoordinatesAreRefused) {
    expect_refused_report(report_at(91, 15.9));
    expect_refused_report(report_at(-90.0000001, 15.9));
    expect_refused_report(report_at(45.8, -181));
    expect_refused_report(report_at(45.8, 180.5));
    expect_refused_report(report_at(1e300, 1e300));
    expect_refused_text(R"({"location":{"lat":1e400,"lon":15.9}})");
    expect_refused_text(R"({"location":{"lat":-1e400,"lon":15.9}})");
    expect_nothing_stored();
}

TEST_F(BadInput, OutOfRangeAccuracyAndDirectionsAreRefused) {
    expect_refused_report(report_with("accuracy_m", -1));
    expect_refused_report(report_with("accuracy_m", 10'001));
    expect_refused_report(report_with("directions_deg", {360}));
    expect_refused_report(report_with("directions_deg", {-0.5}));
    expect_refused_report(report_with("directions_deg", {0, 45, 90, 135, 180, 225, 270, 315, 10}));
    expect_nothing_stored();
}

TEST_F(BadInput, ATenMegabyteBodyGets413) {
    constexpr std::size_t ten_mb = 10 * 1024 * 1024;
    // Announced only: refused from the header, before any of the body is read.
    auto announced =
        HttpClient::raw_exchange(server().port(),
                                 fmt::format("POST /api/v1/reports HTTP/1.1\r\nHost: x\r\n"
                                             "Content-Type: application/json\r\n"
                                             "Content-Length: {}\r\n\r\n",
                                             ten_mb),
                                 10s);
    expect_raw_json_error(announced, 413, "too_large");

    // Sent in full: a JSON string 10 MB long.
    std::string body =
        R"({"location":{"lat":45.8,"lon":15.9},"note":")" + std::string(ten_mb, 'a') + R"("})";
    auto sent = HttpClient::raw_exchange(
        server().port(),
        fmt::format("POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    "Content-Length: {}\r\n\r\n",
                    body.size()) +
            body,
        20s);
    expect_raw_json_error(sent, 413, "too_large");

    // Chunked, so the size is known only while reading.
    std::string chunked =
        "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n";
    for (std::size_t sent_bytes = 0; sent_bytes < ten_mb; sent_bytes += 65'536)
        chunked += "10000\r\n" + std::string(65'536, ' ') + "\r\n";
    chunked += "0\r\n\r\n";
    expect_raw_json_error(HttpClient::raw_exchange(server().port(), chunked, 20s), 413,
                          "too_large");
    expect_nothing_stored();
}

TEST_F(BadInput, InvalidUtf8InATagValueOrTheNoteIsRefused) {
    for (std::string_view bad : {"\xC3\x28", "caf\xE9", "\xC0\xAF", "\xED\xA0\x80",
                                 "\xF4\x90\x80\x80", "\xFF\xFE", "ab\xE2\x82"}) {
        expect_refused_text(report_with_raw_tag_value(bad));
        expect_refused_text(report_with_raw_note(bad));
    }
    // A lone surrogate written as an escape is not a character either.
    expect_refused_text(report_with_raw_tag_value(R"(\ud800)"));
    expect_refused_text(report_with_raw_note(R"(x\udc00y)"));
    expect_nothing_stored();
}

TEST_F(BadInput, ControlCharactersInTagsAreRefused) {
    for (std::string_view bad : {R"(a\u0001b)", R"(a\u0000b)", R"(line\nbreak)", R"(tab\there)",
                                 R"(del\u007f)", R"(c1\u0085)", R"(esc\u001b[31m)"})
        expect_refused_text(report_with_raw_tag_value(bad));
    expect_refused_text(R"({"location":{"lat":45.8,"lon":15.9},"tags":{"na\u0007me":"x"}})");
    // A raw control byte inside a JSON string is not JSON.
    expect_refused_text(report_with_raw_tag_value("a\x01z"));
    // Notes may hold line breaks and tabs, but no other control characters.
    expect_refused_text(report_with_raw_note(R"(bell\u0007)"));
    expect_refused_text(report_with_raw_note(R"(nul\u0000byte)"));
    expect_nothing_stored();
}

TEST_F(BadInput, TagsBreakingOsmRulesAreRefused) {
    expect_refused_report(report_with_tag("name", std::string(256, 'x')));
    expect_refused_report(report_with_tag(std::string(256, 'k'), "x"));
    expect_refused_report(report_with_tag("", "x"));
    expect_refused_report(report_with_tag("name", ""));
    expect_refused_report(report_with_tag("man_made", "tower"));
    expect_refused_report(report_with_tag("surveillance:type", "drone"));
    expect_refused_report(report_with_tag("camera:type", "hidden"));
    expect_refused_report(report_with_tag("camera:direction", "up"));
    expect_refused_report(report_with_tag("camera:angle", "120"));
    expect_refused_report(report_with_tag("height", "-3"));
    expect_refused_report(report_with_tag("start_date", "yesterday"));
    nlohmann::json many_tags;
    for (int i = 0; i < 101; ++i)
        many_tags[fmt::format("k{}", i)] = "v";
    expect_refused_report(report_with("tags", many_tags));
    expect_nothing_stored();
}

TEST_F(BadInput, LengthLimitsCountCharactersNotBytes) {
    std::string cyrillic_255;
    for (int i = 0; i < 255; ++i)
        cyrillic_255 += "ж";
    EXPECT_EQ(submit(report_with_tag("name", cyrillic_255)).status, 201)
        << "255 characters (510 bytes) are allowed";
    std::string note_2000;
    for (int i = 0; i < 2000; ++i)
        note_2000 += "ж";
    EXPECT_EQ(submit(report_with("note", note_2000)).status, 201);
    expect_refused_report(report_with("note", note_2000 + "x"));
    expect_refused_report(report_with_tag("name", cyrillic_255 + "ж"));
    EXPECT_EQ(report_count_from_stats(), 2);
}

TEST_F(BadInput, UnknownFieldsAreRefusedByName) {
    auto response = client().post("/api/v1/reports", report_with("photo_url", "http://x").dump());
    expect_json_error(response, 400, "invalid_argument");
    EXPECT_NE(response.json()["error"]["message"].get<std::string>().find("photo_url"),
              std::string::npos)
        << response.body;
    expect_refused_report(report_with("location", {{"lat", 45.8}, {"lon", 15.9}, {"alt", 120}}));
    expect_refused_report(report_with("client_ip", "10.0.0.1"));
    expect_refused_report(report_with("status", "accepted"));
    expect_nothing_stored();
}

TEST_F(BadInput, ABodyThatIsNotDeclaredAsJsonGets415) {
    auto body = example_report().dump();
    // (multipart/form-data is a report with photos: tests/http/photos_test.cpp.)
    for (std::string type : {"text/plain", "application/x-www-form-urlencoded", "text/json", ""}) {
        SCOPED_TRACE("Content-Type: " + type);
        expect_json_error(client().post("/api/v1/reports", body, {{"Content-Type", type}}), 415,
                          "unsupported_media_type");
    }
    // No Content-Type at all (the client library would add one, so write the request by hand).
    auto raw = HttpClient::raw_exchange(
        server().port(),
        fmt::format("POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    "Content-Length: {}\r\n\r\n{}",
                    body.size(), body),
        10s);
    expect_raw_json_error(raw, 415, "unsupported_media_type");
    // The same rule protects logins from cross-site form posts.
    nlohmann::json credentials{{"username", "mod"}, {"password", test_password}};
    expect_json_error(
        client().post("/api/v1/session", credentials.dump(), {{"Content-Type", "text/plain"}}), 415,
        "unsupported_media_type");
    expect_nothing_stored();
}

TEST_F(BadInput, AMediaTypeThatOnlyStartsLikeJsonIsNotJson) {
    auto body = example_report().dump();
    for (std::string type : {"application/jsonp", "application/json-seq", "application/json5"}) {
        SCOPED_TRACE("Content-Type: " + type);
        expect_json_error(client().post("/api/v1/reports", body, {{"Content-Type", type}}), 415,
                          "unsupported_media_type");
    }
    expect_nothing_stored();
}

TEST_F(BadInput, MediaTypeNamesAreCaseInsensitive) {
    // RFC 9110 section 8.3.1: type, subtype and parameter names are case-insensitive.
    for (std::string type : {"Application/JSON", "APPLICATION/JSON; charset=UTF-8"}) {
        SCOPED_TRACE("Content-Type: " + type);
        auto response =
            client().post("/api/v1/reports", example_report().dump(), {{"Content-Type", type}});
        EXPECT_EQ(response.status, 201) << response.body;
    }
}

TEST_F(BadInput, JsonWithACharsetParameterIsAccepted) {
    auto response = client().post("/api/v1/reports", example_report().dump(),
                                  {{"Content-Type", "application/json; charset=utf-8"}});
    EXPECT_EQ(response.status, 201) << response.body;
}

TEST_F(BadModeratorInput, SqlLookingStringsAreStoredAndReturnedVerbatim) {
    const std::string sql = "'); DROP TABLE reports;--";
    const std::string sql2 = "\" OR 1=1 --";
    auto input = example_report();
    input["note"] = sql;
    input["tags"]["name"] = sql;
    input["tags"]["description"] = sql2;
    input["tags"]["x'); DELETE FROM cameras;--"] = "1";
    auto id = submit_ok(input)["id"].get<std::int64_t>();

    auto stored = report(m_mod, id);
    EXPECT_EQ(stored["note"], sql);
    EXPECT_EQ(stored["tags"]["name"], sql);
    EXPECT_EQ(stored["tags"]["description"], sql2);
    EXPECT_EQ(stored["tags"]["x'); DELETE FROM cameras;--"], "1");

    auto feature = decide_ok(id, {{"action", "accept"}, {"reason", sql}}, m_mod)["camera"];
    EXPECT_EQ(camera(feature["id"].get<std::int64_t>())["properties"]["tags"]["name"], sql);
    // The tables are intact: reports and cameras are still listed and counted.
    submit_ok(example_report(45.70, 15.90));
    EXPECT_EQ(report_count(m_mod), 2u);
    EXPECT_EQ(cameras_in("15.9,45.7,16.1,45.9")["features"].size(), 1u);
    auto stats = client().get("/api/v1/stats").json();
    EXPECT_EQ(stats["cameras_total"], 1);
}

TEST_F(BadInput, BadBboxStringsAreRefused) {
    for (std::string bbox :
         {"", "15.9,45.7,16.1", "15.9,45.7,16.1,45.9,1", "a,b,c,d", "16.1,45.7,15.9,45.9",
          "15.9,45.9,16.1,45.7", "15.9,45.7,200,45.9", "15.9,-91,16.1,45.9", "nan,45.7,16.1,45.9",
          "inf,45.7,16.1,45.9", "15.9,,16.1,45.9", "15.9;45.7;16.1;45.9", "0x1,45.7,16.1,45.9",
          "15.9,45.7,16.1,45.9,", ",15.9,45.7,16.1,45.9"}) {
        SCOPED_TRACE("bbox=" + bbox);
        expect_json_error(client().get("/api/v1/cameras?bbox=" + bbox), 400, "invalid_argument");
    }
    expect_json_error(client().get("/api/v1/cameras"), 400, "invalid_argument");
}

TEST_F(BadInput, ABboxOverTheAreaLimitGets413) {
    expect_json_error(client().get("/api/v1/cameras?bbox=0,0,10,10"), 413, "too_large");
    expect_json_error(client().get("/api/v1/cameras?bbox=-180,-90,180,90"), 413, "too_large");
    // About 60 x 110 km: under the limit.
    EXPECT_EQ(client().get("/api/v1/cameras?bbox=15.5,45.5,16.3,46.0").status, 200);
}

TEST_F(BadModeratorInput, BadQueryParametersAreRefused) {
    const std::string bbox = "/api/v1/cameras?bbox=15.9,45.7,16.1,45.9";
    for (std::string query : {"&limit=0", "&limit=-1", "&limit=abc", "&limit=10001",
                              "&limit=", "&limit=1.5", "&status=broken", "&status="}) {
        SCOPED_TRACE(query);
        expect_json_error(client().get(bbox + query), 400, "invalid_argument");
    }
    for (std::string query :
         {"?status=bogus", "?limit=0", "?limit=501", "?before=abc", "?before=0", "?before=-3"}) {
        SCOPED_TRACE(query);
        expect_json_error(client().get("/api/v1/reports" + query, m_mod.cookie()), 400,
                          "invalid_argument");
    }
}

TEST_F(BadModeratorInput, NonNumericIdsInPathsGet400) {
    for (std::string id :
         {"abc", "0", "-5", "1.5", "1e3", "99999999999999999999", "0x10", "+1", "1%20", "%31abc"}) {
        SCOPED_TRACE("id=" + id);
        expect_json_error(client().get("/api/v1/cameras/" + id), 400, "invalid_argument");
        expect_json_error(client().get("/api/v1/reports/" + id, m_mod.cookie()), 400,
                          "invalid_argument");
        expect_json_error(
            client().request("DELETE", "/api/v1/reports/" + id, "", {{"X-Withdraw-Token", "abc"}}),
            400, "invalid_argument");
        expect_json_error(client().post("/api/v1/reports/" + id + "/decision",
                                        R"({"action":"accept"})", m_mod.cookie_and_csrf()),
                          400, "invalid_argument");
        expect_json_error(
            client().post("/api/v1/cameras/" + id + "/removal", "", m_mod.cookie_and_csrf()), 400,
            "invalid_argument");
    }
}

TEST_F(BadInput, UnknownRoutesGet404Json) {
    for (std::string target :
         {"/api", "/api/v1", "/api/v1/nothing", "/api/v2/reports", "/api/v1/reports/1/2/3",
          "/api/v1/cameras/", "/API/V1/REPORTS", "/api/v1/reports/1/decision/extra", "/healthz/",
          "/.env", "/api/v1/../../etc/passwd"}) {
        SCOPED_TRACE(target);
        expect_json_error(client().get(target), 404, "not_found");
    }
}

TEST_F(BadInput, WrongMethodsGet405JsonWithAnAllowHeader) {
    auto put = client().request("PUT", "/api/v1/reports", example_report().dump());
    expect_json_error(put, 405, "method_not_allowed");
    auto allow = put.header("allow");
    EXPECT_NE(allow.find("GET"), std::string::npos) << allow;
    EXPECT_NE(allow.find("POST"), std::string::npos) << allow;
    EXPECT_EQ(allow.find("PUT"), std::string::npos) << allow;

    auto del = client().request("DELETE", "/api/v1/cameras/1");
    expect_json_error(del, 405, "method_not_allowed");
    EXPECT_NE(del.header("allow").find("GET"), std::string::npos) << del.header("allow");

    for (auto [method, target] :
         {std::pair{"PATCH", "/healthz"}, std::pair{"POST", "/api/v1/export/cameras.csv"},
          std::pair{"GET", "/api/v1/reports/1/decision"}, std::pair{"PUT", "/api/v1/session"},
          std::pair{"POST", "/metrics"}}) {
        SCOPED_TRACE(std::string(method) + " " + target);
        expect_json_error(client().request(method, target), 405, "method_not_allowed");
    }
    expect_nothing_stored();
}

TEST_F(BadInput, AMalformedRequestLineGets400AndTheServerKeepsServing) {
    for (std::string request :
         {"GARBAGE\r\n\r\n", "GET\r\n\r\n", "GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n",
          "GET healthz HTTP/1.1\r\nHost: x\r\n\r\n",
          "GET /healthz HTTP/1.1 extra\r\nHost: x\r\n\r\n", "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n",
          "GET /api/v1/cameras/%00 HTTP/1.1\r\nHost: x\r\n\r\n",
          "GET /healthz HTTP/1.1\r\nBad Header Line\r\n\r\n"}) {
        SCOPED_TRACE(request);
        expect_raw_json_error(HttpClient::raw_exchange(server().port(), request, 5s), 400);
        EXPECT_EQ(client().get("/healthz").status, 200);
    }
    expect_nothing_stored();
}

TEST_F(BadInput, AnOversizedHeaderGets431) {
    auto answer = HttpClient::raw_exchange(server().port(),
                                           "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: " +
                                               std::string(64 * 1024, 'p') + "\r\n\r\n",
                                           10s);
    expect_raw_json_error(answer, 431, "header_too_large");
    EXPECT_EQ(client().get("/healthz").status, 200);
}

TEST_F(BadInput, ABinaryGarbageConnectionDoesNotHurtTheServer) {
    std::string garbage;
    for (int i = 0; i < 4096; ++i)
        garbage += static_cast<char>((i * 131 + 7) % 256);
    HttpClient::raw_exchange(server().port(), garbage, 3s);
    EXPECT_EQ(client().get("/healthz").status, 200);
    expect_nothing_stored();
}

}  // namespace
}  // namespace sightline::testing
