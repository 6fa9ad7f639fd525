#include "video/video_output.hpp"

#include <fmt/core.h>

#include "video/audio_encoder.hpp"

extern "C" {
#include <libavutil/opt.h>
}

namespace sightline::video {
namespace {

constexpr const char* write_error = "writing the output file failed (disk full?)";

}  // namespace

VideoOutput::~VideoOutput() = default;

Result<std::unique_ptr<VideoOutput>> VideoOutput::open(const std::filesystem::path& path,
                                                       const InputInfo& video,
                                                       const AVCodecContext* audio_decoder,
                                                       const EncoderSettings& settings) {
    silence_libav_log();
    std::unique_ptr<VideoOutput> out(new VideoOutput());
    // "file:" so that no part of the name is read as another protocol.
    const std::string url = "file:" + path.string();
    AVFormatContext* ctx = nullptr;
    if (avformat_alloc_output_context2(&ctx, nullptr, "mp4", url.c_str()) < 0 || ctx == nullptr)
        throw Exception("cannot create the MP4 muxer");
    out->m_format.reset(ctx);
    ctx->flags |= AVFMT_FLAG_BITEXACT;
    const bool global_header = (ctx->oformat->flags & AVFMT_GLOBALHEADER) != 0;

    // Video: H.264 High, yuv420p, x264's constant quality.
    const AVCodec* x264 = avcodec_find_encoder_by_name("libx264");
    if (x264 == nullptr) throw Exception("FFmpeg was built without libx264");
    out->m_video.reset(avcodec_alloc_context3(x264));
    if (!out->m_video) throw Exception("out of memory (video encoder)");
    AVCodecContext& enc = *out->m_video;
    enc.width = video.width;
    enc.height = video.height;
    enc.pix_fmt = AV_PIX_FMT_YUV420P;
    enc.time_base = video.time_base;
    if (video.frame_rate.num > 0) enc.framerate = video.frame_rate;
    enc.sample_aspect_ratio = video.sample_aspect;
    enc.color_range = AVCOL_RANGE_MPEG;
    enc.color_primaries = video.color_primaries;
    enc.color_trc = video.color_trc;
    enc.colorspace = video.colorspace;
    enc.thread_count = settings.threads;
    enc.flags |= AV_CODEC_FLAG_BITEXACT;
    if (global_header) enc.flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    Dictionary x264_options;
    x264_options.set("preset", settings.preset);
    x264_options.set("crf", std::to_string(settings.crf));
    x264_options.set("profile", "high");
    if (avcodec_open2(&enc, x264, x264_options.get()) < 0)
        throw Exception("cannot open the H.264 encoder");
    if (video.frame_rate.num > 0)
        out->m_nominal_duration =
            std::max<std::int64_t>(1, av_rescale_q(1, av_inv_q(video.frame_rate), enc.time_base));

    // x264 writes its version and settings into an SEI message; SEI NAL units (type 6) go.
    const AVBitStreamFilter* filter_units = av_bsf_get_by_name("filter_units");
    AVBSFContext* bsf = nullptr;
    if (filter_units == nullptr || av_bsf_alloc(filter_units, &bsf) < 0)
        throw Exception("FFmpeg's filter_units bitstream filter is missing");
    out->m_strip_sei.reset(bsf);
    if (av_opt_set(bsf->priv_data, "remove_types", "6", 0) < 0 ||
        avcodec_parameters_from_context(bsf->par_in, &enc) < 0)
        throw Exception("cannot set up the SEI filter");
    bsf->time_base_in = enc.time_base;
    if (av_bsf_init(bsf) < 0) throw Exception("cannot set up the SEI filter");

    out->m_video_stream = avformat_new_stream(ctx, nullptr);
    if (out->m_video_stream == nullptr) throw Exception("out of memory (video stream)");
    if (avcodec_parameters_copy(out->m_video_stream->codecpar, bsf->par_out) < 0)
        throw Exception("out of memory (video stream)");
    out->m_video_stream->codecpar->codec_tag = 0;
    out->m_video_stream->time_base = enc.time_base;
    out->m_video_stream->sample_aspect_ratio = enc.sample_aspect_ratio;

    if (audio_decoder != nullptr) {
        out->m_audio = std::make_unique<AudioEncoder>(*audio_decoder, global_header);
        out->m_audio_stream = avformat_new_stream(ctx, nullptr);
        if (out->m_audio_stream == nullptr ||
            avcodec_parameters_from_context(out->m_audio_stream->codecpar,
                                            &out->m_audio->context()) < 0)
            throw Exception("out of memory (audio stream)");
        out->m_audio_stream->codecpar->codec_tag = 0;
        out->m_audio_stream->time_base = out->m_audio->context().time_base;
    }

    Dictionary io_options;
    io_options.set("protocol_whitelist", "file");
    if (avio_open2(&ctx->pb, url.c_str(), AVIO_FLAG_WRITE, nullptr, io_options.get()) < 0)
        return fail(Errc::invalid_argument, "the output file cannot be created");
    // +faststart: the index goes before the media data (a second pass at the end), so that the
    // file plays while it downloads. The rewrite reopens the file: only as a file.
    av_opt_set(ctx, "protocol_whitelist", "file", 0);
    Dictionary mux_options;
    mux_options.set("movflags", "+faststart");
    if (avformat_write_header(ctx, mux_options.get()) < 0)
        return std::unexpected(out->write_failed().error());
    return out;
}

Status VideoOutput::write_failed() const {
    if (m_format->pb != nullptr && m_format->pb->error < 0)
        return fail(Errc::invalid_argument, write_error);
    throw Exception("the MP4 muxer failed");
}

Status VideoOutput::mux(AVPacket& packet, AVStream* stream, AVRational from) {
    if (packet.duration <= 0 && stream == m_video_stream) packet.duration = m_nominal_duration;
    packet.stream_index = stream->index;
    av_packet_rescale_ts(&packet, from, stream->time_base);
    // Packets carry nothing but the coded media (the SEI filter and the encoders add no side
    // data we want; the muxer would write some kinds of it).
    av_packet_free_side_data(&packet);
    if (av_interleaved_write_frame(m_format.get(), &packet) < 0) return write_failed();
    return {};
}

Status VideoOutput::drain_video() {
    while (true) {
        const int got = avcodec_receive_packet(m_video.get(), m_packet.get());
        if (got == AVERROR(EAGAIN) || got == AVERROR_EOF) return {};
        if (got < 0) throw Exception("the H.264 encoder failed");
        if (av_bsf_send_packet(m_strip_sei.get(), m_packet.get()) < 0)
            throw Exception("the SEI filter failed");
        while (true) {
            const int filtered = av_bsf_receive_packet(m_strip_sei.get(), m_packet.get());
            if (filtered == AVERROR(EAGAIN) || filtered == AVERROR_EOF) break;
            if (filtered < 0) throw Exception("the SEI filter failed");
            const Status written = mux(*m_packet, m_video_stream, m_strip_sei->time_base_out);
            av_packet_unref(m_packet.get());
            if (!written) return written;
        }
    }
}

Status VideoOutput::write_video(AVFrame& frame) {
    // The decoder's picture types would make x264 copy the input's GOP structure.
    frame.pict_type = AV_PICTURE_TYPE_NONE;
    if (avcodec_send_frame(m_video.get(), &frame) < 0) throw Exception("the H.264 encoder failed");
    return drain_video();
}

Status VideoOutput::write_audio(const AVFrame& frame) {
    if (!m_audio) return {};
    return m_audio->push(&frame, [this](AVPacket& packet) {
        return mux(packet, m_audio_stream, m_audio->context().time_base);
    });
}

Status VideoOutput::finish() {
    if (avcodec_send_frame(m_video.get(), nullptr) < 0) throw Exception("the H.264 encoder failed");
    if (auto ok = drain_video(); !ok) return ok;
    if (av_bsf_send_packet(m_strip_sei.get(), nullptr) < 0)
        throw Exception("the SEI filter failed");
    while (true) {
        const int filtered = av_bsf_receive_packet(m_strip_sei.get(), m_packet.get());
        if (filtered == AVERROR(EAGAIN) || filtered == AVERROR_EOF) break;
        if (filtered < 0) throw Exception("the SEI filter failed");
        const Status written = mux(*m_packet, m_video_stream, m_strip_sei->time_base_out);
        av_packet_unref(m_packet.get());
        if (!written) return written;
    }
    if (m_audio) {
        auto ok = m_audio->push(nullptr, [this](AVPacket& packet) {
            return mux(packet, m_audio_stream, m_audio->context().time_base);
        });
        if (!ok) return ok;
    }
    if (av_write_trailer(m_format.get()) < 0) return write_failed();
    if (avio_closep(&m_format->pb) < 0) return fail(Errc::invalid_argument, write_error);
    return {};
}

}  // namespace sightline::video
