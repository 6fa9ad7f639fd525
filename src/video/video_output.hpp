#pragma once
// The writing half of scrubbing: upright yuv420p frames encoded with libx264 and decoded audio
// re-encoded as AAC, muxed into a new MP4 (+faststart) that holds nothing else: no metadata, no
// side data, no other streams, no chapters, the bit-exact flag on muxer and encoders so that no
// library version is written, and the x264 settings SEI removed from the video packets.

#include <filesystem>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "video/av_handles.hpp"
#include "video/video_input.hpp"

namespace sightline::video {

class AudioEncoder;

struct EncoderSettings {
    int crf = 23;
    std::string preset = "veryfast";
    int threads = 0;  ///< 0: x264 chooses (about 1.5 per core)
};

class VideoOutput {
  public:
    /// Creates the MP4 at `path` for frames described by `video` and, when `audio_decoder` is
    /// not null, audio frames from it. invalid_argument when the file cannot be created; throws
    /// sightline::Exception when an encoder cannot be set up.
    static Result<std::unique_ptr<VideoOutput>> open(const std::filesystem::path& path,
                                                     const InputInfo& video,
                                                     const AVCodecContext* audio_decoder,
                                                     const EncoderSettings& settings);
    ~VideoOutput();
    VideoOutput(const VideoOutput&) = delete;
    VideoOutput& operator=(const VideoOutput&) = delete;

    /// One upright frame (pts in the input's video time base). The frame is not changed except
    /// for its picture type (the encoder chooses its own).
    Status write_video(AVFrame& frame);
    /// One decoded audio frame (pts counting samples at its rate from the start of the file).
    Status write_audio(const AVFrame& frame);
    /// Flushes the encoders, writes the index (moved before the media data) and closes the
    /// file. Errors: invalid_argument when writing fails (disk full).
    Status finish();

  private:
    VideoOutput() = default;
    Status drain_video();
    Status mux(AVPacket& packet, AVStream* stream, AVRational from);
    Status write_failed() const;

    OutputFormatHandle m_format;
    CodecContextHandle m_video;
    BsfHandle m_strip_sei;
    std::unique_ptr<AudioEncoder> m_audio;
    AVStream* m_video_stream = nullptr;  // owned by m_format
    AVStream* m_audio_stream = nullptr;  // owned by m_format
    PacketHandle m_packet = make_packet();
    std::int64_t m_nominal_duration = 0;  // of one frame in the encoder's time base
};

}  // namespace sightline::video
