#pragma once
// Finds faces so that they can be blurred; never recognises, compares or stores them.
// MediaPipe BlazeFace (back-camera model, 256x256, ONNX, run by OpenCV DNN) over the whole image
// and over overlapping tiles for small faces, united with dlib's HOG frontal face detector.

#include <memory>
#include <vector>

namespace cv {
class Mat;
}

namespace sightline::photo {

struct FaceBox {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;
    float score = 0;
};

struct FaceDetectorOptions {
    /// BlazeFace score threshold for the pass over the whole photo (MediaPipe's default; recall
    /// matters more than precision here).
    float min_score = 0.5f;
    /// Threshold for the passes over tiles, which look at many more windows and so would add
    /// proportionally more false alarms at the same threshold.
    float min_tile_score = 0.6f;
    /// Also run dlib's HOG frontal face detector; a face found by either counts.
    bool use_dlib_hog = true;
    /// Smallest tile side in pixels (tiles halve from half the photo's longest side down to it);
    /// faces down to about tile_size / 16 pixels are found. 0: 384.
    int tile_size = 0;
};

class FaceDetector {
  public:
    /// Loads the model embedded in the binary. Throws sightline::Exception if it cannot.
    explicit FaceDetector(FaceDetectorOptions options = {});
    ~FaceDetector();
    FaceDetector(const FaceDetector&) = delete;
    FaceDetector& operator=(const FaceDetector&) = delete;

    /// Faces in an 8-bit BGR image (grey and BGRA are accepted too), in its pixel coordinates,
    /// clipped to the image. Empty for an empty or 1-pixel-wide image. Thread-safe: concurrent
    /// calls run in parallel. Throws sightline::Exception for an image that is not 8-bit.
    [[nodiscard]] std::vector<FaceBox> detect(const cv::Mat& bgr) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Irreversibly blurs each box grown by `padding` (a fraction of its width and height on each
/// side), in place: pixelated into blocks of 1/8 of the face (at least 4 px), then Gaussian
/// blurred. Areas are clamped to the image; pixels outside them are left exactly as they were.
void blur_faces(cv::Mat& bgr, const std::vector<FaceBox>& faces, double padding = 0.25);

}  // namespace sightline::photo
