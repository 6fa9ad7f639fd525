#include "services/scrub_jobs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>

#include <fmt/core.h>

#include "core/file_descriptor.hpp"
#include "core/log.hpp"
#include "services/crypto.hpp"

namespace sightline::services {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t id_bytes = 16;  // 128 bits
constexpr std::size_t head_bytes = 64;
constexpr std::string_view upload_name = "upload";
constexpr std::string_view result_stem = "result";

bool is_job_id(std::string_view id) noexcept {
    return id.size() == 2 * id_bytes && std::all_of(id.begin(), id.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

// Messages of environment failures name no path: a job folder's name is its id.
[[noreturn]] void throw_errno(std::string_view what, int error) {
    throw Exception(fmt::format("{}: {}", what, std::strerror(error)));
}

}  // namespace

std::string_view to_string(ScrubState state) noexcept {
    switch (state) {
        case ScrubState::queued:
            return "queued";
        case ScrubState::running:
            return "running";
        case ScrubState::done:
            return "done";
        case ScrubState::failed:
            break;
    }
    return "failed";
}

struct ScrubJobs::Job {
    std::string id;
    std::uint64_t client_key = 0;
    Clock::time_point created;
    // Guarded by ScrubJobs::m_mutex, except `cancel`, which the work polls.
    ScrubState state = ScrubState::queued;
    double progress = 0;
    std::optional<Error> error;
    std::optional<ScrubbedMedia> result;
    ScrubSettings settings;
    bool removed = false;  ///< out of m_jobs while running: the worker deletes its folder
    std::atomic<bool> cancel{false};
};

// ---------------------------------------------------------------------------------------------
// Upload

ScrubJobs::Upload::Upload(ScrubJobs& jobs, std::string id, std::uint64_t client_key, int fd)
    : m_jobs(&jobs),
      m_id(std::move(id)),
      m_client_key(client_key),
      m_created(Clock::now()),
      m_fd(fd) {}

ScrubJobs::Upload::Upload(Upload&& other) noexcept
    : m_jobs(std::exchange(other.m_jobs, nullptr)),
      m_id(std::move(other.m_id)),
      m_client_key(other.m_client_key),
      m_created(other.m_created),
      m_fd(std::exchange(other.m_fd, -1)),
      m_size(other.m_size),
      m_head(std::move(other.m_head)),
      m_settings(other.m_settings) {}

ScrubJobs::Upload& ScrubJobs::Upload::operator=(Upload&& other) noexcept {
    if (this != &other) {
        discard();
        m_jobs = std::exchange(other.m_jobs, nullptr);
        m_id = std::move(other.m_id);
        m_client_key = other.m_client_key;
        m_created = other.m_created;
        m_fd = std::exchange(other.m_fd, -1);
        m_size = other.m_size;
        m_head = std::move(other.m_head);
        m_settings = other.m_settings;
    }
    return *this;
}

ScrubJobs::Upload::~Upload() {
    discard();
}

void ScrubJobs::Upload::discard() noexcept {
    if (m_fd >= 0) ::close(std::exchange(m_fd, -1));
    if (!m_jobs) return;
    m_jobs->delete_folder(m_id);
    std::exchange(m_jobs, nullptr)->end_upload();
}

Status ScrubJobs::Upload::write(std::string_view bytes) {
    assert(m_jobs && m_fd >= 0);
    if (bytes.size() > m_jobs->m_options.max_upload_bytes - m_size)
        return fail(Errc::too_large, fmt::format("the file is larger than {} bytes",
                                                 m_jobs->m_options.max_upload_bytes));
    if (m_head.size() < head_bytes) m_head.append(bytes.substr(0, head_bytes - m_head.size()));
    if (!core::write_all_at(m_fd, bytes.data(), bytes.size(), m_size))
        throw_errno("cannot write an upload", errno);
    m_size += bytes.size();
    return {};
}

// ---------------------------------------------------------------------------------------------
// ScrubJobs

ScrubJobs::ScrubJobs(ScrubJobOptions options, ScrubWork work)
    : m_options(std::move(options)), m_work(std::move(work)) {
    assert(m_work && !m_options.dir.empty());
    // Whatever an earlier process left (a crash, a kill) goes: nobody holds those ids any more.
    std::error_code ec;
    fs::remove_all(m_options.dir, ec);
    if (ec)
        throw Exception(fmt::format("cannot empty {}: {}", m_options.dir.string(), ec.message()));
    fs::create_directories(m_options.dir.parent_path(), ec);
    if (::mkdir(m_options.dir.c_str(), 0700) != 0 || ::chmod(m_options.dir.c_str(), 0700) != 0)
        throw Exception(
            fmt::format("cannot create {}: {}", m_options.dir.string(), std::strerror(errno)));
    int workers = std::max(1, m_options.workers);
    for (int i = 0; i < workers; ++i)
        m_workers.emplace_back([this] { work_loop(); });
    m_sweeper = std::thread([this] { sweep_loop(); });
}

ScrubJobs::~ScrubJobs() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        for (auto& [id, job] : m_jobs)
            job->cancel = true;
    }
    m_work_ready.notify_all();
    m_stop_sweeping.notify_all();
    for (auto& worker : m_workers)
        worker.join();
    m_sweeper.join();
    assert(m_uploading == 0 && "an Upload outlived ScrubJobs");
    std::error_code ec;
    fs::remove_all(m_options.dir, ec);
    if (ec) log::warn(fmt::format("scrub jobs: cannot delete the job folder: {}", ec.message()));
}

fs::path ScrubJobs::folder_of(std::string_view id) const {
    return m_options.dir / std::string(id);
}

void ScrubJobs::delete_folder(std::string_view id) const noexcept {
    std::error_code ec;
    fs::remove_all(folder_of(id), ec);
    if (ec) log::warn(fmt::format("scrub jobs: cannot delete a job folder: {}", ec.message()));
}

void ScrubJobs::end_upload() noexcept {
    std::lock_guard lock(m_mutex);
    --m_uploading;
}

Result<ScrubJobs::Upload> ScrubJobs::begin_upload(std::uint64_t client_key) {
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping) return fail(Errc::unavailable, "the server is shutting down");
        if (m_uploading + m_queued + m_running >= m_options.max_jobs)
            return fail(Errc::unavailable, "too many files are being made safe; try again soon");
        ++m_uploading;
    }
    std::string id = random_token(id_bytes);
    fs::path folder = folder_of(id);
    if (::mkdir(folder.c_str(), 0700) != 0) {
        int error = errno;
        end_upload();
        throw_errno("cannot create a scrub job folder", error);
    }
    int fd = ::open((folder / upload_name).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        int error = errno;
        delete_folder(id);
        end_upload();
        throw_errno("cannot create an upload file", error);
    }
    return Upload(*this, std::move(id), client_key, fd);
}

Result<std::string> ScrubJobs::submit(Upload upload) {
    assert(upload.m_jobs == this);
    if (::close(std::exchange(upload.m_fd, -1)) != 0) throw_errno("cannot write an upload", errno);
    // Judged before queueing, so a client learns at once; the Upload's destructor cleans up.
    if (upload.m_size == 0) return fail(Errc::invalid_argument, "the file is empty");
    if (auto kind = sniff_media(upload.m_head); !kind) return std::unexpected(kind.error());

    auto job = std::make_shared<Job>();
    job->id = upload.m_id;
    job->client_key = upload.m_client_key;
    job->created = upload.m_created;
    job->settings = upload.m_settings;
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping) {
            // Unlocked before the Upload's destructor, which locks to free its place.
            return fail(Errc::unavailable, "the server is shutting down");
        }
        --m_uploading;
        ++m_queued;
        upload.m_jobs = nullptr;  // the folder now belongs to the job
        m_jobs.emplace(job->id, job);
        auto& queue = m_waiting[job->client_key];
        queue.push_back(job);
        if (queue.size() == 1) m_turns.push_back(job->client_key);
    }
    m_work_ready.notify_one();
    return job->id;
}

// Each client with queued jobs takes a turn in order; after its turn it goes to the back.
std::shared_ptr<ScrubJobs::Job> ScrubJobs::next_job() {
    std::uint64_t client = m_turns.front();
    m_turns.pop_front();
    auto it = m_waiting.find(client);
    assert(it != m_waiting.end() && !it->second.empty());
    auto job = std::move(it->second.front());
    it->second.pop_front();
    if (it->second.empty())
        m_waiting.erase(it);
    else
        m_turns.push_back(client);
    return job;
}

void ScrubJobs::forget(const std::shared_ptr<Job>& job) {
    m_jobs.erase(job->id);
    if (job->state != ScrubState::queued) return;
    --m_queued;
    auto it = m_waiting.find(job->client_key);
    if (it == m_waiting.end()) return;
    std::erase(it->second, job);
    if (it->second.empty()) {
        m_waiting.erase(it);
        std::erase(m_turns, job->client_key);
    }
}

void ScrubJobs::work_loop() {
    while (true) {
        std::shared_ptr<Job> job;
        {
            std::unique_lock lock(m_mutex);
            m_work_ready.wait(lock, [this] { return m_stopping || !m_turns.empty(); });
            if (m_stopping) return;
            job = next_job();
            --m_queued;
            ++m_running;
            job->state = ScrubState::running;
        }
        fs::path folder = folder_of(job->id);
        auto progress = [this, job](double fraction) {
            std::lock_guard lock(m_mutex);
            job->progress = std::clamp(fraction, 0.0, 1.0);
        };
        Result<ScrubbedMedia> outcome = fail(Errc::unavailable, "internal error");
        try {
            outcome = m_work(folder / upload_name, folder / result_stem, job->settings, progress,
                             job->cancel);
        } catch (const std::exception&) {
            // Not e.what(): it may hold the job folder's path, which holds the id.
            log::error("scrub job failed: internal error");
            outcome = fail(Errc::unavailable, "an internal error stopped the job; try again later");
        } catch (...) {
            log::error("scrub job failed: internal error");
            outcome = fail(Errc::unavailable, "an internal error stopped the job; try again later");
        }
        finish_job(job, std::move(outcome));
    }
}

void ScrubJobs::finish_job(const std::shared_ptr<Job>& job, Result<ScrubbedMedia> outcome) {
    std::error_code ec;
    fs::remove(folder_of(job->id) / upload_name, ec);
    // A failed job keeps nothing: its folder goes before its state says "failed", so whoever
    // sees that state finds nothing of it left on disk.
    if (!outcome) delete_folder(job->id);
    bool keep_folder = false;
    {
        std::lock_guard lock(m_mutex);
        --m_running;
        if (!job->removed && !m_stopping) {
            if (outcome) {
                job->state = ScrubState::done;
                job->progress = 1;
                job->result = std::move(*outcome);
                keep_folder = true;
            } else {
                job->state = ScrubState::failed;
                job->error = std::move(outcome.error());
            }
        }
    }
    if (outcome && !keep_folder) delete_folder(job->id);  // done, but removed meanwhile
}

Result<ScrubJobStatus> ScrubJobs::status(std::string_view id) const {
    if (!is_job_id(id)) return fail(Errc::not_found, "no such job");
    std::lock_guard lock(m_mutex);
    auto it = m_jobs.find(std::string(id));
    if (it == m_jobs.end()) return fail(Errc::not_found, "no such job");
    const Job& job = *it->second;
    ScrubJobStatus status;
    status.state = job.state;
    status.progress = job.progress;
    status.error = job.error;
    if (job.result) {
        status.kind = job.result->kind;
        status.faces = job.result->faces;
    }
    return status;
}

Result<ScrubResultFile> ScrubJobs::result(std::string_view id) const {
    if (!is_job_id(id)) return fail(Errc::not_found, "no such job");
    std::lock_guard lock(m_mutex);
    auto it = m_jobs.find(std::string(id));
    if (it == m_jobs.end()) return fail(Errc::not_found, "no such job");
    const Job& job = *it->second;
    if (job.state != ScrubState::done || !job.result)
        return fail(Errc::conflict, fmt::format("the job is {}, not done", to_string(job.state)));
    return ScrubResultFile{job.result->file, job.result->content_type, job.result->extension};
}

void ScrubJobs::remove(std::string_view id) {
    if (!is_job_id(id)) return;
    bool delete_now = false;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_jobs.find(std::string(id));
        if (it == m_jobs.end()) return;
        auto job = it->second;
        if (job->state == ScrubState::running) {
            job->removed = true;
            job->cancel = true;
            m_jobs.erase(it);
        } else {
            forget(job);
            delete_now = true;
        }
    }
    if (delete_now) delete_folder(id);
}

std::size_t ScrubJobs::sweep(Clock::time_point now) {
    std::vector<std::shared_ptr<Job>> expired;
    std::vector<std::string> idle_folders;  // running jobs' folders go when their work returns
    {
        std::lock_guard lock(m_mutex);
        for (const auto& [id, job] : m_jobs)
            if (now - job->created >= m_options.ttl) expired.push_back(job);
        for (const auto& job : expired) {
            if (job->state == ScrubState::running) {
                job->removed = true;
                job->cancel = true;
                m_jobs.erase(job->id);
            } else {
                forget(job);
                idle_folders.push_back(job->id);
            }
        }
    }
    for (const auto& id : idle_folders)
        delete_folder(id);
    if (!expired.empty()) log::info(fmt::format("scrub jobs expired count={}", expired.size()));
    return expired.size();
}

void ScrubJobs::sweep_loop() {
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        m_stop_sweeping.wait_for(lock, m_options.sweep_interval, [this] { return m_stopping; });
        if (m_stopping) break;
        lock.unlock();
        sweep();
        lock.lock();
    }
}

ScrubJobs::Counts ScrubJobs::counts() const {
    std::lock_guard lock(m_mutex);
    Counts counts{.uploading = m_uploading, .queued = m_queued, .running = m_running};
    for (const auto& [id, job] : m_jobs) {
        if (job->state == ScrubState::done) ++counts.done;
        if (job->state == ScrubState::failed) ++counts.failed;
    }
    return counts;
}

}  // namespace sightline::services
