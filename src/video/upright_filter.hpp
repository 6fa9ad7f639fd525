#pragma once
// Turns decoded frames upright and into the one format the rest of the pipeline handles: the
// display matrix applied to the pixels (transpose/flip filters, as ffmpeg's autorotate does),
// converted to 8-bit YUV 4:2:0 in limited range (also from 10-bit, 4:2:2, 4:4:4 or full-range
// input) and scaled to a fixed size, so that a stream whose resolution changes midway still
// gives frames of its first size.

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "video/av_handles.hpp"

namespace sightline::video {

/// The rotation and mirroring a display matrix asks for, in the filters that apply it.
struct Orientation {
    int rotation_deg = 0;  ///< clockwise, 0/90/180/270 (other angles round to the nearest)
    std::string filters;   ///< libavfilter chain, e.g. "transpose=clock"; empty if upright

    [[nodiscard]] bool swaps_sides() const noexcept { return rotation_deg % 180 != 0; }
    [[nodiscard]] bool changes_pixels() const noexcept { return !filters.empty(); }
};

/// From a stream's AV_PKT_DATA_DISPLAYMATRIX (nine int32 values), or upright when null.
Orientation orientation_from(const std::int32_t* display_matrix);

class UprightFilter {
  public:
    /// Output frames are `width` x `height` (even) yuv420p; timestamps stay in `time_base`.
    UprightFilter(Orientation orientation, int width, int height, AVRational time_base);

    /// Filters one decoded frame, or flushes at the end of the stream when `frame` is null, and
    /// appends what comes out to `out`. The graph is rebuilt when the frame's size or format
    /// changes. unprocessable for a pixel format libswscale cannot convert; throws
    /// sightline::Exception when libavfilter fails otherwise (out of memory).
    Status push(const AVFrame* frame, std::vector<FrameHandle>& out);

  private:
    struct Key {
        int width = 0;
        int height = 0;
        int format = -1;
        int range = 0;
        AVRational sar{0, 1};
        friend bool operator==(const Key& a, const Key& b) {
            return a.width == b.width && a.height == b.height && a.format == b.format &&
                   a.range == b.range && av_cmp_q(a.sar, b.sar) == 0;
        }
    };
    Status build(const Key& key);
    void drain(std::vector<FrameHandle>& out);

    Orientation m_orientation;
    int m_width;
    int m_height;
    AVRational m_time_base;
    FilterGraphHandle m_graph;
    AVFilterContext* m_source = nullptr;  // owned by m_graph
    AVFilterContext* m_sink = nullptr;    // owned by m_graph
    Key m_key;
};

}  // namespace sightline::video
