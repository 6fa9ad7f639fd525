#pragma once
// The reading half of scrubbing: a video file opened with FFmpeg under whitelists (containers,
// codecs, no protocol but our own file descriptor, no nested file opens), its limits checked on
// the header and again while decoding, and its first video stream decoded into upright yuv420p
// frames of one size, interleaved with the decoded frames of its first audio stream.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/file_descriptor.hpp"
#include "video/av_handles.hpp"
#include "video/video_scrubber.hpp"

namespace sightline::video {

/// The module's files are opened as core's descriptors.
using core::FileDescriptor;

struct InputOptions {
    VideoLimits limits;
    bool decode_audio = true;
    int threads = 0;  ///< decoder threads; 0: one per core
};

/// What the header says (after probing), fixed for the whole stream.
struct InputInfo {
    int width = 0;  ///< upright, even: every video frame next() gives has this size
    int height = 0;
    AVRational time_base{1, 1};        ///< of video frame timestamps
    AVRational frame_rate{0, 1};       ///< nominal (for the encoder's rate control); 0/1 unknown
    AVRational sample_aspect{1, 1};    ///< upright
    std::int64_t expected_frames = 0;  ///< 0 if unknown
    double duration_s = 0;             ///< 0 if unknown
    AVColorPrimaries color_primaries = AVCOL_PRI_UNSPECIFIED;
    AVColorTransferCharacteristic color_trc = AVCOL_TRC_UNSPECIFIED;
    AVColorSpace colorspace = AVCOL_SPC_UNSPECIFIED;
    bool has_audio = false;            ///< the first audio stream is decoded (see audio_decoder())
    std::vector<std::string> removed;  ///< VideoScrubReport::removed, from the header
};

class VideoInput {
  public:
    /// Opens `path` (a regular file). Errors as scrub_video documents; invalid_argument when it
    /// cannot be opened.
    static Result<VideoInput> open(const std::filesystem::path& path, const InputOptions& options);
    /// The same on an open descriptor of a regular file (or a memfd), read from offset 0.
    static Result<VideoInput> open(FileDescriptor fd, const InputOptions& options);

    VideoInput(VideoInput&&) noexcept;
    VideoInput& operator=(VideoInput&&) noexcept;
    ~VideoInput();

    [[nodiscard]] const InputInfo& info() const noexcept;
    /// The opened audio decoder (sample rate, format, channel layout of the frames next()
    /// gives), or null when there is no audio to keep.
    [[nodiscard]] const AVCodecContext* audio_decoder() const noexcept;

    enum class Got { video, audio, end };
    /// The next decoded frame, in decoding order of the file: video frames are upright
    /// yuv420p of info().width x height with strictly increasing pts in info().time_base,
    /// counted from the start of the file; audio frames are as decoded, with pts in
    /// 1/sample_rate counted from the same start. Errors: too_large (a frame over the pixel
    /// limit, timestamps past the duration limit), unprocessable (truncated or corrupt).
    Result<Got> next(FrameHandle& frame);

  private:
    struct Impl;
    explicit VideoInput(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

/// User-facing messages shared by the input and the scrubber.
namespace messages {
inline constexpr const char* not_a_video =
    "the file is not a video this tool can read (MP4, MOV, M4V, MKV or WebM)";
inline constexpr const char* corrupt = "the video is truncated or corrupt";
inline constexpr const char* no_video_stream = "the file has no video stream";
inline constexpr const char* codec =
    "the video is in a format this tool cannot decode (it reads H.264, HEVC, VP8, VP9, AV1 and "
    "MPEG-4 video)";
std::string too_long(double max_duration_s);
std::string too_many_pixels(std::int64_t max_pixels);
std::string too_big(std::uintmax_t max_bytes);
}  // namespace messages

}  // namespace sightline::video
