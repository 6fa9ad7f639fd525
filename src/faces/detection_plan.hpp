#pragma once
// Which detection passes a video frame gets. Detection at full resolution on every frame would
// cost ~230 ms of one core per 1080p frame, so near faces (big, fast) are looked for often at low
// resolution and far faces (small, slow) less often at higher resolution; FaceTracker covers the
// frames in between. See docs/adr/006-media-scrubbing.md.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sightline::faces {

struct DetectionPass {
    int width = 0;  ///< the frame is converted to this size for the pass (multiple of 2)
    int height = 0;
    int every_frames = 1;  ///< runs on frames whose index is a multiple of this

    [[nodiscard]] bool runs_on(std::int64_t frame) const noexcept {
        return frame % every_frames == 0;
    }
};

struct DetectionPlan {
    std::vector<DetectionPass> passes;  ///< coarse first
    int longest_interval = 1;           ///< the largest every_frames of the passes
};

/// Tiles of one size that cover an image of cols x rows, each of at most `max_pixels` (so a
/// network's buffers stay those of one tile), overlapping their neighbours by `overlap` pixels
/// (so a face up to that size lies whole in one tile). Sizes are multiples of 32, the network's
/// coarsest stride, except where one tile spans the whole side. Among the grids that respect
/// the limit and have at most `max_columns` columns, the one with the fewest pixels in all is
/// chosen. One tile when the image fits. Photos and video frames both.
struct Tiles {
    int width = 0;  ///< of each tile
    int height = 0;
    std::vector<int> xs;  ///< first column of each column of tiles; the last flush with the right
    std::vector<int> ys;  ///< first row of each row of tiles; the last flush with the bottom

    [[nodiscard]] std::size_t count() const noexcept { return xs.size() * ys.size(); }
};
Tiles plan_tiles(int cols, int rows, int max_pixels, int overlap, int max_columns = 16);

/// The passes for upright frames of width x height: a coarse pass with the longest side at 512
/// px every 3rd frame, and a fine pass with the longest side at half the frame's (1280 to 1920
/// px, at most 2x up) every 15th frame. Both keep the aspect ratio. Frame 0 gets every pass.
DetectionPlan plan_detection(int width, int height);

}  // namespace sightline::faces
