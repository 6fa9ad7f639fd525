#include "faces/face_blur.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace sightline::faces {
namespace {

// The area blurred for a face (grown by padding, clamped to the image).
cv::Rect blur_area(const FaceBox& face, double padding, int width, int height) {
    const int pad_x = static_cast<int>(std::ceil(face.width * padding));
    const int pad_y = static_cast<int>(std::ceil(face.height * padding));
    return cv::Rect(face.x - pad_x, face.y - pad_y, face.width + 2 * pad_x,
                    face.height + 2 * pad_y) &
           cv::Rect(0, 0, width, height);
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

int block_for(const FaceBox& face) {
    return std::max(4, std::max(face.width, face.height) / 8);
}

cv::Mat plane_mat(const PlaneView& plane) {
    return cv::Mat(plane.height, plane.width, CV_8UC1, plane.data,
                   static_cast<std::size_t>(plane.stride));
}

}  // namespace

void blur_faces(const ImageView& image, std::span<const FaceBox> faces, double padding) {
    if (image.empty() || image.channels < 1 || image.channels > 4) return;
    padding = std::max(0.0, padding);
    cv::Mat pixels(image.height, image.width, CV_8UC(image.channels), image.data,
                   static_cast<std::size_t>(image.stride));
    for (const FaceBox& face : faces) {
        if (face.width <= 0 || face.height <= 0) continue;
        const cv::Rect area = blur_area(face, padding, image.width, image.height);
        if (area.empty()) continue;
        pixelate_and_blur(pixels(area), block_for(face));
    }
}

void blur_faces(const Yuv420View& frame, std::span<const FaceBox> faces, double padding) {
    if (frame.y.data == nullptr || frame.u.data == nullptr || frame.v.data == nullptr) return;
    padding = std::max(0.0, padding);
    cv::Mat luma = plane_mat(frame.y);
    cv::Mat blue = plane_mat(frame.u);
    cv::Mat red = plane_mat(frame.v);
    for (const FaceBox& face : faces) {
        if (face.width <= 0 || face.height <= 0) continue;
        const cv::Rect area = blur_area(face, padding, frame.y.width, frame.y.height);
        if (area.empty()) continue;
        const int block = block_for(face);
        pixelate_and_blur(luma(area), block);
        // The chroma samples that cover the luma area: half resolution, rounded outwards.
        const cv::Rect chroma_area =
            cv::Rect(cv::Point(area.x / 2, area.y / 2),
                     cv::Point((area.x + area.width + 1) / 2, (area.y + area.height + 1) / 2)) &
            cv::Rect(0, 0, std::min(frame.u.width, frame.v.width),
                     std::min(frame.u.height, frame.v.height));
        if (chroma_area.empty()) continue;
        const int chroma_block = std::max(2, block / 2);
        pixelate_and_blur(blue(chroma_area), chroma_block);
        pixelate_and_blur(red(chroma_area), chroma_block);
    }
}

}  // namespace sightline::faces
