// "Make media safe": POST /api/v1/scrub (a streamed multipart upload), GET /api/v1/scrub/{id}
// and GET /api/v1/scrub/{id}/result. The work is services::ScrubJobs'; the id in the path is the
// capability to read a job, so every answer is Cache-Control: no-store.

#include <cmath>
#include <memory>
#include <optional>

#include <fmt/core.h>

#include "http/endpoints/endpoints.hpp"
#include "http/multipart.hpp"
#include "http/multipart_stream.hpp"
#include "http/response.hpp"
#include "services/json_writer.hpp"
#include "services/rate_limiter.hpp"
#include "services/scrub_jobs.hpp"

namespace sightline::http {
namespace {

using services::JsonWriter;
using services::ScrubJobs;

constexpr std::string_view media_part = "media";
/// Optional part before `media`: "keep" (default) or "drop" the sound of a video.
constexpr std::string_view audio_part = "audio";
constexpr std::size_t max_audio_value_bytes = 16;
/// Room for the multipart framing around the file: boundaries and part headers.
constexpr std::size_t framing_bytes = 64 * 1024;
/// Parts other than `media` are read and dropped, up to this many bytes in all.
constexpr std::size_t max_ignored_part_bytes = 64 * 1024;
/// A full queue frees a place when a job finishes: seconds for a photo, minutes for a video.
constexpr std::string_view queue_retry_after_s = "30";
constexpr std::string_view no_store = "no-store";

std::string status_url(std::string_view id) {
    return fmt::format("/api/v1/scrub/{}", id);
}

Response refuse(const Error& error) {
    auto response = error_response(error);
    if (error.code == Errc::unavailable)
        response.with_header("Retry-After", std::string(queue_retry_after_s));
    return response.with_header("Cache-Control", std::string(no_store));
}

/// Writes the `media` part of a multipart/form-data body into a job's upload file as it
/// arrives; queues the job when the body is complete.
class UploadSink final : public BodySink, private MultipartHandler {
  public:
    UploadSink(ScrubJobs& jobs, ScrubJobs::Upload upload, std::string_view boundary)
        : m_jobs(jobs), m_upload(std::move(upload)), m_parser(boundary) {}

    Status write(std::string_view chunk) override { return m_parser.feed(chunk, *this); }

    Response finish() override {
        if (auto complete = m_parser.finish(); !complete) {
            m_upload.reset();
            return refuse(complete.error());
        }
        if (!m_media_seen) {
            m_upload.reset();
            return refuse(Error{Errc::invalid_argument, "send the file in a part named 'media'"});
        }
        if (m_audio_value != "keep" && m_audio_value != "drop") {
            m_upload.reset();
            return refuse(Error{Errc::invalid_argument, "the part 'audio' is 'keep' or 'drop'"});
        }
        m_upload->set_settings({.drop_audio = m_audio_value == "drop"});
        auto id = m_jobs.submit(std::move(*m_upload));
        m_upload.reset();
        if (!id) return refuse(id.error());
        std::string body;
        JsonWriter w(body);
        w.begin_object();
        w.key("id").value(*id);
        w.key("status_url").value(status_url(*id));
        w.end_object();
        return json_response(202, std::move(body))
            .with_header("Location", status_url(*id))
            .with_header("Cache-Control", std::string(no_store));
    }

    void abort() noexcept override { m_upload.reset(); }

  private:
    Status on_part_begin(const MultipartPart& part) override {
        m_in_media = part.name == media_part;
        m_in_audio = part.name == audio_part;
        if (m_in_audio) m_audio_value.clear();
        if (m_in_media && m_media_seen)
            return fail(Errc::invalid_argument, "send one file per request, in the part 'media'");
        m_media_seen = m_media_seen || m_in_media;
        return {};
    }
    Status on_part_data(std::string_view data) override {
        if (m_in_media) return m_upload->write(data);
        if (m_in_audio) {
            if (m_audio_value.size() + data.size() > max_audio_value_bytes)
                return fail(Errc::invalid_argument, "the part 'audio' is 'keep' or 'drop'");
            m_audio_value += data;
            return {};
        }
        m_ignored_bytes += data.size();
        if (m_ignored_bytes > max_ignored_part_bytes)
            return fail(Errc::too_large,
                        fmt::format("parts other than 'media' may hold {} bytes in all",
                                    max_ignored_part_bytes));
        return {};
    }
    Status on_part_end() override {
        m_in_media = false;
        m_in_audio = false;
        return {};
    }

    ScrubJobs& m_jobs;
    std::optional<ScrubJobs::Upload> m_upload;  ///< empty once submitted or aborted
    MultipartStream m_parser;
    bool m_media_seen = false;
    bool m_in_media = false;
    bool m_in_audio = false;
    std::string m_audio_value = "keep";
    std::size_t m_ignored_bytes = 0;
};

BodySinkOrResponse open_upload(const Request& req, ScrubJobs* jobs,
                               services::RateLimiter& limiter) {
    if (!jobs)  // not a full queue: no Retry-After
        return std::unexpected(error_response(Error{Errc::unavailable, "media scrubbing is off"}));
    auto boundary = multipart_boundary(req.header("content-type").value_or(""));
    if (!boundary) return std::unexpected(refuse(boundary.error()));
    if (!*boundary)
        return std::unexpected(
            refuse(Error{Errc::unsupported_media_type,
                         "send the file as multipart/form-data in a part named 'media'"}));
    // The place in the queue first: a client told to wait for the queue keeps its rate budget.
    auto upload = jobs->begin_upload(req.client_key);
    if (!upload) return std::unexpected(refuse(upload.error()));
    double now_s = services::monotonic_seconds();
    if (!limiter.allow(req.client_key, now_s)) {
        auto wait_s = static_cast<long>(std::ceil(limiter.retry_after_s(req.client_key, now_s)));
        return std::unexpected(
            refuse(Error{Errc::rate_limited, "too many files from this client; try again later"})
                .with_header("Retry-After", std::to_string(std::max(1L, wait_s))));
    }
    return std::make_unique<UploadSink>(*jobs, std::move(*upload), **boundary);
}

Response job_status(const Request& req, ScrubJobs* jobs) {
    if (!jobs) return refuse(Error{Errc::not_found, "no such job"});
    auto id = req.path_param("id").value_or("");
    auto status = jobs->status(id);
    if (!status) return refuse(status.error());
    std::string body;
    JsonWriter w(body);
    w.begin_object();
    w.key("state").value(services::to_string(status->state));
    w.key("progress").value_fixed(status->progress, 3);
    if (status->error) {
        w.key("error").value(status->error->message);
        w.key("error_code").value(errc_name(status->error->code));
    }
    if (status->state == services::ScrubState::done) {
        w.key("kind").value(status->kind == services::MediaKind::video ? "video" : "photo");
        w.key("faces").value(status->faces);
        w.key("result_url").value(status_url(id) + "/result");
    }
    w.end_object();
    return json_response(200, std::move(body)).with_header("Cache-Control", std::string(no_store));
}

Response job_result(const Request& req, ScrubJobs* jobs) {
    if (!jobs) return refuse(Error{Errc::not_found, "no such job"});
    std::string id(req.path_param("id").value_or(""));
    auto result = jobs->result(id);
    if (!result) return refuse(result.error());
    Response response;
    response.content_type = result->content_type;
    response.file_path = result->path.string();
    // A neutral name: phones name files after the time they were taken.
    response.with_header("Content-Disposition",
                         fmt::format("attachment; filename=\"scrubbed.{}\"", result->extension));
    response.with_header("Cache-Control", std::string(no_store));
    // Downloaded once, then gone (a HEAD is not a download).
    if (req.method != "HEAD") response.on_sent = [jobs, id] { jobs->remove(id); };
    return response;
}

}  // namespace

void register_scrub_routes(Router& router, ApiContext& ctx) {
    ScrubJobs* jobs = ctx.scrub;
    auto limiter = std::make_shared<services::RateLimiter>(
        std::max(1.0, std::min(ctx.options.scrub_per_hour, 10.0)), ctx.options.scrub_per_hour);
    std::size_t body_limit = jobs ? jobs->options().max_upload_bytes + framing_bytes : 0;
    router.add_streamed(
        "POST", "/api/v1/scrub",
        [jobs, limiter](const Request& r) { return open_upload(r, jobs, *limiter); }, body_limit);
    router.add("GET", "/api/v1/scrub/{id}",
               [jobs](const Request& r) { return job_status(r, jobs); });
    router.add("GET", "/api/v1/scrub/{id}/result",
               [jobs](const Request& r) { return job_result(r, jobs); });
}

}  // namespace sightline::http
