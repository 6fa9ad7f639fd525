#include "faces/face_blur.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace sightline::faces {
namespace {

// The smallest block: a face of a few dozen pixels still becomes a handful of blocks.
constexpr int min_block = 6;

// Where to blur: the areas of faces that overlap form one group, blurred as one picture over
// their bounding box (one block grid, the larger block). Blurring overlapping areas one after
// the other left the edge of the second across the first face: a sharp step, and two block grids
// over one face (20 of 440 faces of the shaky clip in tests/video kept more than 1/20 of their
// detail); blurring the group's picture but copying back only the areas still left 4 (the
// pixels between the areas stay sharp next to a face). Pixels outside every group's bounding
// box stay exactly as they were.
struct BlurGroup {
    cv::Rect bounds;
    int block = 0;
};

int block_for(const FaceBox& face) {
    return std::max(min_block, std::max(face.width, face.height) / 8);
}

std::vector<BlurGroup> blur_groups(std::span<const FaceBox> faces, double padding, int width,
                                   int height) {
    std::vector<BlurGroup> groups;
    const cv::Rect bounds(0, 0, width, height);
    for (const FaceBox& face : faces) {
        if (face.width <= 0 || face.height <= 0) continue;
        const int pad_x = static_cast<int>(std::ceil(face.width * padding));
        const int pad_y = static_cast<int>(std::ceil(face.height * padding));
        const cv::Rect area = cv::Rect(face.x - pad_x, face.y - pad_y, face.width + 2 * pad_x,
                                       face.height + 2 * pad_y) &
                              bounds;
        if (!area.empty()) groups.push_back({area, block_for(face)});
    }
    // A group that grew can now overlap another one: merge until none do.
    for (bool merged = true; merged;) {
        merged = false;
        for (std::size_t i = 0; i < groups.size() && !merged; ++i)
            for (std::size_t j = i + 1; j < groups.size(); ++j) {
                if ((groups[i].bounds & groups[j].bounds).empty()) continue;
                BlurGroup& into = groups[i];
                into.bounds |= groups[j].bounds;
                into.block = std::max(into.block, groups[j].block);
                groups.erase(groups.begin() + static_cast<std::ptrdiff_t>(j));
                merged = true;
                break;
            }
    }
    return groups;
}

// Pixelation alone can be partly undone (super-resolution, or averaging known faces into the
// same blocks), so the blocks are blurred into each other too: a Gaussian over the block means
// (sigma 0.7 blocks), then a bilinear enlargement back to the area, which leaves no block edges.
// Working on the block means keeps the cost a few operations per pixel whatever the face's size
// (a Gaussian of two blocks' width at full resolution cost ~100 per pixel and plane, a third of
// a video scrub's time). The blocks are a fixed fraction of the face, so the result does not
// depend on the image's size.
void pixelate_and_blur(cv::Mat region, int block) {
    cv::Mat blocks;
    cv::resize(region, blocks,
               {std::max(1, (region.cols + block - 1) / block),
                std::max(1, (region.rows + block - 1) / block)},
               0, 0, cv::INTER_AREA);
    cv::GaussianBlur(blocks, blocks, {3, 3}, 0.7, 0.7, cv::BORDER_REPLICATE);
    cv::Mat smooth;
    cv::resize(blocks, smooth, region.size(), 0, 0, cv::INTER_LINEAR);
    smooth.copyTo(region);
}

// Blurs one group's bounding box in `image`, whose pixels are `divisor` times smaller than the
// group's (2 for chroma; rounded outwards).
void blur_group(cv::Mat image, const BlurGroup& group, int block, int divisor) {
    const cv::Rect& r = group.bounds;
    const cv::Rect bounds = cv::Rect(cv::Point(r.x / divisor, r.y / divisor),
                                     cv::Point((r.x + r.width + divisor - 1) / divisor,
                                               (r.y + r.height + divisor - 1) / divisor)) &
                            cv::Rect(0, 0, image.cols, image.rows);
    if (bounds.empty()) return;
    pixelate_and_blur(image(bounds), block);
}

cv::Mat plane_mat(const PlaneView& plane) {
    return cv::Mat(plane.height, plane.width, CV_8UC1, plane.data,
                   static_cast<std::size_t>(plane.stride));
}

}  // namespace

void blur_faces(const ImageView& image, std::span<const FaceBox> faces, double padding) {
    if (image.empty() || image.channels < 1 || image.channels > 4) return;
    const cv::Mat pixels(image.height, image.width, CV_8UC(image.channels), image.data,
                         static_cast<std::size_t>(image.stride));
    for (const BlurGroup& group :
         blur_groups(faces, std::max(0.0, padding), image.width, image.height))
        blur_group(pixels, group, group.block, 1);
}

void blur_faces(const Yuv420View& frame, std::span<const FaceBox> faces, double padding) {
    if (frame.y.data == nullptr || frame.u.data == nullptr || frame.v.data == nullptr) return;
    const cv::Mat luma = plane_mat(frame.y);
    const cv::Mat blue = plane_mat(frame.u);
    const cv::Mat red = plane_mat(frame.v);
    for (const BlurGroup& group :
         blur_groups(faces, std::max(0.0, padding), frame.y.width, frame.y.height)) {
        blur_group(luma, group, group.block, 1);
        // The chroma samples that cover the luma areas: half resolution, rounded outwards.
        const int chroma_block = std::max(2, group.block / 2);
        blur_group(blue, group, chroma_block, 2);
        blur_group(red, group, chroma_block, 2);
    }
}

}  // namespace sightline::faces
