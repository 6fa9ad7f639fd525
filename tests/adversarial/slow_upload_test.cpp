// Finding 5: the whole request had to arrive within the read timeout, so a phone uploading a
// photo at 50 KB/s was cut off without an answer. Bodies are now timed on progress: each read
// within the read timeout and a minimum average rate per window, so a slow upload succeeds and a
// client that drips bytes to hold a connection gets 408.

#include <chrono>
#include <thread>

#include "adversarial/attack_support.hpp"
#include "http/api_fixture.hpp"
#include "support/raw_connection.hpp"

namespace sightline::testing {
namespace {

class SlowUpload : public ApiTest {
  protected:
    // A read timeout of 2 s stands for the default 30 s, to keep the test short.
    std::vector<std::string> server_args() const override {
        return {"--report-rate", "0", "--read-timeout", "2"};
    }
};

TEST_F(SlowUpload, APhotoSentAt50KBPerSecondIsAccepted) {
    const std::string jpeg = make_image(
        work_dir(), "big.jpg", "testsrc2=size=960x720:rate=1,noise=alls=60:allf=t+u");  // ~200 kB
    const std::string body = multipart_report(jpeg, "image/jpeg");
    ASSERT_GT(body.size(), 100'000u) << "the upload must take longer than the read timeout";

    RawConnection connection(server().port());
    ASSERT_TRUE(connection.send(report_request_head(body.size())));
    constexpr std::size_t piece = 5'000;  // 5 kB every 100 ms: 50 kB/s
    for (std::size_t at = 0; at < body.size(); at += piece) {
        ASSERT_TRUE(connection.send(std::string_view(body).substr(at, piece)));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    auto response = connection.read_response(std::chrono::seconds(60));
    EXPECT_EQ(response.status, 201) << response.body;
}

TEST_F(SlowUpload, ABodyDrippedAByteAtATimeGets408) {
    RawConnection connection(server().port());
    ASSERT_TRUE(connection.send(report_request_head(10'000)));
    // A byte every 0.5 s keeps each read within the timeout but brings 2 bytes/s.
    for (int i = 0; i < 12; ++i) {
        if (!connection.send("x")) break;  // cut off
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    auto response = connection.read_response(std::chrono::seconds(10));
    expect_json_error(response, 408, "timeout");
}

}  // namespace
}  // namespace sightline::testing
