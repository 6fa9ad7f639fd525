#pragma once
// Finds faces so that they can be blurred; never recognises, compares or stores them.
// RetinaFace (MobileNet-0.25 backbone, ONNX, run by OpenCV DNN) over the whole image at once;
// see docs/adr/006-media-scrubbing.md for the choice and the numbers behind it.

#include <memory>
#include <vector>

#include "faces/face_box.hpp"
#include "faces/image_view.hpp"

namespace sightline::faces {

struct FaceDetectorOptions {
    /// Score threshold. Recall matters more than precision: a false alarm blurs a patch of wall.
    float min_score = 0.35f;
    /// detect(): the image is scaled so that its longest side is at most this many pixels before
    /// the network sees it (cost grows with the pixels: ~110 ns per pixel and core).
    int max_side = 2048;
    /// detect(): small images are scaled up by at most this factor to find small faces.
    double max_upscale = 2.0;
};

class FaceDetector {
  public:
    /// The network finds faces from about this many pixels wide in the image it sees.
    static constexpr int min_face_px = 20;

    /// Loads the model embedded in the binary. Throws sightline::Exception if it cannot.
    /// detect() and detect_once() throw sightline::Exception if OpenCV fails (e.g. out of memory).
    explicit FaceDetector(FaceDetectorOptions options = {});
    ~FaceDetector();
    FaceDetector(const FaceDetector&) = delete;
    FaceDetector& operator=(const FaceDetector&) = delete;

    /// The whole search for a photo: one pass at up to max_side (in overlapping tiles, to bound
    /// the network's memory), and for big images a second
    /// pass with the longest side at 640 px for faces larger than the biggest anchors. Accepts
    /// 3 or 4 channels in either order, or grey. Boxes in the image's pixels, clipped to it. Empty
    /// for an image under 2x2. Thread-safe: concurrent calls run in parallel.
    [[nodiscard]] std::vector<FaceBox> detect(const ImageView& image) const;

    /// One pass of the network over an image exactly as given (the caller has scaled it,
    /// e.g. a video frame converted at the pass size). Boxes in its pixels, clipped to it.
    /// Thread-safe.
    [[nodiscard]] std::vector<FaceBox> detect_once(const ImageView& bgr) const;

    [[nodiscard]] const FaceDetectorOptions& options() const noexcept;

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace sightline::faces
