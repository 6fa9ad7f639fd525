#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "photo/face_detector.hpp"

namespace sightline::photo {

// Pixelation alone can be partly undone (super-resolution, or averaging known faces into the
// same blocks); the Gaussian blur on top removes the block edges and most of what is left. The
// blocks are a fixed fraction of the face, so the result does not depend on the photo's size.
void blur_faces(cv::Mat& bgr, const std::vector<FaceBox>& faces, double padding) {
    if (bgr.empty()) return;
    padding = std::max(0.0, padding);
    const cv::Rect image(0, 0, bgr.cols, bgr.rows);
    for (const FaceBox& face : faces) {
        if (face.width <= 0 || face.height <= 0) continue;
        const int pad_x = static_cast<int>(std::ceil(face.width * padding));
        const int pad_y = static_cast<int>(std::ceil(face.height * padding));
        const cv::Rect area = cv::Rect(face.x - pad_x, face.y - pad_y, face.width + 2 * pad_x,
                                       face.height + 2 * pad_y) &
                              image;
        if (area.empty()) continue;

        const int block = std::max(4, std::max(face.width, face.height) / 8);
        cv::Mat region = bgr(area);
        cv::Mat blocks;
        cv::resize(region, blocks,
                   {std::max(1, (area.width + block - 1) / block),
                    std::max(1, (area.height + block - 1) / block)},
                   0, 0, cv::INTER_AREA);
        cv::Mat pixelated;
        cv::resize(blocks, pixelated, area.size(), 0, 0, cv::INTER_NEAREST);
        // Kernel of about two blocks; BORDER_REPLICATE keeps the blur within the area.
        const int kernel = 2 * block + 1;
        cv::GaussianBlur(pixelated, region, {kernel, kernel}, block / 2.0, block / 2.0,
                         cv::BORDER_REPLICATE);
    }
}

}  // namespace sightline::photo
