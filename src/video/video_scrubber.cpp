// scrub_video: input -> upright frames -> camera motion + detection -> tracker -> look-ahead
// queue -> blur -> output. A frame is blurred and encoded only once the tracker has seen far enough
// past it to interpolate its boxes between two detections (docs/adr/006-media-scrubbing.md), so the
// queue holds FaceTracker::look_ahead() frames and memory does not grow with the clip.

#include "video/video_scrubber.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <memory>
#include <thread>

#include "faces/camera_motion.hpp"
#include "faces/face_tracker.hpp"
#include "video/face_search.hpp"
#include "video/frame_blur.hpp"
#include "video/partial_file.hpp"
#include "video/video_input.hpp"
#include "video/video_output.hpp"

namespace sightline::video {
namespace {

// Calls the progress callback at most five times a second, and once at the end.
class ProgressThrottle {
  public:
    ProgressThrottle(const VideoProgressFn& fn, std::int64_t expected)
        : m_fn(fn), m_expected(expected) {}

    void update(std::int64_t frames_done, bool last = false) {
        if (!m_fn) return;
        const auto now = std::chrono::steady_clock::now();
        if (!last && m_called && now - m_last < std::chrono::milliseconds(200)) return;
        m_last = now;
        m_called = true;
        VideoProgress progress;
        progress.frames_done = frames_done;
        progress.frames_expected = std::max(m_expected, last ? frames_done : 0);
        progress.fraction =
            last ? 1.0
                 : (m_expected > 0 ? std::min(0.999, static_cast<double>(frames_done) /
                                                         static_cast<double>(m_expected))
                                   : 0.0);
        m_fn(progress);
    }

  private:
    const VideoProgressFn& m_fn;
    std::int64_t m_expected;
    std::chrono::steady_clock::time_point m_last{};
    bool m_called = false;
};

struct PendingFrame {
    std::int64_t index;
    FrameHandle frame;
};

class Scrubber {
  public:
    Scrubber(VideoInput& input, VideoOutput& output, const faces::FaceDetector& detector,
             const VideoProgressFn& progress)
        : m_input(input),
          m_output(output),
          m_search(detector, input.info().width, input.info().height),
          m_tracker(faces::tracker_options_for(m_search.plan().longest_interval)),
          m_progress(progress, input.info().expected_frames) {}

    Result<VideoScrubReport> run(const std::atomic<bool>* cancel) {
        FrameHandle frame;
        while (true) {
            if (cancel != nullptr && cancel->load(std::memory_order_relaxed))
                return fail(Errc::unavailable, "cancelled");
            auto got = m_input.next(frame);
            if (!got) return std::unexpected(got.error());
            if (*got == VideoInput::Got::end) break;
            if (*got == VideoInput::Got::audio) {
                if (auto ok = m_output.write_audio(*frame); !ok) return std::unexpected(ok.error());
                continue;
            }
            const std::int64_t index = m_next_index++;
            detect(*frame, index);
            m_last_pts = frame->pts;
            m_pending.push_back({index, std::move(frame)});
            if (auto ok = emit_settled(); !ok) return std::unexpected(ok.error());
        }
        m_tracker.finish();
        if (auto ok = emit_settled(); !ok) return std::unexpected(ok.error());
        if (auto ok = m_output.finish(); !ok) return std::unexpected(ok.error());
        m_progress.update(m_frames_done, true);

        const InputInfo& info = m_input.info();
        VideoScrubReport report;
        report.width = info.width;
        report.height = info.height;
        report.frames = m_frames_done;
        report.duration_s =
            static_cast<double>(std::max<std::int64_t>(0, m_last_pts)) * av_q2d(info.time_base) +
            (info.frame_rate.num > 0 ? av_q2d(av_inv_q(info.frame_rate)) : 0.0);
        report.faces = m_tracker.tracks_started();
        report.frames_with_faces = m_frames_with_faces;
        report.audio_kept = info.has_audio;
        report.removed = info.removed;
        return report;
    }

  private:
    // The detection stage: independent of the tracker and the queue, so it can run ahead on
    // another thread.
    void detect(const AVFrame& frame, std::int64_t index) {
        m_tracker.set_camera_offset(
            index, m_motion.next({frame.data[0], frame.width, frame.height, frame.linesize[0]}));
        if (auto found = m_search.search(frame, index)) m_tracker.add_detections(index, *found);
        m_tracker.advance_to(index);
    }

    Status emit_settled() {
        while (!m_pending.empty() && m_pending.front().index < m_tracker.settled_until()) {
            PendingFrame pending = std::move(m_pending.front());
            m_pending.pop_front();
            AVFrame& frame = *pending.frame;
            std::vector<faces::FaceBox> boxes = m_tracker.boxes_for(pending.index);
            // Tracks extrapolated past the edge (a face that left, or not yet in) blur nothing.
            std::erase_if(boxes, [&frame](const faces::FaceBox& b) {
                return b.x + b.width <= 0 || b.y + b.height <= 0 || b.x >= frame.width ||
                       b.y >= frame.height;
            });
            if (!boxes.empty()) {
                // The decoder may still hold this picture as a reference: blur a copy then.
                if (av_frame_make_writable(&frame) < 0)
                    throw Exception("out of memory (video frame)");
                blur_frame(frame, boxes);
                ++m_frames_with_faces;
            }
            if (auto ok = m_output.write_video(frame); !ok) return ok;
            m_tracker.forget_before(pending.index + 1);
            ++m_frames_done;
            m_progress.update(m_frames_done);
        }
        return {};
    }

    VideoInput& m_input;
    VideoOutput& m_output;
    FaceSearch m_search;
    faces::CameraMotion m_motion;
    faces::FaceTracker m_tracker;
    ProgressThrottle m_progress;
    std::deque<PendingFrame> m_pending;
    std::int64_t m_next_index = 0;
    std::int64_t m_frames_done = 0;
    std::int64_t m_frames_with_faces = 0;
    std::int64_t m_last_pts = 0;
};

}  // namespace

Result<VideoScrubReport> scrub_video(const std::filesystem::path& input,
                                     const std::filesystem::path& output,
                                     const faces::FaceDetector& detector,
                                     const VideoScrubOptions& options,
                                     const VideoProgressFn& progress,
                                     const std::atomic<bool>* cancel) {
    // One decoder and one encoder thread per core: FFmpeg's default (1.5 per core) was slower
    // on 2 cores and held 30 MB more frames.
    const int threads =
        options.threads > 0
            ? options.threads
            : static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 16u));
    InputOptions input_options;
    input_options.limits = options.limits;
    input_options.decode_audio = options.audio == AudioMode::keep;
    input_options.threads = threads;
    auto opened = VideoInput::open(input, input_options);
    if (!opened) return std::unexpected(opened.error());

    PartialFile partial(output);  // removed on every way out but commit()
    const EncoderSettings settings{options.crf, options.preset, threads};
    auto writer =
        VideoOutput::open(partial.path(), opened->info(), opened->audio_decoder(), settings);
    if (!writer) return std::unexpected(writer.error());

    Scrubber scrubber(*opened, **writer, detector, progress);
    auto report = scrubber.run(cancel);
    writer->reset();  // closes the file before it is renamed or removed
    if (!report) return report;
    if (auto ok = partial.commit(); !ok) return std::unexpected(ok.error());
    return report;
}

}  // namespace sightline::video
