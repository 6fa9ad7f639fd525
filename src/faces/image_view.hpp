#pragma once
// Plain views of pixels that the faces module works on, so that no OpenCV (or FFmpeg, or libvips)
// type crosses a module boundary. A view never owns its pixels: the caller keeps them alive and
// unchanged (except where a function says it writes) for the duration of the call.

#include <cstddef>
#include <cstdint>

namespace sightline::faces {

/// Order of the colour channels of an ImageView with 3 or 4 channels.
enum class ChannelOrder { bgr, rgb };

/// Interleaved 8-bit pixels: BGR (or RGB) when channels == 3, BGRA (or RGBA) when 4, grey when 1.
struct ImageView {
    std::uint8_t* data = nullptr;
    int width = 0;
    int height = 0;
    std::ptrdiff_t stride = 0;  ///< bytes from the start of one row to the next
    int channels = 3;
    ChannelOrder order = ChannelOrder::bgr;

    [[nodiscard]] bool empty() const noexcept {
        return data == nullptr || width <= 0 || height <= 0;
    }
};

/// One 8-bit plane.
struct PlaneView {
    std::uint8_t* data = nullptr;
    int width = 0;
    int height = 0;
    std::ptrdiff_t stride = 0;
};

/// Planar YUV 4:2:0 (I420 / AV_PIX_FMT_YUV420P): u and v are (width+1)/2 x (height+1)/2.
struct Yuv420View {
    PlaneView y;
    PlaneView u;
    PlaneView v;
};

}  // namespace sightline::faces
