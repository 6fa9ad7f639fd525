// Durability (label "durability"): the server is killed with SIGKILL three times while four
// clients submit reports with photos. Every report the server acknowledged (201), and every
// photo of it, is there after each restart, and what the crashes left half-written in the photo
// folder (temporary files, photos of reports that never committed) is swept at start.

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <fmt/core.h>

#include "adversarial/attack_support.hpp"
#include "http/api_fixture.hpp"

namespace sightline::testing {
namespace {

struct Acknowledged {
    std::int64_t id;
    std::string photo;
};

using Durability = ApiTest;

TEST_F(Durability, AcknowledgedReportsAndPhotosSurviveRepeatedSigkill) {
    std::vector<std::string> bodies;
    for (int writer = 0; writer < 4; ++writer) {
        const std::string jpeg =
            make_image(work_dir(), fmt::format("w{}.jpg", writer),
                       fmt::format("testsrc2=size=320x240:rate=1,hue=h={}", writer * 60));
        bodies.push_back(multipart_report(jpeg, "image/jpeg", 45.80 + writer * 0.01, 15.97));
    }
    std::mutex mutex;
    std::vector<Acknowledged> acknowledged;

    for (int cycle = 0; cycle < 3; ++cycle) {
        SCOPED_TRACE(fmt::format("cycle {}", cycle));
        std::atomic<bool> stop{false};
        std::vector<std::thread> writers;
        for (int writer = 0; writer < 4; ++writer) {
            writers.emplace_back([&, writer] {
                HttpClient own(server().port());
                own.set_timeout(std::chrono::seconds(20));
                while (!stop) {
                    try {
                        auto response =
                            own.post("/api/v1/reports", bodies[static_cast<std::size_t>(writer)],
                                     multipart_headers());
                        if (response.status != 201) continue;
                        auto body = response.json();
                        std::lock_guard lock(mutex);
                        acknowledged.push_back({body["id"].get<std::int64_t>(),
                                                body["photos"][0]["sha256"].get<std::string>()});
                    } catch (const std::exception&) {
                        return;  // the server is gone
                    }
                }
            });
        }
        // Killed while the writers are under way: once a report of this cycle got through (a
        // photo takes a while on a loaded machine), and a little later each cycle.
        const std::size_t before = [&] {
            std::lock_guard lock(mutex);
            return acknowledged.size();
        }();
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (std::chrono::steady_clock::now() < deadline) {
            {
                std::lock_guard lock(mutex);
                if (acknowledged.size() > before) break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(500 + cycle * 300));
        EXPECT_EQ(server().kill_hard(), 128 + SIGKILL);
        stop = true;
        for (auto& thread : writers)
            thread.join();
        start_server();

        const auto mod = login();
        std::lock_guard lock(mutex);
        ASSERT_GT(acknowledged.size(), before) << "the writers got reports through";
        std::set<std::string> photos_checked;
        for (const auto& ack : acknowledged) {
            auto stored = client().get(fmt::format("/api/v1/reports/{}", ack.id), mod.cookie());
            ASSERT_EQ(stored.status, 200) << "acknowledged report " << ack.id << " is lost";
            if (!photos_checked.insert(ack.photo).second) continue;
            EXPECT_EQ(client().get("/photos/" + ack.photo, mod.cookie()).status, 200)
                << "photo " << ack.photo << " of report " << ack.id << " is lost";
        }
    }

    // Nothing half-written stays: no temporary files, and every photo file belongs to a report.
    const auto mod = login();
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(data_dir() / "photos")) {
        if (!entry.is_regular_file()) continue;
        ++files;
        const std::string name = entry.path().filename().string();
        EXPECT_EQ(name.find(".partial"), std::string::npos) << name;
        const std::string hash = name.substr(0, name.find('.'));
        EXPECT_EQ(client().get("/photos/" + hash, mod.cookie()).status, 200)
            << name << " has no photo record";
    }
    EXPECT_GT(files, 0u);
}

}  // namespace
}  // namespace sightline::testing
