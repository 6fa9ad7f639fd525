#pragma once
// One RAII owner per FFmpeg handle used by this module, and the few helpers every file needs.
// Internal to video/: no other module includes libav* headers.

#include <memory>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavcodec/bsf.h>
#include <libavfilter/avfilter.h>
#include <libavformat/avformat.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/dict.h>
#include <libavutil/frame.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

namespace sightline::video {

struct InputFormatCloser {
    void operator()(AVFormatContext* ctx) const noexcept { avformat_close_input(&ctx); }
};
using InputFormatHandle = std::unique_ptr<AVFormatContext, InputFormatCloser>;

/// An output context owns its AVIOContext (opened by avio_open2): closed before the context.
struct OutputFormatCloser {
    void operator()(AVFormatContext* ctx) const noexcept {
        if (ctx->pb != nullptr && !(ctx->oformat->flags & AVFMT_NOFILE)) avio_closep(&ctx->pb);
        avformat_free_context(ctx);
    }
};
using OutputFormatHandle = std::unique_ptr<AVFormatContext, OutputFormatCloser>;

/// A custom AVIOContext: its buffer (av_malloc'd, possibly replaced by libav) is freed with it.
struct IoContextCloser {
    void operator()(AVIOContext* io) const noexcept {
        av_freep(&io->buffer);
        avio_context_free(&io);
    }
};
using IoContextHandle = std::unique_ptr<AVIOContext, IoContextCloser>;

struct CodecContextCloser {
    void operator()(AVCodecContext* ctx) const noexcept { avcodec_free_context(&ctx); }
};
using CodecContextHandle = std::unique_ptr<AVCodecContext, CodecContextCloser>;

struct FrameCloser {
    void operator()(AVFrame* frame) const noexcept { av_frame_free(&frame); }
};
using FrameHandle = std::unique_ptr<AVFrame, FrameCloser>;

struct PacketCloser {
    void operator()(AVPacket* packet) const noexcept { av_packet_free(&packet); }
};
using PacketHandle = std::unique_ptr<AVPacket, PacketCloser>;

struct SwsCloser {
    void operator()(SwsContext* ctx) const noexcept { sws_freeContext(ctx); }
};
using SwsHandle = std::unique_ptr<SwsContext, SwsCloser>;

struct SwrCloser {
    void operator()(SwrContext* ctx) const noexcept { swr_free(&ctx); }
};
using SwrHandle = std::unique_ptr<SwrContext, SwrCloser>;

struct FilterGraphCloser {
    void operator()(AVFilterGraph* graph) const noexcept { avfilter_graph_free(&graph); }
};
using FilterGraphHandle = std::unique_ptr<AVFilterGraph, FilterGraphCloser>;

struct AudioFifoCloser {
    void operator()(AVAudioFifo* fifo) const noexcept { av_audio_fifo_free(fifo); }
};
using AudioFifoHandle = std::unique_ptr<AVAudioFifo, AudioFifoCloser>;

struct BsfCloser {
    void operator()(AVBSFContext* ctx) const noexcept { av_bsf_free(&ctx); }
};
using BsfHandle = std::unique_ptr<AVBSFContext, BsfCloser>;

/// Options passed to libav (av_dict_*); freed with the object.
class Dictionary {
  public:
    Dictionary() = default;
    ~Dictionary() { av_dict_free(&m_dict); }
    Dictionary(const Dictionary&) = delete;
    Dictionary& operator=(const Dictionary&) = delete;

    void set(const char* key, const std::string& value) {
        av_dict_set(&m_dict, key, value.c_str(), 0);
    }
    /// For the libav calls that take (and may replace) an AVDictionary**.
    AVDictionary** get() noexcept { return &m_dict; }

  private:
    AVDictionary* m_dict = nullptr;
};

/// A new empty frame / packet. Throw sightline::Exception when out of memory.
FrameHandle make_frame();
PacketHandle make_packet();

/// libav writes nothing to stderr from this process: its messages can hold file names and
/// metadata values (docs/adr/006). Idempotent and thread-safe.
void silence_libav_log() noexcept;

/// Text of a libav error code, for debug logs only (never shown to a user).
std::string av_error_text(int code);

}  // namespace sightline::video
