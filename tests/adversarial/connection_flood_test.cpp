// Finding 8: 11,800 idle connections used up the file descriptors ("accept failed: Too many open
// files"). Connections are now capped: one past the cap gets 503 with Retry-After and is closed,
// and the server serves again as soon as connections go.

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "http/api_fixture.hpp"
#include "support/raw_connection.hpp"

namespace sightline::testing {
namespace {

class ConnectionFlood : public ApiTest {
  protected:
    std::vector<std::string> server_args() const override {
        return {"--report-rate", "0", "--max-connections", "16"};
    }
};

TEST_F(ConnectionFlood, ConnectionsPastTheCapAreRefusedAndServiceComesBack) {
    client().disconnect();
    std::vector<std::unique_ptr<RawConnection>> idle;
    for (int i = 0; i < 16; ++i) {
        idle.push_back(std::make_unique<RawConnection>(server().port()));
        // Answered, so the server counts it.
        ASSERT_TRUE(idle.back()->send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"));
        ASSERT_EQ(idle.back()->read_response().status, 200);
    }
    // The 17th and later get an answer and are closed, they do not hang.
    for (int i = 0; i < 5; ++i) {
        HttpClient late(server().port());
        late.set_timeout(std::chrono::seconds(5));
        auto response = late.get("/healthz");
        expect_json_error(response, 503, "unavailable");
        EXPECT_FALSE(response.header("retry-after").empty());
    }
    idle.clear();
    HttpResponse after;
    for (int attempt = 0; attempt < 50; ++attempt) {  // the server notices the closes
        HttpClient fresh(server().port());
        after = fresh.get("/healthz");
        if (after.status == 200) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(after.status, 200);
    EXPECT_NE(server().log_text().find("connection cap reached"), std::string::npos);
}

}  // namespace
}  // namespace sightline::testing
