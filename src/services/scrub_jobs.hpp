#pragma once
// The server's "make this photo or video safe to share" jobs: uploads are written to a private
// folder, queued in a bounded queue, scrubbed by worker threads of their own (never the HTTP
// worker pool), served round-robin across clients, and deleted once downloaded or an hour after
// they were created. See docs/adr/006-media-scrubbing.md ("Jobs and streamed uploads").
//
// A job id is 128 random bits as 32 lower-case hex characters: the capability to read the job's
// status and result, so it is never logged or used as a metrics label. Nothing about a job is
// logged but counts.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "services/media_scrub.hpp"

namespace sightline::services {

struct ScrubJobOptions {
    /// The jobs' private folder (DATA/scrub-jobs): created with mode 0700, emptied at start and
    /// at shutdown, never part of a backup. One folder per job inside, named by its id.
    std::filesystem::path dir = {};
    /// Jobs uploading, queued or running at once; beyond that begin_upload() is unavailable.
    std::size_t max_jobs = 8;
    /// Threads running jobs.
    int workers = 1;
    /// Largest upload (the media file itself); too_large beyond.
    std::uintmax_t max_upload_bytes = std::uintmax_t{1} << 30;
    /// A job is deleted this long after its upload began, whatever its state (a running job is
    /// cancelled first).
    std::chrono::seconds ttl{3600};
    /// How often expired jobs are looked for.
    std::chrono::milliseconds sweep_interval{60'000};
};

enum class ScrubState { queued, running, done, failed };
/// "queued", "running", "done", "failed".
std::string_view to_string(ScrubState state) noexcept;

struct ScrubJobStatus {
    ScrubState state = ScrubState::queued;
    double progress = 0;                ///< 0..1
    std::optional<Error> error;         ///< why a failed job failed; the message is safe to show
    MediaKind kind = MediaKind::photo;  ///< done jobs only
    std::int64_t faces = 0;             ///< done jobs only: faces (photo) or face tracks (video)
};

/// A finished job's result file. The path stays valid until the job is removed.
struct ScrubResultFile {
    std::filesystem::path path;
    std::string content_type;  ///< "image/jpeg", ..., "video/mp4"
    std::string extension;     ///< "jpg", ..., "mp4"
};

/// What the uploader chose for one job.
struct ScrubSettings {
    bool drop_audio = false;  ///< a video's sound is removed instead of re-encoded
};

/// The work of one job: scrub `input` into `output_stem` + "." + extension, reporting progress
/// and polling `cancel` (in the server: services::scrub_media_file with the process's face
/// detector and the serve limits). Errors as scrub_media_file's; may throw on environment
/// failures (the job then fails with an internal error).
using ScrubWork = std::function<Result<ScrubbedMedia>(
    const std::filesystem::path& input, const std::filesystem::path& output_stem,
    const ScrubSettings& settings, const MediaProgressFn& progress,
    const std::atomic<bool>& cancel)>;

class ScrubJobs {
  public:
    /// Empties (or creates) options.dir with mode 0700 and starts the worker and sweeper
    /// threads. Throws sightline::Exception if the folder cannot be prepared.
    ScrubJobs(ScrubJobOptions options, ScrubWork work);
    /// Cancels running jobs, joins the threads and deletes every job folder. Every Upload must be
    /// gone before.
    ~ScrubJobs();
    ScrubJobs(const ScrubJobs&) = delete;
    ScrubJobs& operator=(const ScrubJobs&) = delete;

    /// An upload in progress: one reserved place in the queue and a new job folder holding the
    /// file being written. Destroyed without submit(), it deletes its folder and frees its place.
    class Upload {
      public:
        Upload(Upload&& other) noexcept;
        Upload& operator=(Upload&& other) noexcept;
        Upload(const Upload&) = delete;
        Upload& operator=(const Upload&) = delete;
        ~Upload();

        /// Appends bytes of the media file. too_large past max_upload_bytes (nothing written).
        /// Throws sightline::Exception when the disk refuses (full, I/O error).
        Status write(std::string_view bytes);
        [[nodiscard]] std::uintmax_t size() const noexcept { return m_size; }
        /// The job's settings (may be set any time before submit()).
        void set_settings(ScrubSettings settings) noexcept { m_settings = settings; }

      private:
        friend class ScrubJobs;
        Upload(ScrubJobs& jobs, std::string id, std::uint64_t client_key, int fd);
        void discard() noexcept;

        ScrubJobs* m_jobs = nullptr;  ///< null once submitted, discarded or moved from
        std::string m_id;
        std::uint64_t m_client_key = 0;
        std::chrono::steady_clock::time_point m_created;
        int m_fd = -1;
        std::uintmax_t m_size = 0;
        std::string m_head;  ///< the first bytes, to judge the content at submit()
        ScrubSettings m_settings;
    };

    /// Reserves a place for a job of `client_key` (Request::client_key) and opens its upload
    /// file. unavailable when max_jobs jobs are uploading, queued or running, or when shutting
    /// down; throws sightline::Exception if the job folder cannot be created.
    Result<Upload> begin_upload(std::uint64_t client_key);
    /// Queues a complete upload and returns the job id. invalid_argument for an empty file,
    /// unsupported_media_type when it is neither a photo nor a video (judged by its first
    /// bytes); the upload is then discarded.
    Result<std::string> submit(Upload upload);

    /// not_found for an unknown, expired, removed or malformed id.
    [[nodiscard]] Result<ScrubJobStatus> status(std::string_view id) const;
    /// The result of a done job; not_found as status(), conflict while queued, running or failed.
    [[nodiscard]] Result<ScrubResultFile> result(std::string_view id) const;
    /// Deletes a job and its files now (after its result was downloaded). A running job is
    /// cancelled and deleted when its work returns. Unknown ids are ignored.
    void remove(std::string_view id);
    /// Deletes the jobs older than the ttl at `now`; returns how many. The sweeper thread calls
    /// it with the current time; tests pass a later one instead of sleeping.
    std::size_t sweep(std::chrono::steady_clock::time_point now);
    std::size_t sweep() { return sweep(std::chrono::steady_clock::now()); }

    struct Counts {
        std::size_t uploading = 0;
        std::size_t queued = 0;
        std::size_t running = 0;
        std::size_t done = 0;
        std::size_t failed = 0;
    };
    /// For metrics gauges.
    [[nodiscard]] Counts counts() const;
    [[nodiscard]] const ScrubJobOptions& options() const noexcept { return m_options; }

  private:
    struct Job;
    using Clock = std::chrono::steady_clock;

    void work_loop();
    void sweep_loop();
    std::shared_ptr<Job> next_job();  // locked; fair across clients
    void finish_job(const std::shared_ptr<Job>& job, Result<ScrubbedMedia> outcome);
    void forget(const std::shared_ptr<Job>& job);  // locked: out of every index
    void end_upload() noexcept;
    [[nodiscard]] std::filesystem::path folder_of(std::string_view id) const;
    void delete_folder(std::string_view id) const noexcept;

    ScrubJobOptions m_options;
    ScrubWork m_work;

    mutable std::mutex m_mutex;
    std::condition_variable m_work_ready;
    std::condition_variable m_stop_sweeping;
    bool m_stopping = false;
    std::unordered_map<std::string, std::shared_ptr<Job>> m_jobs;  ///< queued, running, finished
    /// Queued jobs per client, and the clients in the order they get their next turn.
    std::map<std::uint64_t, std::deque<std::shared_ptr<Job>>> m_waiting;
    std::deque<std::uint64_t> m_turns;
    std::size_t m_uploading = 0;
    std::size_t m_queued = 0;
    std::size_t m_running = 0;

    std::vector<std::thread> m_workers;
    std::thread m_sweeper;
};

}  // namespace sightline::services
