#pragma once
// The detection stage of video scrubbing, kept apart from decoding, tracking and encoding so
// that it can move to its own thread: for one frame, the passes faces::plan_detection() plans
// for it, each on the frame converted from YUV straight to BGR at the pass size.

#include <cstdint>
#include <optional>
#include <vector>

#include "faces/detection_plan.hpp"
#include "faces/face_box.hpp"
#include "faces/face_detector.hpp"
#include "video/av_handles.hpp"

namespace sightline::video {

class FaceSearch {
  public:
    /// For yuv420p frames of `width` x `height`. `detector` must outlive this object.
    FaceSearch(const faces::FaceDetector& detector, int width, int height);

    [[nodiscard]] const faces::DetectionPlan& plan() const noexcept { return m_plan; }

    /// The faces the planned passes find in frame number `index` (boxes in frame pixels), or
    /// nullopt when no pass is planned for it. Not thread-safe (one converter per pass); use
    /// one FaceSearch per thread.
    std::optional<std::vector<faces::FaceBox>> search(const AVFrame& frame, std::int64_t index);

  private:
    struct Pass {
        faces::DetectionPass pass;
        SwsHandle convert;              // yuv420p at frame size -> BGR24 at the pass size
        int stride = 0;                 // bytes per row of `bgr`
        std::vector<std::uint8_t> bgr;  // the converted picture
        faces::Tiles tiles;             // where the network looks in it
    };

    const faces::FaceDetector& m_detector;
    int m_width;
    int m_height;
    faces::DetectionPlan m_plan;
    std::vector<Pass> m_passes;
};

}  // namespace sightline::video
