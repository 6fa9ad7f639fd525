#pragma once
// Re-encodes the kept audio: any decoded format, rate and channel layout is resampled to the
// AAC encoder's planar float at a rate it supports, mono or stereo (more channels are mixed
// down), and encoded by FFmpeg's native AAC encoder at 128 kb/s in frames of its size.

#include <cstdint>
#include <functional>

#include "core/error.hpp"
#include "video/av_handles.hpp"

namespace sightline::video {

class AudioEncoder {
  public:
    /// For frames like those `decoder` gives. `global_header`: the container wants the codec
    /// configuration out of band (MP4). Throws sightline::Exception if the encoder cannot open.
    AudioEncoder(const AVCodecContext& decoder, bool global_header);
    ~AudioEncoder();
    AudioEncoder(const AudioEncoder&) = delete;
    AudioEncoder& operator=(const AudioEncoder&) = delete;

    /// Sample rate, layout and time base (1/sample rate) of the packets.
    [[nodiscard]] const AVCodecContext& context() const noexcept { return *m_encoder; }

    /// Receives each encoded packet (timestamps in context().time_base); its error stops the
    /// encoding and is returned.
    using PacketSink = std::function<Status(AVPacket&)>;

    /// Encodes one decoded frame whose pts counts samples at its own rate, or, when `frame` is
    /// null, everything still buffered (the end of the stream).
    Status push(const AVFrame* frame, const PacketSink& sink);

  private:
    void configure(const AVFrame& frame);
    Status encode_from_fifo(int samples, const PacketSink& sink);
    Status send(const AVFrame* frame, const PacketSink& sink);

    CodecContextHandle m_encoder;
    SwrHandle m_resampler;
    AudioFifoHandle m_fifo;
    PacketHandle m_packet = make_packet();
    // What m_resampler was set up for.
    int m_in_format = -1;
    int m_in_rate = 0;
    AVChannelLayout m_in_layout{};
    std::int64_t m_next_pts = INT64_MIN;  // of the next sample into the encoder, in its time base
};

}  // namespace sightline::video
