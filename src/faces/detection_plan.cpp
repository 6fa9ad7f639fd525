#include "faces/detection_plan.hpp"

#include <algorithm>
#include <cmath>

namespace sightline::faces {
namespace {

// Measured on 2 cores (a 20 s 1080p clip): 640 every 2nd and 1280 every 8th frame took 1.24x the
// clip's length; 512 every 3rd and 1280 every 12th ~1.0x, every 16th 0.93-0.97x (15 is used: a
// multiple of 3) (a 300 s clip in bench/video_bench.sh: 1.03x with every 12th). With the camera's
// motion compensated (faces/camera_motion.hpp) all of them cover every face of the shaky clip in
// tests/video. The fine interval is a multiple of the coarse one, so every fine pass has a coarse
// one beside it (face_search.cpp drops a strip's large boxes, which are the coarse pass's to find).
constexpr int coarse_side = 512;
constexpr int coarse_every = 3;
constexpr int fine_min_side = 1280;
constexpr int fine_max_side = 1920;
constexpr int fine_every = 15;
constexpr double max_upscale = 2.0;

// The frame scaled so that its longest side is `side` (never more than max_upscale), rounded to
// even sizes (what swscale's YUV 4:2:0 input handles best).
DetectionPass pass_at(int width, int height, int side, int every) {
    const int longest = std::max(width, height);
    const double scale = std::min(max_upscale, static_cast<double>(side) / longest);
    const auto even = [](double v) {
        return std::max(2, static_cast<int>(std::lround(v / 2)) * 2);
    };
    return {even(width * scale), even(height * scale), every};
}

}  // namespace

DetectionPlan plan_detection(int width, int height) {
    DetectionPlan plan;
    if (width <= 0 || height <= 0) return plan;
    const int longest = std::max(width, height);
    plan.passes.push_back(pass_at(width, height, coarse_side, coarse_every));
    const int fine_side = std::clamp(longest / 2, fine_min_side, fine_max_side);
    plan.passes.push_back(pass_at(width, height, fine_side, fine_every));
    plan.longest_interval = fine_every;
    return plan;
}

Strips horizontal_strips(int cols, int rows, int max_pixels, int overlap) {
    constexpr int alignment = 32;
    const auto round_up = [](int value) { return (value + alignment - 1) / alignment * alignment; };
    const int max_height =
        std::max(2 * overlap, max_pixels / std::max(1, cols)) / alignment * alignment;
    if (rows <= max_height) return {rows, {0}};
    const int count = (rows - overlap + max_height - overlap - 1) / (max_height - overlap);
    const int height =
        std::min(max_height, round_up((rows + (count - 1) * overlap + count - 1) / count));
    Strips strips{height, {}};
    for (int i = 0; i < count; ++i)
        strips.starts.push_back(std::min(i * (height - overlap), rows - height));
    return strips;
}

}  // namespace sightline::faces
