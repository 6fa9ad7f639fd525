#include "video/upright_filter.hpp"

#include <cmath>

#include <fmt/core.h>

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/display.h>
#include <libavutil/pixdesc.h>
}

namespace sightline::video {
namespace {

struct FilterInOutCloser {
    void operator()(AVFilterInOut* io) const noexcept { avfilter_inout_free(&io); }
};
using FilterInOutHandle = std::unique_ptr<AVFilterInOut, FilterInOutCloser>;

}  // namespace

// The same decisions as ffmpeg's autorotate (fftools/ffmpeg_filter.c, FFmpeg 6.0, which also
// handles mirrored matrices): theta is the clockwise display rotation.
Orientation orientation_from(const std::int32_t* matrix) {
    Orientation out;
    if (matrix == nullptr) return out;
    double theta = -av_display_rotation_get(matrix);
    if (!std::isfinite(theta)) return out;
    theta = std::round(theta);
    theta -= 360 * std::floor(theta / 360 + 0.9 / 360);
    // Odd angles do not occur in camera files; the nearest right angle keeps faces upright
    // enough for the detector without a rotate filter's black corners.
    const int right = static_cast<int>(std::lround(theta / 90)) % 4 * 90;
    out.rotation_deg = right;
    switch (right) {
        case 90:
            out.filters = matrix[3] > 0 ? "transpose=cclock_flip" : "transpose=clock";
            break;
        case 180:
            if (matrix[0] < 0) out.filters = "hflip";
            if (matrix[4] < 0) out.filters += out.filters.empty() ? "vflip" : ",vflip";
            break;
        case 270:
            out.filters = matrix[3] < 0 ? "transpose=clock_flip" : "transpose=cclock";
            break;
        default:
            if (matrix[4] < 0) out.filters = "vflip";
            break;
    }
    return out;
}

UprightFilter::UprightFilter(Orientation orientation, int width, int height, AVRational time_base)
    : m_orientation(std::move(orientation)),
      m_width(width),
      m_height(height),
      m_time_base(time_base) {}

Status UprightFilter::build(const Key& key) {
    if (key.format < 0 || key.width <= 0 || key.height <= 0 ||
        !sws_isSupportedInput(static_cast<AVPixelFormat>(key.format)))
        return fail(Errc::unprocessable, "the video's picture format is not supported");
    FilterGraphHandle graph(avfilter_graph_alloc());
    if (!graph) throw Exception("out of memory (video filter graph)");
    // The decoder and the encoder have the cores; this graph does one cheap pass per frame.
    graph->nb_threads = 1;

    const AVRational sar = key.sar.num > 0 ? key.sar : AVRational{1, 1};
    const auto source_args =
        fmt::format("video_size={}x{}:pix_fmt={}:time_base={}/{}:pixel_aspect={}/{}", key.width,
                    key.height, av_get_pix_fmt_name(static_cast<AVPixelFormat>(key.format)),
                    m_time_base.num, m_time_base.den, sar.num, sar.den);
    AVFilterContext* source = nullptr;
    AVFilterContext* sink = nullptr;
    if (avfilter_graph_create_filter(&source, avfilter_get_by_name("buffer"), "in",
                                     source_args.c_str(), nullptr, graph.get()) < 0 ||
        avfilter_graph_create_filter(&sink, avfilter_get_by_name("buffersink"), "out", nullptr,
                                     nullptr, graph.get()) < 0)
        throw Exception("cannot create the video filter graph");

    // Full-range input (yuvj*, or flagged in the stream) is converted to the limited range that
    // the encoder is told about; otherwise the scale filter passes frames of the right size and
    // format through without a copy.
    std::string chain = m_orientation.filters;
    if (!chain.empty()) chain += ",";
    chain += fmt::format("scale=w={}:h={}:flags=bicubic", m_width, m_height);
    if (key.range == AVCOL_RANGE_JPEG) chain += ":in_range=full:out_range=limited";
    chain += ",format=yuv420p";

    FilterInOutHandle outputs(avfilter_inout_alloc());
    FilterInOutHandle inputs(avfilter_inout_alloc());
    if (!outputs || !inputs) throw Exception("out of memory (video filter graph)");
    outputs->name = av_strdup("in");
    outputs->filter_ctx = source;
    outputs->pad_idx = 0;
    outputs->next = nullptr;
    inputs->name = av_strdup("out");
    inputs->filter_ctx = sink;
    inputs->pad_idx = 0;
    inputs->next = nullptr;
    AVFilterInOut* in_ptr = inputs.release();
    AVFilterInOut* out_ptr = outputs.release();
    const int parsed =
        avfilter_graph_parse_ptr(graph.get(), chain.c_str(), &in_ptr, &out_ptr, nullptr);
    FilterInOutHandle left_in(in_ptr);
    FilterInOutHandle left_out(out_ptr);
    if (parsed < 0 || avfilter_graph_config(graph.get(), nullptr) < 0)
        return fail(Errc::unprocessable, "the video's picture format is not supported");
    m_graph = std::move(graph);
    m_source = source;
    m_sink = sink;
    m_key = key;
    return {};
}

void UprightFilter::drain(std::vector<FrameHandle>& out) {
    while (true) {
        FrameHandle frame = make_frame();
        const int got = av_buffersink_get_frame(m_sink, frame.get());
        if (got == AVERROR(EAGAIN) || got == AVERROR_EOF) return;
        if (got < 0) throw Exception("video filter failed: " + av_error_text(got));
        out.push_back(std::move(frame));
    }
}

Status UprightFilter::push(const AVFrame* frame, std::vector<FrameHandle>& out) {
    if (frame == nullptr) {
        if (!m_graph) return {};
        if (av_buffersrc_add_frame_flags(m_source, nullptr, 0) < 0)
            throw Exception("video filter failed at the end of the stream");
        drain(out);
        return {};
    }
    const Key key{frame->width, frame->height, frame->format,
                  frame->color_range == AVCOL_RANGE_JPEG || frame->format == AV_PIX_FMT_YUVJ420P ||
                          frame->format == AV_PIX_FMT_YUVJ422P ||
                          frame->format == AV_PIX_FMT_YUVJ444P
                      ? AVCOL_RANGE_JPEG
                      : AVCOL_RANGE_MPEG,
                  frame->sample_aspect_ratio};
    if (!m_graph || !(key == m_key)) {
        if (m_graph) {
            // Frames already inside the old graph come out before it goes.
            if (av_buffersrc_add_frame_flags(m_source, nullptr, 0) >= 0) drain(out);
        }
        m_graph.reset();
        if (auto built = build(key); !built) return built;
    }
    // KEEP_REF: the caller keeps its frame; the filters take their own reference.
    const int sent = av_buffersrc_add_frame_flags(m_source, const_cast<AVFrame*>(frame),
                                                  AV_BUFFERSRC_FLAG_KEEP_REF);
    if (sent < 0) throw Exception("video filter failed: " + av_error_text(sent));
    drain(out);
    return {};
}

}  // namespace sightline::video
