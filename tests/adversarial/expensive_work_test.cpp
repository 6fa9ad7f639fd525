// Finding 1 of the attack review: one client could stall everyone with worst-case photos (a
// small PNG of many pixels takes seconds to decode and search for faces), because photo work
// ran on the shared worker pool. Now it runs in the bounded fair queue: when the queue is full
// the next upload gets 503 with Retry-After at once, and cheap requests never wait behind it.

#include <chrono>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "adversarial/attack_support.hpp"
#include "http/api_fixture.hpp"
#include "support/raw_connection.hpp"

namespace sightline::testing {
namespace {

using Clock = std::chrono::steady_clock;

class ExpensiveWork : public ApiTest {
  protected:
    // One thread and room for three: the fourth and fifth upload find the queue full.
    std::vector<std::string> server_args() const override {
        return {"--report-rate", "0", "--heavy-threads",    "1",
                "--heavy-queue", "3", "--heavy-per-client", "16"};
    }
    void prepare_data() override {
        import_cameras(data_dir(), "lat,lon,type\n45.8130,15.9770,dome\n");
    }
};

struct UploadResult {
    int status = 0;
    std::string retry_after;
    Clock::time_point answered;
};

UploadResult upload(std::uint16_t port, const std::string& body) {
    RawConnection connection(port);
    UploadResult result;
    if (!connection.send(report_request_head(body.size()) + body)) {
        // Refused before the whole body was read: the answer is still there to read.
    }
    auto response = connection.read_response(std::chrono::seconds(120));
    result.status = response.status;
    result.retry_after = response.header("retry-after");
    result.answered = Clock::now();
    return result;
}

TEST_F(ExpensiveWork, CheapRequestsAreAnsweredWhileTheQueueIsFullOfWorstCasePhotos) {
    // 16 megapixels in ~60 kB: seconds of decoding and face search each.
    const std::string png = make_image(work_dir(), "worst.png", "color=c=0x808080:s=4000x4000");
    const std::string body = multipart_report(png, "image/png");

    std::vector<std::future<UploadResult>> queued;
    for (int i = 0; i < 3; ++i) {
        queued.push_back(std::async(std::launch::async, upload, server().port(), body));
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    // The queue is full: more uploads are refused at once with a time to come back.
    for (int i = 0; i < 2; ++i) {
        auto refused = upload(server().port(), body);
        EXPECT_EQ(refused.status, 503);
        EXPECT_FALSE(refused.retry_after.empty()) << "a 503 says when to come back";
    }
    // Meanwhile health, camera queries, tiles and the API document answer.
    for (const char* target : {"/healthz", "/api/v1/cameras?bbox=15.9,45.8,16.0,45.9",
                               "/tiles/14/8919/5840.mvt", "/api/v1/openapi.json", "/healthz"}) {
        SCOPED_TRACE(target);
        EXPECT_EQ(client().get(target).status, 200);
    }
    const auto cheap_done = Clock::now();

    int accepted = 0;
    Clock::time_point last_answer{};
    for (auto& future : queued) {
        auto result = future.get();
        accepted += result.status == 201;
        last_answer = std::max(last_answer, result.answered);
    }
    EXPECT_EQ(accepted, 3) << "the queued uploads are all processed";
    EXPECT_LT(cheap_done, last_answer)
        << "the cheap requests did not wait for the queued photos to finish";
}

TEST_F(ExpensiveWork, OneClientCannotTakeMoreThanItsShare) {
    // Start with a per-client share of one: a second upload while the first runs is refused.
    server().stop();
    ServerProcess limited(
        data_dir(), {"--report-rate", "0", "--heavy-threads", "1", "--heavy-per-client", "1"});
    const std::string png = make_image(work_dir(), "worst.png", "color=c=0x404040:s=3000x3000");
    const std::string body = multipart_report(png, "image/png");
    auto first = std::async(std::launch::async, upload, limited.port(), body);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto second = upload(limited.port(), body);
    EXPECT_EQ(second.status, 503);
    EXPECT_FALSE(second.retry_after.empty());
    EXPECT_EQ(first.get().status, 201);
}

}  // namespace
}  // namespace sightline::testing
