// Finding 6: the same photo uploaded twice at once could fail with 500 (both writes used one
// temporary file name). Concurrent identical uploads now all succeed and store one photo.

#include <future>
#include <set>
#include <string>
#include <vector>

#include "adversarial/attack_support.hpp"
#include "http/api_fixture.hpp"

namespace sightline::testing {
namespace {

class UploadRace : public ApiTest {
  protected:
    // One client sends all eight: let it have them in the expensive-work queue at once.
    std::vector<std::string> server_args() const override {
        return {"--report-rate", "0", "--heavy-per-client", "16"};
    }
};

TEST_F(UploadRace, TheSamePhotoUploadedEightTimesAtOnceIsStoredOnce) {
    const std::string jpeg = make_image(work_dir(), "same.jpg", "testsrc2=size=640x480:rate=1");
    const std::string body = multipart_report(jpeg, "image/jpeg");
    std::vector<std::future<HttpResponse>> uploads;
    for (int i = 0; i < 8; ++i)
        uploads.push_back(std::async(std::launch::async, [&] {
            HttpClient own(server().port());
            return own.post("/api/v1/reports", body, multipart_headers());
        }));
    std::set<std::string> hashes;
    for (auto& upload : uploads) {
        auto response = upload.get();
        ASSERT_EQ(response.status, 201) << response.body;
        hashes.insert(response.json()["photos"][0]["sha256"].get<std::string>());
    }
    ASSERT_EQ(hashes.size(), 1u) << "one photo, one hash";
    auto photo = client().get("/photos/" + *hashes.begin(), login().cookie());
    EXPECT_EQ(photo.status, 200);
    EXPECT_EQ(photo.header("content-type"), "image/jpeg");
}

}  // namespace
}  // namespace sightline::testing
