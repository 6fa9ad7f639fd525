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

namespace {

constexpr int tile_alignment = 32;

int round_up_to_alignment(int value) {
    return (value + tile_alignment - 1) / tile_alignment * tile_alignment;
}

struct Span {
    int size = 0;
    std::vector<int> starts;
};

// Pieces of at most max_size (a multiple of the alignment) covering `length`, overlapping by
// `overlap`, all of one size; the last flush with the end.
Span split(int length, int max_size, int overlap) {
    if (length <= max_size) return {length, {0}};
    const int step = max_size - overlap;
    const int count = (length - overlap + step - 1) / step;
    const int size = std::min(
        max_size, round_up_to_alignment((length + (count - 1) * overlap + count - 1) / count));
    Span span{size, {}};
    for (int i = 0; i < count; ++i)
        span.starts.push_back(std::min(i * (size - overlap), length - size));
    return span;
}

}  // namespace

Tiles plan_tiles(int cols, int rows, int max_pixels, int overlap, int max_columns) {
    if (static_cast<std::int64_t>(cols) * rows <= max_pixels) return {cols, rows, {0}, {0}};
    const int min_size = std::max(tile_alignment, round_up_to_alignment(2 * overlap));
    Tiles best;
    std::int64_t best_pixels = 0;
    for (int columns = 1; columns <= std::max(1, max_columns); ++columns) {
        const int max_width = round_up_to_alignment(
            std::max(min_size, (cols + (columns - 1) * overlap + columns - 1) / columns));
        if (columns > 1 && max_width >= cols) continue;
        const Span across = split(cols, max_width, overlap);
        const int max_height = std::max(min_size, max_pixels / std::max(1, across.size)) /
                               tile_alignment * tile_alignment;
        const Span down = split(rows, max_height, overlap);
        const std::int64_t pixels = static_cast<std::int64_t>(across.starts.size()) *
                                    static_cast<std::int64_t>(down.starts.size()) * across.size *
                                    down.size;
        if (best.xs.empty() || pixels < best_pixels) {
            best = {across.size, down.size, across.starts, down.starts};
            best_pixels = pixels;
        }
        if (max_width <= min_size) break;
    }
    return best;
}

}  // namespace sightline::faces
