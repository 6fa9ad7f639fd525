#include "video/frame_blur.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "faces/face_blur.hpp"

namespace sightline::video {
namespace {

// The blurred frame goes through a lossy encoder, which adds fine detail back (quantization
// noise: +15 in the variance of the Laplacian of a blurred 37-pixel face at any CRF from 14 to
// 28, measured). Boxes 20% larger than the tracker's get blocks 20% larger: the worst face of
// the labelled photos keeps 1/33 of its detail after encoding instead of 1/22.
constexpr double box_growth = 1.2;

faces::FaceBox grown(const faces::FaceBox& b) {
    const int width = static_cast<int>(std::ceil(b.width * box_growth));
    const int height = static_cast<int>(std::ceil(b.height * box_growth));
    return {b.x - (width - b.width) / 2, b.y - (height - b.height) / 2, width, height, b.score};
}

}  // namespace

// Overlapping faces are blurred as one area (faces::blur_faces), so no sharp edge of one blur
// crosses another face: blurring them one after the other left 20 of 440 faces of the shaky
// clip in tests/video with more than 1/20 of their detail after H.264 CRF 23.
void blur_frame(AVFrame& frame, std::span<const faces::FaceBox> faces) {
    std::vector<faces::FaceBox> boxes;
    boxes.reserve(faces.size());
    for (const faces::FaceBox& face : faces)
        if (face.width > 0 && face.height > 0) boxes.push_back(grown(face));
    const int chroma_w = (frame.width + 1) / 2;
    const int chroma_h = (frame.height + 1) / 2;
    const faces::Yuv420View whole{{frame.data[0], frame.width, frame.height, frame.linesize[0]},
                                  {frame.data[1], chroma_w, chroma_h, frame.linesize[1]},
                                  {frame.data[2], chroma_w, chroma_h, frame.linesize[2]}};
    faces::blur_faces(whole, boxes);
}

}  // namespace sightline::video
