// ScrubJobs with a stand-in for the scrubbing work: the private folder, the bounded queue, ids,
// fairness across clients, failures, deletion after download, expiry and shutdown.
#include "services/scrub_jobs.hpp"

#include <sys/stat.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

namespace sightline::services {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const std::string jpeg_bytes = std::string("\xFF\xD8\xFF\xE0", 4) + std::string(100, 'j');

/// A stand-in for scrub_media_file: copies the upload to "<stem>.jpg", after waiting for the
/// gate while it is closed; fails for an upload holding "FAIL", throws for one holding "THROW".
class FakeWork {
  public:
    Result<ScrubbedMedia> operator()(const fs::path& input, const fs::path& stem,
                                     const MediaProgressFn& progress,
                                     const std::atomic<bool>& cancel) {
        std::string bytes;
        {
            std::ifstream in(input, std::ios::binary);
            bytes.assign(std::istreambuf_iterator<char>(in), {});
        }
        {
            std::unique_lock lock(m_mutex);
            m_started.push_back(bytes.substr(4, 2));
            m_changed.notify_all();
            // The cancel flag comes without a notification: look at it now and then.
            while (!m_open && !cancel)
                m_changed.wait_for(lock, 10ms);
        }
        if (cancel) return fail(Errc::unavailable, "cancelled");
        progress(0.5);
        if (bytes.find("FAIL") != std::string::npos)
            return fail(Errc::unprocessable, "the photo is truncated");
        if (bytes.find("THROW") != std::string::npos) throw std::runtime_error("disk on fire");
        ScrubbedMedia media;
        media.file = stem.string() + ".jpg";
        media.content_type = "image/jpeg";
        media.extension = "jpg";
        media.faces = 3;
        std::ofstream(media.file, std::ios::binary) << bytes;
        return media;
    }
    void open() {
        std::lock_guard lock(m_mutex);
        m_open = true;
        m_changed.notify_all();
    }
    /// Waits until `n` jobs have started; their tags (bytes 4 and 5 of each upload) in order.
    std::vector<std::string> started(std::size_t n) {
        std::unique_lock lock(m_mutex);
        m_changed.wait_for(lock, 10s, [&] { return m_started.size() >= n; });
        return m_started;
    }

    std::size_t started_so_far() {
        std::lock_guard lock(m_mutex);
        return m_started.size();
    }

  private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_open = true;
    std::vector<std::string> m_started;

  public:
    void close() {
        std::lock_guard lock(m_mutex);
        m_open = false;
    }
};

class ScrubJobsTest : public ::testing::Test {
  protected:
    std::unique_ptr<ScrubJobs> make(ScrubJobOptions options = {}) {
        options.dir = dir();
        return std::make_unique<ScrubJobs>(
            options, [this](const fs::path& in, const fs::path& stem, const ScrubSettings& settings,
                            const MediaProgressFn& p, const std::atomic<bool>& c) {
                {
                    std::lock_guard lock(m_settings_mutex);
                    m_settings.push_back(settings);
                }
                return m_work(in, stem, p, c);
            });
    }
    fs::path dir() const { return m_tmp.path() / "data" / "scrub-jobs"; }

    /// Uploads `bytes` for `client` and submits it; the job id.
    static std::string submit(ScrubJobs& jobs, const std::string& bytes, std::uint64_t client = 1) {
        auto upload = jobs.begin_upload(client);
        EXPECT_TRUE(upload) << upload.error().message;
        EXPECT_TRUE(upload->write(bytes));
        auto id = jobs.submit(std::move(*upload));
        EXPECT_TRUE(id) << id.error().message;
        return id.value_or("");
    }

    static ScrubJobStatus wait_finished(ScrubJobs& jobs, const std::string& id) {
        auto deadline = std::chrono::steady_clock::now() + 10s;
        while (true) {
            auto status = jobs.status(id);
            if (!status) throw std::runtime_error(status.error().message);
            if (status->state == ScrubState::done || status->state == ScrubState::failed ||
                std::chrono::steady_clock::now() > deadline)
                return *status;
            std::this_thread::sleep_for(5ms);
        }
    }

    /// Waits until a removed or expired job's work has returned: nothing of it on disk and no
    /// job queued or running (a cancelled job runs until its work looks at the flag).
    void wait_until_nothing_left(ScrubJobs& jobs) const {
        // The deadline only keeps a broken cancellation from hanging the test.
        auto deadline = std::chrono::steady_clock::now() + 5s;
        while ((entries() > 0 || jobs.counts().queued + jobs.counts().running > 0) &&
               std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(5ms);
    }

    std::size_t entries() const {
        return static_cast<std::size_t>(
            std::distance(fs::directory_iterator(dir()), fs::directory_iterator()));
    }

    sightline::testing::TempDir m_tmp{"sightline-scrub-jobs"};
    FakeWork m_work;
    std::mutex m_settings_mutex;
    std::vector<ScrubSettings> m_settings;  ///< what each job's work was given, in order
};

std::string tagged(std::string_view tag) {
    return jpeg_bytes.substr(0, 4) + std::string(tag) + jpeg_bytes.substr(4);
}

TEST_F(ScrubJobsTest, StartsWithAnEmptyPrivateFolder) {
    fs::create_directories(dir() / "0123");
    std::ofstream(dir() / "0123" / "upload") << "left by a crash";
    auto jobs = make();
    struct stat st {};
    ASSERT_EQ(::stat(dir().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    EXPECT_EQ(entries(), 0u);
    jobs.reset();
    EXPECT_FALSE(fs::exists(dir()));  // shutdown leaves nothing
}

TEST_F(ScrubJobsTest, RunsAJobAndDeletesItOnRequest) {
    auto jobs = make();
    auto id = submit(*jobs, jpeg_bytes);
    auto status = wait_finished(*jobs, id);
    EXPECT_EQ(status.state, ScrubState::done);
    EXPECT_EQ(status.progress, 1.0);
    EXPECT_EQ(status.faces, 3);
    EXPECT_EQ(status.kind, MediaKind::photo);
    EXPECT_FALSE(status.error);
    auto result = jobs->result(id);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->content_type, "image/jpeg");
    EXPECT_EQ(result->extension, "jpg");
    EXPECT_TRUE(fs::exists(result->path));
    EXPECT_FALSE(fs::exists(dir() / id / "upload"));  // the upload goes once scrubbed
    struct stat st {};
    ASSERT_EQ(::stat((dir() / id).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);

    jobs->remove(id);
    EXPECT_EQ(jobs->status(id).error().code, Errc::not_found);
    EXPECT_EQ(jobs->result(id).error().code, Errc::not_found);
    EXPECT_EQ(entries(), 0u);
}

TEST_F(ScrubJobsTest, GivesTheWorkTheUploadersSettings) {
    auto jobs = make();
    auto upload = jobs->begin_upload(1);
    ASSERT_TRUE(upload);
    upload->set_settings({.drop_audio = true});
    ASSERT_TRUE(upload->write(jpeg_bytes));
    auto id = jobs->submit(std::move(*upload));
    ASSERT_TRUE(id);
    EXPECT_EQ(wait_finished(*jobs, *id).state, ScrubState::done);
    EXPECT_EQ(wait_finished(*jobs, submit(*jobs, jpeg_bytes)).state, ScrubState::done);
    std::lock_guard lock(m_settings_mutex);
    ASSERT_EQ(m_settings.size(), 2u);
    EXPECT_TRUE(m_settings[0].drop_audio);
    EXPECT_FALSE(m_settings[1].drop_audio);
}

TEST_F(ScrubJobsTest, GivesEveryJobA128BitHexId) {
    auto jobs = make({.max_jobs = 20});
    std::set<std::string> ids;
    for (int i = 0; i < 10; ++i) {
        auto id = submit(*jobs, jpeg_bytes);
        EXPECT_EQ(id.size(), 32u);
        EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
        ids.insert(id);
    }
    EXPECT_EQ(ids.size(), 10u);
    for (auto bad : {"", "x", "../../etc", "0123456789ABCDEF0123456789ABCDEF",
                     "0123456789abcdef0123456789abcdef"})
        EXPECT_EQ(jobs->status(bad).error().code, Errc::not_found) << bad;
}

TEST_F(ScrubJobsTest, RefusesNewUploadsWhileTheQueueIsFull) {
    m_work.close();
    auto jobs = make({.max_jobs = 2});
    auto running = submit(*jobs, jpeg_bytes);
    m_work.started(1);
    {
        auto uploading = jobs->begin_upload(2);
        ASSERT_TRUE(uploading);
        auto refused = jobs->begin_upload(3);
        ASSERT_FALSE(refused);
        EXPECT_EQ(refused.error().code, Errc::unavailable);
        EXPECT_EQ(jobs->counts().running, 1u);
        EXPECT_EQ(jobs->counts().uploading, 1u);
    }
    // An abandoned upload frees its place and leaves no files.
    {
        auto again = jobs->begin_upload(3);
        ASSERT_TRUE(again) << again.error().message;
        EXPECT_EQ(entries(), 2u);  // the running job and this upload
    }
    EXPECT_EQ(entries(), 1u);
    m_work.open();
    EXPECT_EQ(wait_finished(*jobs, running).state, ScrubState::done);
    // A finished job no longer takes a place.
    EXPECT_TRUE(jobs->begin_upload(4));
}

TEST_F(ScrubJobsTest, RefusesEmptyAndNonMediaUploadsBeforeQueueing) {
    auto jobs = make();
    auto empty = jobs->begin_upload(1);
    ASSERT_TRUE(empty);
    auto refused = jobs->submit(std::move(*empty));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::invalid_argument);

    auto text = jobs->begin_upload(1);
    ASSERT_TRUE(text->write("hello, this is not a photo"));
    refused = jobs->submit(std::move(*text));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::unsupported_media_type);
    EXPECT_EQ(entries(), 0u);
    EXPECT_EQ(jobs->counts().uploading, 0u);
}

TEST_F(ScrubJobsTest, RefusesAnUploadOverTheSizeLimit) {
    auto jobs = make({.max_upload_bytes = 1000});
    auto upload = jobs->begin_upload(1);
    ASSERT_TRUE(upload->write(std::string(600, 'a')));
    auto refused = upload->write(std::string(401, 'b'));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::too_large);
    EXPECT_TRUE(upload->write(std::string(400, 'b')));  // exactly the limit
    EXPECT_EQ(upload->size(), 1000u);
}

TEST_F(ScrubJobsTest, TakesJobsRoundRobinAcrossClients) {
    m_work.close();
    auto jobs = make({.max_jobs = 20});
    submit(*jobs, tagged("C1"), 3);
    m_work.started(1);  // the worker is busy; everything below waits
    for (auto tag : {"A1", "A2", "A3", "A4"})
        submit(*jobs, tagged(tag), 1);
    submit(*jobs, tagged("B1"), 2);
    submit(*jobs, tagged("B2"), 2);
    m_work.open();
    auto order = m_work.started(7);
    EXPECT_EQ(order, (std::vector<std::string>{"C1", "A1", "B1", "A2", "B2", "A3", "A4"}));
}

TEST_F(ScrubJobsTest, KeepsAReadableErrorOfAFailedJob) {
    auto jobs = make();
    auto id = submit(*jobs, tagged("FAIL"));
    auto status = wait_finished(*jobs, id);
    EXPECT_EQ(status.state, ScrubState::failed);
    ASSERT_TRUE(status.error);
    EXPECT_EQ(status.error->code, Errc::unprocessable);
    EXPECT_EQ(status.error->message, "the photo is truncated");
    EXPECT_EQ(jobs->result(id).error().code, Errc::conflict);
    EXPECT_EQ(entries(), 0u);  // nothing kept on disk for it

    auto thrown = submit(*jobs, tagged("THROW"));
    status = wait_finished(*jobs, thrown);
    EXPECT_EQ(status.state, ScrubState::failed);
    EXPECT_EQ(status.error->message.find("fire"), std::string::npos);  // no internals
}

TEST_F(ScrubJobsTest, AnswersConflictForTheResultOfAnUnfinishedJob) {
    m_work.close();
    auto jobs = make();
    auto running = submit(*jobs, jpeg_bytes);
    auto queued = submit(*jobs, jpeg_bytes);
    m_work.started(1);
    EXPECT_EQ(jobs->status(running)->state, ScrubState::running);
    EXPECT_EQ(jobs->status(queued)->state, ScrubState::queued);
    EXPECT_EQ(jobs->result(running).error().code, Errc::conflict);
    EXPECT_EQ(jobs->result(queued).error().code, Errc::conflict);
    // Removing a queued job takes it out of the queue; a running one is cancelled.
    jobs->remove(queued);
    jobs->remove(running);
    EXPECT_EQ(jobs->status(running).error().code, Errc::not_found);
    wait_until_nothing_left(*jobs);
    EXPECT_EQ(entries(), 0u);
    EXPECT_EQ(jobs->counts().queued, 0u);
    EXPECT_EQ(jobs->counts().running, 0u);
}

TEST_F(ScrubJobsTest, DeletesJobsAfterTheirTimeToLive) {
    // The test decides the time: a sweeper that waited for the clock raced the worker, which
    // started the queued job when the running one expired a tick before it.
    m_work.close();
    auto jobs = make({.ttl = std::chrono::seconds(60), .sweep_interval = 3600s});
    auto running = submit(*jobs, tagged("R1"));
    m_work.started(1);
    auto queued = submit(*jobs, tagged("Q1"));
    auto now = std::chrono::steady_clock::now();
    EXPECT_EQ(jobs->sweep(now), 0u);
    EXPECT_EQ(jobs->sweep(now + 30s), 0u);
    EXPECT_EQ(jobs->status(queued)->state, ScrubState::queued);
    EXPECT_EQ(jobs->sweep(now + 61s), 2u);
    EXPECT_EQ(jobs->status(running).error().code, Errc::not_found);
    EXPECT_EQ(jobs->status(queued).error().code, Errc::not_found);
    wait_until_nothing_left(*jobs);
    EXPECT_EQ(entries(), 0u);
    auto counts = jobs->counts();
    EXPECT_EQ(counts.queued + counts.running + counts.done + counts.failed, 0u);
    EXPECT_EQ(m_work.started_so_far(), 1u);  // the queued job never ran
}

TEST_F(ScrubJobsTest, TheSweeperThreadDeletesExpiredJobsByItself) {
    auto jobs = make({.ttl = std::chrono::seconds(1), .sweep_interval = 50ms});
    auto id = submit(*jobs, jpeg_bytes);
    EXPECT_EQ(wait_finished(*jobs, id).state, ScrubState::done);
    // No wall-clock bound is asserted: the deadline only keeps a broken sweeper from hanging.
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (jobs->status(id).has_value() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(20ms);
    EXPECT_EQ(jobs->status(id).error().code, Errc::not_found);
    while (entries() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(5ms);
    EXPECT_EQ(entries(), 0u);
}

TEST_F(ScrubJobsTest, ShutdownCancelsRunningJobsAndDeletesEverything) {
    m_work.close();
    auto jobs = make();
    submit(*jobs, jpeg_bytes);
    submit(*jobs, jpeg_bytes);
    m_work.started(1);
    auto started = std::chrono::steady_clock::now();
    jobs.reset();  // the work waits on the gate until it sees the cancel flag
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    EXPECT_FALSE(fs::exists(dir()));
}

}  // namespace
}  // namespace sightline::services
