#include "video/audio_encoder.hpp"

#include <algorithm>
#include <vector>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libavutil/samplefmt.h>
}

namespace sightline::video {
namespace {

constexpr std::int64_t aac_bit_rate = 128'000;

// The input's rate when the encoder supports it, else the next one up (48 kHz at most).
int output_rate(const AVCodec& codec, int input_rate) {
    const int* rates = codec.supported_samplerates;
    if (rates == nullptr) return input_rate;
    int best = 0;
    for (const int* r = rates; *r != 0; ++r) {
        if (*r == input_rate) return input_rate;
        if (*r > input_rate && *r <= 48000 && (best == 0 || *r < best)) best = *r;
    }
    return best != 0 ? best : 48000;
}

}  // namespace

AudioEncoder::AudioEncoder(const AVCodecContext& decoder, bool global_header) {
    const AVCodec* codec = avcodec_find_encoder_by_name("aac");
    if (codec == nullptr) throw Exception("FFmpeg's AAC encoder is missing");
    m_encoder.reset(avcodec_alloc_context3(codec));
    if (!m_encoder) throw Exception("out of memory (audio encoder)");
    AVCodecContext& enc = *m_encoder;
    enc.sample_fmt = AV_SAMPLE_FMT_FLTP;
    enc.sample_rate = output_rate(*codec, decoder.sample_rate);
    av_channel_layout_uninit(&enc.ch_layout);
    av_channel_layout_default(&enc.ch_layout, decoder.ch_layout.nb_channels == 1 ? 1 : 2);
    enc.bit_rate = aac_bit_rate;
    enc.time_base = {1, enc.sample_rate};
    // Bit-exact: the encoder would otherwise write its library version into the stream.
    enc.flags |= AV_CODEC_FLAG_BITEXACT;
    if (global_header) enc.flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    enc.thread_count = 1;
    if (avcodec_open2(&enc, codec, nullptr) < 0) throw Exception("cannot open the AAC encoder");
    m_fifo.reset(av_audio_fifo_alloc(enc.sample_fmt, enc.ch_layout.nb_channels,
                                     std::max(enc.frame_size, 1024) * 4));
    if (!m_fifo) throw Exception("out of memory (audio encoder)");
}

AudioEncoder::~AudioEncoder() {
    av_channel_layout_uninit(&m_in_layout);
}

void AudioEncoder::configure(const AVFrame& frame) {
    AVChannelLayout in_layout{};
    if (frame.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || frame.ch_layout.nb_channels <= 0)
        av_channel_layout_default(&in_layout, std::max(1, frame.ch_layout.nb_channels));
    else if (av_channel_layout_copy(&in_layout, &frame.ch_layout) < 0)
        throw Exception("out of memory (audio resampler)");
    const int in_rate = frame.sample_rate > 0 ? frame.sample_rate : m_encoder->sample_rate;
    if (m_resampler && frame.format == m_in_format && in_rate == m_in_rate &&
        av_channel_layout_compare(&in_layout, &m_in_layout) == 0) {
        av_channel_layout_uninit(&in_layout);
        return;
    }
    SwrContext* swr = nullptr;
    const int made = swr_alloc_set_opts2(
        &swr, &m_encoder->ch_layout, m_encoder->sample_fmt, m_encoder->sample_rate, &in_layout,
        static_cast<AVSampleFormat>(frame.format), in_rate, 0, nullptr);
    SwrHandle resampler(swr);
    if (made < 0 || swr_init(swr) < 0) {
        av_channel_layout_uninit(&in_layout);
        throw Exception("cannot set up the audio resampler");
    }
    m_resampler = std::move(resampler);
    m_in_format = frame.format;
    m_in_rate = in_rate;
    av_channel_layout_uninit(&m_in_layout);
    m_in_layout = in_layout;
}

Status AudioEncoder::send(const AVFrame* frame, const PacketSink& sink) {
    if (avcodec_send_frame(m_encoder.get(), frame) < 0) throw Exception("the AAC encoder failed");
    while (true) {
        const int got = avcodec_receive_packet(m_encoder.get(), m_packet.get());
        if (got == AVERROR(EAGAIN) || got == AVERROR_EOF) return {};
        if (got < 0) throw Exception("the AAC encoder failed");
        const Status written = sink(*m_packet);
        av_packet_unref(m_packet.get());
        if (!written) return written;
    }
}

Status AudioEncoder::encode_from_fifo(int samples, const PacketSink& sink) {
    FrameHandle frame = make_frame();
    frame->nb_samples = samples;
    frame->format = m_encoder->sample_fmt;
    frame->sample_rate = m_encoder->sample_rate;
    if (av_channel_layout_copy(&frame->ch_layout, &m_encoder->ch_layout) < 0 ||
        av_frame_get_buffer(frame.get(), 0) < 0)
        throw Exception("out of memory (audio frame)");
    if (av_audio_fifo_read(m_fifo.get(), reinterpret_cast<void**>(frame->data), samples) != samples)
        throw Exception("audio buffer underrun");
    frame->pts = m_next_pts;
    m_next_pts += samples;
    return send(frame.get(), sink);
}

Status AudioEncoder::push(const AVFrame* frame, const PacketSink& sink) {
    const int frame_size = m_encoder->frame_size > 0 ? m_encoder->frame_size : 1024;
    if (frame != nullptr) {
        configure(*frame);
        if (m_next_pts == INT64_MIN)
            m_next_pts = av_rescale(frame->pts, m_encoder->sample_rate, m_in_rate);
        const int capacity = swr_get_out_samples(m_resampler.get(), frame->nb_samples);
        if (capacity < 0) throw Exception("audio resampler failed");
        std::vector<std::uint8_t*> planes(
            static_cast<std::size_t>(m_encoder->ch_layout.nb_channels));
        std::vector<std::vector<float>> buffers(
            planes.size(), std::vector<float>(static_cast<std::size_t>(capacity) + 16));
        for (std::size_t c = 0; c < planes.size(); ++c)
            planes[c] = reinterpret_cast<std::uint8_t*>(buffers[c].data());
        const int converted =
            swr_convert(m_resampler.get(), planes.data(), capacity + 16,
                        const_cast<const std::uint8_t**>(frame->extended_data), frame->nb_samples);
        if (converted < 0) throw Exception("audio resampler failed");
        if (converted > 0 &&
            av_audio_fifo_write(m_fifo.get(), reinterpret_cast<void**>(planes.data()), converted) <
                converted)
            throw Exception("out of memory (audio buffer)");
        while (av_audio_fifo_size(m_fifo.get()) >= frame_size)
            if (auto ok = encode_from_fifo(frame_size, sink); !ok) return ok;
        return {};
    }
    // End of the stream: what the resampler still holds, the last short frame, the encoder's
    // own delay.
    if (m_resampler) {
        std::vector<std::uint8_t*> planes(
            static_cast<std::size_t>(m_encoder->ch_layout.nb_channels));
        std::vector<std::vector<float>> buffers(planes.size(), std::vector<float>(4096));
        for (std::size_t c = 0; c < planes.size(); ++c)
            planes[c] = reinterpret_cast<std::uint8_t*>(buffers[c].data());
        int converted = 0;
        while ((converted = swr_convert(m_resampler.get(), planes.data(), 4096, nullptr, 0)) > 0)
            if (av_audio_fifo_write(m_fifo.get(), reinterpret_cast<void**>(planes.data()),
                                    converted) < converted)
                throw Exception("out of memory (audio buffer)");
    }
    while (av_audio_fifo_size(m_fifo.get()) > 0)
        if (auto ok =
                encode_from_fifo(std::min(frame_size, av_audio_fifo_size(m_fifo.get())), sink);
            !ok)
            return ok;
    if (m_next_pts == INT64_MIN) return {};  // no audio at all: nothing to flush
    return send(nullptr, sink);
}

}  // namespace sightline::video
