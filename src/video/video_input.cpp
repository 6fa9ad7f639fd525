#include "video/video_input.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>

#include <fmt/core.h>

#include "video/removed_kinds.hpp"
#include "video/upright_filter.hpp"

extern "C" {
#include <libavutil/avutil.h>
#include <libavutil/pixdesc.h>
}

namespace sightline::video {

namespace messages {
std::string too_long(double max_duration_s) {
    if (max_duration_s >= 120 && std::fmod(max_duration_s, 60) == 0)
        return fmt::format("the video is longer than {} minutes", max_duration_s / 60);
    return fmt::format("the video is longer than {:g} second{}", max_duration_s,
                       max_duration_s == 1 ? "" : "s");
}
std::string too_many_pixels(std::int64_t max_pixels) {
    if (max_pixels == 3840LL * 2160) return "the video's frames are larger than 3840x2160 pixels";
    return fmt::format("the video's frames are larger than {:.1f} megapixels",
                       static_cast<double>(max_pixels) / 1e6);
}
std::string too_big(std::uintmax_t max_bytes) {
    return fmt::format("the file is larger than {} MB", max_bytes / (1024 * 1024));
}
}  // namespace messages

namespace {

// Containers (demuxer names) and codecs this module reads. Everything else is refused before a
// decoder sees a byte: FFmpeg's less used demuxers and decoders are where its bugs are, and
// playlists (HLS, concat) would read other files.
constexpr const char* format_whitelist = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm";
constexpr std::array video_codecs = {AV_CODEC_ID_H264, AV_CODEC_ID_HEVC, AV_CODEC_ID_VP8,
                                     AV_CODEC_ID_VP9,  AV_CODEC_ID_AV1,  AV_CODEC_ID_MPEG4};
constexpr std::array audio_codecs = {
    AV_CODEC_ID_AAC,       AV_CODEC_ID_MP3,       AV_CODEC_ID_MP2,       AV_CODEC_ID_OPUS,
    AV_CODEC_ID_VORBIS,    AV_CODEC_ID_AC3,       AV_CODEC_ID_EAC3,      AV_CODEC_ID_ALAC,
    AV_CODEC_ID_FLAC,      AV_CODEC_ID_AMR_NB,    AV_CODEC_ID_AMR_WB,    AV_CODEC_ID_PCM_S16LE,
    AV_CODEC_ID_PCM_S16BE, AV_CODEC_ID_PCM_S24LE, AV_CODEC_ID_PCM_S24BE, AV_CODEC_ID_PCM_S32LE,
    AV_CODEC_ID_PCM_F32LE, AV_CODEC_ID_PCM_U8};

template <std::size_t N>
bool listed(const std::array<AVCodecID, N>& list, AVCodecID id) {
    return std::ranges::find(list, id) != list.end();
}

// FFmpeg 5.1 lists its own AV1 decoder (hardware only) before libdav1d.
const AVCodec* find_decoder(AVCodecID id) {
    if (id == AV_CODEC_ID_AV1)
        if (const AVCodec* dav1d = avcodec_find_decoder_by_name("libdav1d")) return dav1d;
    return avcodec_find_decoder(id);
}

// The decoder names for avformat_find_stream_info's codec_whitelist.
std::string codec_whitelist() {
    std::string names;
    auto add = [&](AVCodecID id) {
        const AVCodec* codec = find_decoder(id);
        if (codec == nullptr) return;
        if (!names.empty()) names.push_back(',');
        names.append(codec->name);
    };
    for (AVCodecID id : video_codecs)
        add(id);
    for (AVCodecID id : audio_codecs)
        add(id);
    return names;
}

int refuse_nested_open(AVFormatContext*, AVIOContext**, const char*, int, AVDictionary**) {
    // A reference to another file (QuickTime data references, playlists): never followed.
    return AVERROR(EPERM);
}

double seconds(std::int64_t ts, AVRational tb) {
    return static_cast<double>(ts) * av_q2d(tb);
}

// The decoder asks for frame memory here before it decodes a frame of a new size: a stream that
// claims a small size in its header and a huge one later is stopped before the allocation.
struct DecodeGuard {
    std::int64_t max_pixels = 0;
    std::atomic<bool> oversized{false};
};

int guarded_get_buffer(AVCodecContext* ctx, AVFrame* frame, int flags) {
    auto* guard = static_cast<DecodeGuard*>(ctx->opaque);
    if (static_cast<std::int64_t>(ctx->width) * ctx->height > guard->max_pixels ||
        static_cast<std::int64_t>(frame->width) * frame->height > 2 * guard->max_pixels) {
        guard->oversized = true;
        return AVERROR(EINVAL);
    }
    return avcodec_default_get_buffer2(ctx, frame, flags);
}

// Nothing the input's frames carry besides pixels and samples reaches the encoders: side data
// (SEI user data, closed captions, display matrices) and frame metadata are dropped here.
void strip_extras(AVFrame& frame) {
    while (frame.nb_side_data > 0)
        av_frame_remove_side_data(&frame, frame.side_data[0]->type);
    av_dict_free(&frame.metadata);
}

// An EBML variable-length integer at `at` (RFC 8794 4.4); false if it does not fit.
bool read_vint(std::string_view bytes, std::size_t& at, std::uint64_t& value, bool& unknown,
               bool keep_marker) {
    if (at >= bytes.size()) return false;
    const auto first = static_cast<unsigned char>(bytes[at]);
    int length = 1;
    while (length <= 8 && !(first & (0x80 >> (length - 1))))
        ++length;
    if (length > 8 || at + static_cast<std::size_t>(length) > bytes.size()) return false;
    value = keep_marker ? first : first & (0xFF >> length);
    bool all_ones = value == (0xFFu >> length);
    for (int i = 1; i < length; ++i) {
        const auto byte = static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
        value = value << 8 | byte;
        all_ones = all_ones && byte == 0xFF;
    }
    unknown = all_ones;
    at += static_cast<std::size_t>(length);
    return true;
}

// A Matroska file cut short: its Segment says how long it is (unless it was written live), and
// the file is shorter. The demuxer itself only sees an early end of file.
bool matroska_cut_short(int fd, std::int64_t file_size) {
    char buffer[256] = {};
    const ssize_t got = ::pread(fd, buffer, sizeof buffer, 0);
    if (got <= 0) return false;
    const std::string_view bytes(buffer, static_cast<std::size_t>(got));
    std::size_t at = 0;
    std::uint64_t id = 0;
    std::uint64_t size = 0;
    bool unknown = false;
    if (!read_vint(bytes, at, id, unknown, true) || id != 0x1A45DFA3) return false;
    if (!read_vint(bytes, at, size, unknown, false) || unknown || size > bytes.size()) return false;
    at += size;
    if (!read_vint(bytes, at, id, unknown, true) || id != 0x18538067) return false;
    if (!read_vint(bytes, at, size, unknown, false) || unknown) return false;
    return size > static_cast<std::uint64_t>(file_size) ||
           at + size > static_cast<std::uint64_t>(file_size);
}

}  // namespace

struct VideoInput::Impl {
    // Declared before `format` so that the format context is closed first.
    FileDescriptor fd;
    std::int64_t file_size = 0;
    std::int64_t position = 0;
    bool io_failed = false;
    IoContextHandle io;
    InputFormatHandle format;

    InputOptions options;
    InputInfo info;
    int video_index = -1;
    int audio_index = -1;
    AVStream* video_stream = nullptr;
    AVStream* audio_stream = nullptr;
    DecodeGuard guard;
    CodecContextHandle video_decoder;
    CodecContextHandle audio_decoder;
    std::unique_ptr<UprightFilter> filter;

    PacketHandle packet = make_packet();
    FrameHandle decoded = make_frame();
    std::vector<FrameHandle> filtered;
    std::deque<std::pair<Got, FrameHandle>> ready;

    std::int64_t zero_us = 0;  // the start of the file: timestamps are counted from here
    std::int64_t last_video_pts = std::numeric_limits<std::int64_t>::min();
    std::int64_t video_frames = 0;
    std::int64_t video_packets = 0;
    std::int64_t video_errors = 0;
    std::int64_t audio_next_pts = std::numeric_limits<std::int64_t>::min();
    bool eof = false;
    bool done = false;

    static int read(void* opaque, std::uint8_t* buffer, int size);
    static std::int64_t seek(void* opaque, std::int64_t offset, int whence);

    Status open_container();
    Status check_header() const;
    Status choose_streams(RemovedKinds& removed);
    Status open_video_decoder();
    void open_audio_decoder(RemovedKinds& removed);
    void fill_info(const Orientation& orientation);
    Status check_truncation() const;

    Status read_more();
    Status decode_video(const AVPacket* packet);
    Status take_video_frame(AVFrame& frame);
    Status decode_audio(const AVPacket* packet);
    Status take_audio_frame(FrameHandle frame);
    Status decode_error();
};

int VideoInput::Impl::read(void* opaque, std::uint8_t* buffer, int size) {
    auto* self = static_cast<Impl*>(opaque);
    while (true) {
        const ssize_t got =
            ::pread(self->fd.get(), buffer, static_cast<std::size_t>(size), self->position);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            self->io_failed = true;
            return AVERROR(EIO);
        }
        if (got == 0) return AVERROR_EOF;
        self->position += got;
        return static_cast<int>(got);
    }
}

std::int64_t VideoInput::Impl::seek(void* opaque, std::int64_t offset, int whence) {
    auto* self = static_cast<Impl*>(opaque);
    whence &= ~AVSEEK_FORCE;
    std::int64_t target = 0;
    switch (whence) {
        case AVSEEK_SIZE:
            return self->file_size;
        case SEEK_SET:
            target = offset;
            break;
        case SEEK_CUR:
            target = self->position + offset;
            break;
        case SEEK_END:
            target = self->file_size + offset;
            break;
        default:
            return AVERROR(EINVAL);
    }
    if (target < 0) return AVERROR(EINVAL);
    self->position = target;
    return target;
}

Status VideoInput::Impl::open_container() {
    constexpr int buffer_size = 64 * 1024;
    auto* buffer = static_cast<std::uint8_t*>(av_malloc(buffer_size));
    if (buffer == nullptr) throw Exception("out of memory (video input)");
    io.reset(avio_alloc_context(buffer, buffer_size, 0, this, &Impl::read, nullptr, &Impl::seek));
    if (!io) {
        av_free(buffer);
        throw Exception("out of memory (video input)");
    }
    AVFormatContext* ctx = avformat_alloc_context();
    if (ctx == nullptr) throw Exception("out of memory (video input)");
    ctx->pb = io.get();
    ctx->flags |= AVFMT_FLAG_CUSTOM_IO;
    ctx->io_open = &refuse_nested_open;

    Dictionary settings;
    settings.set("format_whitelist", format_whitelist);
    settings.set("protocol_whitelist", "file");
    settings.set("codec_whitelist", codec_whitelist());
    settings.set("max_streams", "100");
    if (avformat_open_input(&ctx, "", nullptr, settings.get()) < 0) {
        // ctx is freed by avformat_open_input; the leading bytes were a video container's.
        return fail(io_failed ? Errc::invalid_argument : Errc::unprocessable,
                    io_failed ? "the file cannot be read" : messages::corrupt);
    }
    format.reset(ctx);
    return {};
}

Status VideoInput::Impl::check_header() const {
    const VideoLimits& limits = options.limits;
    if (format->duration != AV_NOPTS_VALUE && format->duration > 0 &&
        static_cast<double>(format->duration) / AV_TIME_BASE > limits.max_duration_s)
        return fail(Errc::too_large, messages::too_long(limits.max_duration_s));
    if (video_stream != nullptr) {
        const AVCodecParameters* par = video_stream->codecpar;
        if (static_cast<std::int64_t>(par->width) * par->height > limits.max_pixels)
            return fail(Errc::too_large, messages::too_many_pixels(limits.max_pixels));
        if (video_stream->duration != AV_NOPTS_VALUE && video_stream->duration > 0 &&
            seconds(video_stream->duration, video_stream->time_base) > limits.max_duration_s)
            return fail(Errc::too_large, messages::too_long(limits.max_duration_s));
    }
    return {};
}

Status VideoInput::Impl::choose_streams(RemovedKinds& removed) {
    for (unsigned i = 0; i < format->nb_streams; ++i) {
        AVStream* st = format->streams[i];
        const AVCodecParameters* par = st->codecpar;
        bool keep = false;
        switch (par->codec_type) {
            case AVMEDIA_TYPE_VIDEO:
                if (st->disposition & AV_DISPOSITION_ATTACHED_PIC) {
                    removed.add(Removed::attachment);  // cover art
                } else if (video_index < 0) {
                    video_index = static_cast<int>(i);
                    keep = true;
                } else {
                    removed.add(Removed::extra_video_stream);
                }
                break;
            case AVMEDIA_TYPE_AUDIO:
                if (audio_index < 0) {
                    audio_index = static_cast<int>(i);
                    keep = options.decode_audio;
                    if (!keep) removed.add(Removed::audio);
                } else {
                    removed.add(Removed::extra_audio_stream);
                }
                break;
            case AVMEDIA_TYPE_SUBTITLE:
                removed.add(Removed::subtitle_stream);
                break;
            case AVMEDIA_TYPE_ATTACHMENT:
                removed.add(Removed::attachment);
                break;
            default:
                removed.add(par->codec_tag == MKTAG('t', 'm', 'c', 'd') ? Removed::timecode_stream
                                                                        : Removed::data_stream);
                break;
        }
        // The file names and MIME types of attachments are part of "attachment".
        if (par->codec_type != AVMEDIA_TYPE_ATTACHMENT) {
            const AVDictionaryEntry* entry = nullptr;
            while ((entry = av_dict_get(st->metadata, "", entry, AV_DICT_IGNORE_SUFFIX)))
                removed.add_metadata(entry->key, entry->value);
        }
        if (!keep) st->discard = AVDISCARD_ALL;
    }
    const AVDictionaryEntry* entry = nullptr;
    while ((entry = av_dict_get(format->metadata, "", entry, AV_DICT_IGNORE_SUFFIX)))
        removed.add_metadata(entry->key, entry->value);
    if (format->nb_chapters > 0) removed.add(Removed::chapters);
    if (video_index < 0) return fail(Errc::unsupported_media_type, messages::no_video_stream);
    video_stream = format->streams[video_index];
    if (!listed(video_codecs, video_stream->codecpar->codec_id))
        return fail(Errc::unsupported_media_type, messages::codec);
    if (audio_index >= 0 && options.decode_audio) audio_stream = format->streams[audio_index];
    return {};
}

Status VideoInput::Impl::open_video_decoder() {
    const AVCodec* codec = find_decoder(video_stream->codecpar->codec_id);
    if (codec == nullptr) return fail(Errc::unsupported_media_type, messages::codec);
    video_decoder.reset(avcodec_alloc_context3(codec));
    if (!video_decoder) throw Exception("out of memory (video decoder)");
    if (avcodec_parameters_to_context(video_decoder.get(), video_stream->codecpar) < 0)
        return fail(Errc::unprocessable, messages::corrupt);
    AVCodecContext* dec = video_decoder.get();
    dec->pkt_timebase = video_stream->time_base;
    dec->thread_count = options.threads;
    dec->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
    guard.max_pixels = options.limits.max_pixels;
    dec->opaque = &guard;
    dec->get_buffer2 = &guarded_get_buffer;
    if (avcodec_open2(dec, codec, nullptr) < 0) return fail(Errc::unprocessable, messages::corrupt);
    return {};
}

void VideoInput::Impl::open_audio_decoder(RemovedKinds& removed) {
    if (audio_stream == nullptr) return;
    const AVCodecParameters* par = audio_stream->codecpar;
    const AVCodec* codec =
        listed(audio_codecs, par->codec_id) ? find_decoder(par->codec_id) : nullptr;
    CodecContextHandle dec(codec != nullptr ? avcodec_alloc_context3(codec) : nullptr);
    if (dec && avcodec_parameters_to_context(dec.get(), par) >= 0) {
        dec->pkt_timebase = audio_stream->time_base;
        dec->thread_count = 1;
        if (avcodec_open2(dec.get(), codec, nullptr) >= 0 && dec->sample_rate > 0 &&
            dec->ch_layout.nb_channels > 0) {
            audio_decoder = std::move(dec);
            return;
        }
    }
    // An audio codec this module does not read: the video is still scrubbed, without sound.
    removed.add(Removed::audio);
    audio_stream->discard = AVDISCARD_ALL;
    audio_stream = nullptr;
}

void VideoInput::Impl::fill_info(const Orientation& orientation) {
    const AVCodecParameters* par = video_stream->codecpar;
    int width = par->width;
    int height = par->height;
    AVRational sar = av_guess_sample_aspect_ratio(format.get(), video_stream, nullptr);
    if (sar.num <= 0 || sar.den <= 0) sar = {1, 1};
    if (orientation.swaps_sides()) {
        std::swap(width, height);
        sar = av_inv_q(sar);
    }
    // x264 encodes 4:2:0 only at even sizes.
    info.width = std::max(2, width & ~1);
    info.height = std::max(2, height & ~1);
    info.sample_aspect = sar;
    info.time_base = video_stream->time_base;
    info.frame_rate = av_guess_frame_rate(format.get(), video_stream, nullptr);
    if (video_stream->duration != AV_NOPTS_VALUE && video_stream->duration > 0)
        info.duration_s = seconds(video_stream->duration, video_stream->time_base);
    else if (format->duration != AV_NOPTS_VALUE && format->duration > 0)
        info.duration_s = static_cast<double>(format->duration) / AV_TIME_BASE;
    if (video_stream->nb_frames > 0)
        info.expected_frames = video_stream->nb_frames;
    else if (info.frame_rate.num > 0 && info.duration_s > 0)
        info.expected_frames = std::llround(info.duration_s * av_q2d(info.frame_rate));
    info.color_primaries = par->color_primaries;
    info.color_trc = par->color_trc;
    info.colorspace = par->color_space;
    info.has_audio = audio_decoder != nullptr;

    // Timestamps are counted from the earliest start of the two streams kept.
    std::int64_t zero = std::numeric_limits<std::int64_t>::max();
    for (const AVStream* st : {video_stream, audio_stream})
        if (st != nullptr && st->start_time != AV_NOPTS_VALUE)
            zero = std::min(zero, av_rescale_q(st->start_time, st->time_base, AV_TIME_BASE_Q));
    zero_us = zero == std::numeric_limits<std::int64_t>::max() ? 0 : zero;
}

// A file cut short still has the index of its header (an MP4 with its moov box first, a
// Matroska file's cues): samples it places beyond the end of the file are missing. A Matroska
// file also says how long its Segment is.
Status VideoInput::Impl::check_truncation() const {
    if (matroska_cut_short(fd.get(), file_size))
        return fail(Errc::unprocessable, messages::corrupt);
    for (const AVStream* st : {video_stream, audio_stream}) {
        if (st == nullptr) continue;
        auto* stream = const_cast<AVStream*>(st);
        const int entries = avformat_index_get_entries_count(stream);
        for (int i = entries - 1; i >= 0 && i >= entries - 64; --i) {
            const AVIndexEntry* entry = avformat_index_get_entry(stream, i);
            if (entry != nullptr && entry->pos + entry->size > file_size)
                return fail(Errc::unprocessable, messages::corrupt);
        }
    }
    return {};
}

Result<VideoInput> VideoInput::open(const std::filesystem::path& path,
                                    const InputOptions& options) {
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid())
        return fail(Errc::invalid_argument,
                    fmt::format("the file cannot be opened ({})", std::strerror(errno)));
    return open(std::move(fd), options);
}

Result<VideoInput> VideoInput::open(FileDescriptor fd, const InputOptions& options) {
    silence_libav_log();
    auto impl = std::make_unique<Impl>();
    impl->fd = std::move(fd);
    impl->options = options;
    struct stat st {};
    if (::fstat(impl->fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
        return fail(Errc::invalid_argument, "not a regular file");
    impl->file_size = st.st_size;
    if (st.st_size == 0) return fail(Errc::unsupported_media_type, "the file is empty");
    if (static_cast<std::uintmax_t>(st.st_size) > options.limits.max_bytes)
        return fail(Errc::too_large, messages::too_big(options.limits.max_bytes));
    char leading[16] = {};
    const ssize_t got = ::pread(impl->fd.get(), leading, sizeof leading, 0);
    if (got < 0) return fail(Errc::invalid_argument, "the file cannot be read");
    if (!looks_like_video(std::string_view(leading, static_cast<std::size_t>(got))))
        return fail(Errc::unsupported_media_type, messages::not_a_video);

    if (auto ok = impl->open_container(); !ok) return std::unexpected(ok.error());
    RemovedKinds removed;
    if (auto ok = impl->choose_streams(removed); !ok) return std::unexpected(ok.error());
    if (auto ok = impl->check_header(); !ok) return std::unexpected(ok.error());

    // Probing decodes a few frames: under the same pixel limit, one thread each, and only the
    // streams that are kept (the others are discarded above).
    std::vector<AVDictionary*> probe_options(impl->format->nb_streams, nullptr);
    for (auto& dict : probe_options) {
        av_dict_set_int(&dict, "max_pixels", options.limits.max_pixels, 0);
        av_dict_set(&dict, "threads", "1", 0);
    }
    const int probed = avformat_find_stream_info(impl->format.get(), probe_options.data());
    for (auto& dict : probe_options)
        av_dict_free(&dict);
    if (probed < 0) return fail(Errc::unprocessable, messages::corrupt);
    if (auto ok = impl->check_header(); !ok) return std::unexpected(ok.error());
    if (impl->video_stream->codecpar->width <= 0 || impl->video_stream->codecpar->height <= 0)
        return fail(Errc::unprocessable, messages::corrupt);
    if (auto ok = impl->check_truncation(); !ok) return std::unexpected(ok.error());

    if (auto ok = impl->open_video_decoder(); !ok) return std::unexpected(ok.error());
    impl->open_audio_decoder(removed);

    std::size_t matrix_size = 0;
    const auto* matrix = reinterpret_cast<const std::int32_t*>(
        av_stream_get_side_data(impl->video_stream, AV_PKT_DATA_DISPLAYMATRIX, &matrix_size));
    const Orientation orientation =
        orientation_from(matrix_size >= 9 * sizeof(std::int32_t) ? matrix : nullptr);
    if (orientation.changes_pixels()) removed.add(Removed::rotation);
    impl->fill_info(orientation);
    impl->info.removed = removed.labels();
    impl->filter = std::make_unique<UprightFilter>(orientation, impl->info.width, impl->info.height,
                                                   impl->info.time_base);
    return VideoInput(std::move(impl));
}

VideoInput::VideoInput(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
VideoInput::VideoInput(VideoInput&&) noexcept = default;
VideoInput& VideoInput::operator=(VideoInput&&) noexcept = default;
VideoInput::~VideoInput() = default;

const InputInfo& VideoInput::info() const noexcept {
    return m_impl->info;
}

const AVCodecContext* VideoInput::audio_decoder() const noexcept {
    return m_impl->audio_decoder.get();
}

// Decoders conceal damage and go on; a stream where much of it fails is corrupt, not damaged.
Status VideoInput::Impl::decode_error() {
    if (guard.oversized)
        return fail(Errc::too_large, messages::too_many_pixels(options.limits.max_pixels));
    ++video_errors;
    if (video_errors > 16 && video_errors * 4 > video_packets)
        return fail(Errc::unprocessable, messages::corrupt);
    return {};
}

Status VideoInput::Impl::take_video_frame(AVFrame& frame) {
    const VideoLimits& limits = options.limits;
    if (static_cast<std::int64_t>(frame.width) * frame.height > limits.max_pixels)
        return fail(Errc::too_large, messages::too_many_pixels(limits.max_pixels));
    const AVRational tb = video_stream->time_base;
    std::int64_t pts = frame.best_effort_timestamp;
    if (pts == AV_NOPTS_VALUE) pts = frame.pts;
    if (pts != AV_NOPTS_VALUE) {
        pts -= av_rescale_q(zero_us, AV_TIME_BASE_Q, tb);
    } else {
        // No timestamp: one nominal frame after the previous one.
        const AVRational rate = info.frame_rate.num > 0 ? info.frame_rate : AVRational{25, 1};
        pts = last_video_pts == std::numeric_limits<std::int64_t>::min()
                  ? 0
                  : last_video_pts + std::max<std::int64_t>(1, av_rescale_q(1, av_inv_q(rate), tb));
    }
    if (last_video_pts == std::numeric_limits<std::int64_t>::min())
        pts = std::max<std::int64_t>(pts, 0);
    else if (pts <= last_video_pts)
        pts = last_video_pts + 1;  // encoders and muxers need increasing timestamps
    last_video_pts = pts;
    if (seconds(pts, tb) > limits.max_duration_s)
        return fail(Errc::too_large, messages::too_long(limits.max_duration_s));
    // A stream can also be long in frames with tiny timestamp steps: 240 a second at most.
    if (++video_frames > static_cast<std::int64_t>(limits.max_duration_s * 240) + 16)
        return fail(Errc::too_large, messages::too_long(limits.max_duration_s));
    frame.pts = pts;
    filtered.clear();
    if (auto ok = filter->push(&frame, filtered); !ok) return ok;
    for (FrameHandle& out : filtered) {
        strip_extras(*out);
        ready.emplace_back(Got::video, std::move(out));
    }
    return {};
}

Status VideoInput::Impl::decode_video(const AVPacket* pkt) {
    AVCodecContext* dec = video_decoder.get();
    if (pkt != nullptr) ++video_packets;
    int sent = avcodec_send_packet(dec, pkt);
    bool resent = false;
    while (true) {
        const int got = avcodec_receive_frame(dec, decoded.get());
        if (got == AVERROR(EAGAIN) || got == AVERROR_EOF) {
            if (sent == AVERROR(EAGAIN) && !resent) {  // the decoder was full: it has room now
                resent = true;
                sent = avcodec_send_packet(dec, pkt);
                continue;
            }
            break;
        }
        if (got < 0) {
            if (auto ok = decode_error(); !ok) return ok;
            continue;
        }
        const Status taken = take_video_frame(*decoded);
        av_frame_unref(decoded.get());
        if (!taken) return taken;
    }
    if (sent < 0 && sent != AVERROR_EOF && sent != AVERROR(EAGAIN))
        if (auto ok = decode_error(); !ok) return ok;
    if (pkt == nullptr) {
        filtered.clear();
        if (auto ok = filter->push(nullptr, filtered); !ok) return ok;
        for (FrameHandle& out : filtered) {
            strip_extras(*out);
            ready.emplace_back(Got::video, std::move(out));
        }
    }
    return {};
}

Status VideoInput::Impl::take_audio_frame(FrameHandle frame) {
    const int rate = audio_decoder->sample_rate;
    const int frame_rate = frame->sample_rate > 0 ? frame->sample_rate : rate;
    std::int64_t pts = frame->best_effort_timestamp;
    if (pts != AV_NOPTS_VALUE) {
        pts = av_rescale_q(pts, audio_stream->time_base, AVRational{1, frame_rate}) -
              av_rescale_q(zero_us, AV_TIME_BASE_Q, AVRational{1, frame_rate});
    } else {
        pts = audio_next_pts == std::numeric_limits<std::int64_t>::min() ? 0 : audio_next_pts;
    }
    audio_next_pts = pts + frame->nb_samples;
    if (static_cast<double>(pts) / frame_rate > options.limits.max_duration_s)
        return fail(Errc::too_large, messages::too_long(options.limits.max_duration_s));
    frame->pts = pts;
    strip_extras(*frame);
    ready.emplace_back(Got::audio, std::move(frame));
    return {};
}

Status VideoInput::Impl::decode_audio(const AVPacket* pkt) {
    AVCodecContext* dec = audio_decoder.get();
    // Damaged audio is skipped: the pictures are what must not be lost.
    int sent = avcodec_send_packet(dec, pkt);
    bool resent = false;
    while (true) {
        FrameHandle frame = make_frame();
        const int got = avcodec_receive_frame(dec, frame.get());
        if (got == AVERROR(EAGAIN) && sent == AVERROR(EAGAIN) && !resent) {
            resent = true;
            sent = avcodec_send_packet(dec, pkt);
            continue;
        }
        if (got < 0) break;
        if (frame->nb_samples <= 0) continue;
        if (auto ok = take_audio_frame(std::move(frame)); !ok) return ok;
    }
    return {};
}

Status VideoInput::Impl::read_more() {
    const int got = av_read_frame(format.get(), packet.get());
    if (got < 0) {
        if (io_failed) return fail(Errc::invalid_argument, "the file cannot be read");
        if (got != AVERROR_EOF && !avio_feof(format->pb))
            return fail(Errc::unprocessable, messages::corrupt);
        eof = true;
        if (auto ok = decode_video(nullptr); !ok) return ok;
        if (audio_decoder)
            if (auto ok = decode_audio(nullptr); !ok) return ok;
        if (video_frames == 0) return fail(Errc::unprocessable, messages::corrupt);
        done = true;
        return {};
    }
    Status status;
    if (packet->stream_index == video_index)
        status = decode_video(packet.get());
    else if (audio_decoder && packet->stream_index == audio_index)
        status = decode_audio(packet.get());
    av_packet_unref(packet.get());
    return status;
}

Result<VideoInput::Got> VideoInput::next(FrameHandle& frame) {
    Impl& impl = *m_impl;
    while (impl.ready.empty()) {
        if (impl.done) return Got::end;
        if (auto ok = impl.read_more(); !ok) {
            impl.done = true;
            impl.ready.clear();
            return std::unexpected(ok.error());
        }
    }
    auto [kind, ready] = std::move(impl.ready.front());
    impl.ready.pop_front();
    frame = std::move(ready);
    return kind;
}

}  // namespace sightline::video
