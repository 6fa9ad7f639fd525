#include "video/av_handles.hpp"

#include <mutex>

#include "core/error.hpp"

extern "C" {
#include <libavutil/error.h>
#include <libavutil/log.h>
}

namespace sightline::video {

FrameHandle make_frame() {
    FrameHandle frame(av_frame_alloc());
    if (!frame) throw Exception("out of memory (video frame)");
    return frame;
}

PacketHandle make_packet() {
    PacketHandle packet(av_packet_alloc());
    if (!packet) throw Exception("out of memory (video packet)");
    return packet;
}

void silence_libav_log() noexcept {
    static std::once_flag once;
    std::call_once(once, [] { av_log_set_level(AV_LOG_QUIET); });
}

std::string av_error_text(int code) {
    char text[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(code, text, sizeof text);
    return text;
}

}  // namespace sightline::video
