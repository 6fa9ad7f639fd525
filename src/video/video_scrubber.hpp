#pragma once
// Video scrubbing with FFmpeg's libraries (libav* stay inside this module): the first video
// stream is decoded, turned upright (display matrix applied to the pixels), every face blurred in
// every frame (faces::FaceDetector + faces::FaceTracker, blur in YUV), and re-encoded with the
// first audio stream (or none) into a new MP4: H.264 yuv420p + AAC, +faststart, with no metadata,
// no other streams, no chapters and no attachments. Memory is bounded: frames stream through a
// look-ahead queue of a few dozen frames. See docs/adr/006-media-scrubbing.md.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "faces/face_detector.hpp"

namespace sightline::video {

/// True when the leading bytes are a container this module opens: ISO BMFF with an `ftyp` box
/// (MP4, MOV, M4V, 3GP) or EBML (Matroska, WebM). Judged from content, never from a name.
/// 16 bytes are enough.
bool looks_like_video(std::string_view leading_bytes) noexcept;

struct VideoLimits {
    std::uintmax_t max_bytes = 1024ull * 1024 * 1024;  ///< file size (too_large)
    double max_duration_s = 30 * 60;                   ///< from the header, and while decoding
    std::int64_t max_pixels = 3840LL * 2160;           ///< width x height of a frame (too_large)
};

enum class AudioMode { keep, drop };

struct VideoScrubOptions {
    VideoLimits limits;
    AudioMode audio = AudioMode::keep;  ///< keep: re-encoded as AAC; drop: no audio stream
    int crf = 23;                       ///< x264 constant rate factor
    std::string preset = "veryfast";    ///< x264 preset
    int threads = 0;                    ///< decoder/encoder threads; 0: one per core
};

struct VideoProgress {
    std::int64_t frames_done = 0;      ///< frames written
    std::int64_t frames_expected = 0;  ///< from the header's duration and rate; 0 if unknown
    double fraction = 0;               ///< 0..1, by frames or by timestamp
};

struct VideoScrubReport {
    int width = 0;  ///< upright output size
    int height = 0;
    std::int64_t frames = 0;
    double duration_s = 0;
    std::int64_t faces = 0;              ///< face tracks started (FaceTracker::tracks_started)
    std::int64_t frames_with_faces = 0;  ///< frames where at least one box was blurred
    bool audio_kept = false;
    /// What the input carried that is not in the output, by kind, never by value: "metadata",
    /// "location", "creation time", "device make/model", "data stream", "subtitle stream",
    /// "timecode stream", "attachment", "chapters", "rotation (applied to the pixels)", ...
    std::vector<std::string> removed;
};

using VideoProgressFn = std::function<void(const VideoProgress&)>;

/// Scrubs `input` into `output` (an .mp4 path; written as `output` + ".partial" and renamed, and
/// removed on any failure, so `output` exists only when the call succeeds). `cancel` is polled
/// between frames (unavailable "cancelled"). Progress is called at most a few times a second.
/// Errors: unsupported_media_type (not a video container, no video stream, a codec FFmpeg cannot
/// decode), too_large (over a limit), unprocessable (corrupt or truncated), invalid_argument
/// (cannot write `output`). Messages are safe to show: no paths, no library internals.
Result<VideoScrubReport> scrub_video(const std::filesystem::path& input,
                                     const std::filesystem::path& output,
                                     const faces::FaceDetector& detector,
                                     const VideoScrubOptions& options = {},
                                     const VideoProgressFn& progress = {},
                                     const std::atomic<bool>* cancel = nullptr);

}  // namespace sightline::video
