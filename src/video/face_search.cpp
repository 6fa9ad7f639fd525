#include "video/face_search.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace sightline::video {
namespace {

// A pass over more pixels than this runs in full-width strips: the network's buffers (~90 bytes
// per input pixel) stay those of one strip. Two strips of a 1280x720 fine pass cost 13% more
// network time than one pass and hold ~40 MB less. Tiles in two columns (704x720) would be 5 %
// fewer pixels, but they moved the boxes of small faces enough to leave slivers of two faces of
// the shaky clip in tests/video unblurred; smaller tiles cost more time than their pixels.
constexpr int max_tile_pixels = 600'000;
constexpr int max_tile_columns = 1;
// Tiles overlap by more than the largest face the pass must find whole in one of them. Larger
// faces are the coarse pass's: a tile's boxes taller or wider than twice the overlap are dropped
// (the network's largest anchors see a tile's cut edge as the edge of a face: a 480x408 box over
// a whole strip, score 0.52, in the zoom clip of tests/video).
constexpr int tile_overlap = 96;
constexpr int max_tile_face = 2 * tile_overlap;

}  // namespace

FaceSearch::FaceSearch(const faces::FaceDetector& detector, int width, int height)
    : m_detector(detector),
      m_width(width),
      m_height(height),
      m_plan(faces::plan_detection(width, height)) {
    for (const faces::DetectionPass& pass : m_plan.passes) {
        // Bilinear: downscaling by up to 3x to the coarse pass; swscale's bilinear widens its
        // filter with the ratio, so small faces are averaged, not aliased away.
        SwsHandle convert(sws_getContext(width, height, AV_PIX_FMT_YUV420P, pass.width, pass.height,
                                         AV_PIX_FMT_BGR24, SWS_BILINEAR, nullptr, nullptr,
                                         nullptr));
        if (!convert) throw Exception("cannot create the frame converter for face detection");
        // swscale's SIMD converters write whole blocks of 16 pixels, past the end of a row
        // whose width is not a multiple of 16 (and past the end of the picture on the last
        // row): rows get that slack, and the picture a spare row.
        const int stride = (((pass.width + 15) / 16 * 16) * 3 + 63) / 64 * 64;
        m_passes.push_back(
            {pass, std::move(convert), stride,
             std::vector<std::uint8_t>(static_cast<std::size_t>(stride) * (pass.height + 1)),
             faces::plan_tiles(pass.width, pass.height, max_tile_pixels, tile_overlap,
                               max_tile_columns)});
    }
}

std::optional<std::vector<faces::FaceBox>> FaceSearch::search(const AVFrame& frame,
                                                              std::int64_t index) {
    std::optional<std::vector<faces::FaceBox>> found;
    for (Pass& p : m_passes) {
        if (!p.pass.runs_on(index)) continue;
        if (!found) found.emplace();
        std::uint8_t* planes[4] = {p.bgr.data(), nullptr, nullptr, nullptr};
        int strides[4] = {p.stride, 0, 0, 0};
        sws_scale(p.convert.get(), frame.data, frame.linesize, 0, m_height, planes, strides);
        const double sx = static_cast<double>(m_width) / p.pass.width;
        const double sy = static_cast<double>(m_height) / p.pass.height;
        const faces::Tiles& tiles = p.tiles;
        for (const int top : tiles.ys)
            for (const int left : tiles.xs) {
                const faces::ImageView view{p.bgr.data() +
                                                static_cast<std::ptrdiff_t>(top) * p.stride +
                                                static_cast<std::ptrdiff_t>(left) * 3,
                                            tiles.width, tiles.height, p.stride, 3};
                for (const faces::FaceBox& box : m_detector.detect_once(view)) {
                    if (tiles.count() > 1 &&
                        (box.height > max_tile_face || box.width > max_tile_face))
                        continue;
                    // Outward rounding: a box back in frame pixels covers at least what was
                    // found. Boxes of a face in two tiles overlap and are merged by the tracker.
                    const int x0 = static_cast<int>(std::floor((box.x + left) * sx));
                    const int y0 = static_cast<int>(std::floor((box.y + top) * sy));
                    const int x1 = static_cast<int>(std::ceil((box.x + left + box.width) * sx));
                    const int y1 = static_cast<int>(std::ceil((box.y + top + box.height) * sy));
                    found->push_back(
                        {x0, y0, std::max(1, x1 - x0), std::max(1, y1 - y0), box.score});
                }
            }
    }
    return found;
}

}  // namespace sightline::video
