#pragma once
// dlib's HOG frontal face detector: the second opinion beside BlazeFace in FaceDetector. In a file
// of its own so that dlib's header-only scanner can be built optimised and uninstrumented in
// Debug and sanitizer builds (instrumented at -O0 it takes seconds per photo).

#include <memory>
#include <vector>

#include "photo/face_detector.hpp"

namespace sightline::photo {

class HogFaceDetector {
  public:
    HogFaceDetector();
    ~HogFaceDetector();
    HogFaceDetector(const HogFaceDetector&) = delete;
    HogFaceDetector& operator=(const HogFaceDetector&) = delete;

    /// Faces in an 8-bit BGR image, in its pixel coordinates (not clipped). Small photos are
    /// upsampled once (faces from ~40 px), big ones downscaled to 2 MP to bound the time.
    /// `score` is dlib's SVM margin mapped to (0, 1), 0.5 at its threshold. Thread-safe.
    [[nodiscard]] std::vector<FaceBox> detect(const cv::Mat& bgr) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace sightline::photo
