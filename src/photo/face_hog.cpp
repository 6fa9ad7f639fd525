#include "photo/face_hog.hpp"

#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/opencv/cv_image.h>

#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace sightline::photo {
namespace {

// dlib's detector looks for faces of 80 pixels and more; upsampled once, 40 and more.
constexpr double upsample_below_pixels = 1'000'000;
constexpr double max_pixels = 2'000'000;

}  // namespace

struct HogFaceDetector::Impl {
    dlib::frontal_face_detector prototype = dlib::get_frontal_face_detector();
};

HogFaceDetector::HogFaceDetector() : impl_(std::make_unique<Impl>()) {}
HogFaceDetector::~HogFaceDetector() = default;

std::vector<FaceBox> HogFaceDetector::detect(const cv::Mat& bgr) const {
    if (bgr.empty()) return {};
    cv::Mat grey;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    const double pixels = static_cast<double>(grey.total());
    double scale = 1;
    if (pixels < upsample_below_pixels)
        scale = 2;
    else if (pixels > max_pixels)
        scale = std::sqrt(max_pixels / pixels);
    if (scale != 1)
        cv::resize(grey, grey, {}, scale, scale, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);

    dlib::frontal_face_detector detector = impl_->prototype;  // scratch state: one per call
    std::vector<dlib::rect_detection> detections;
    detector(dlib::cv_image<unsigned char>(grey), detections);
    std::vector<FaceBox> faces;
    for (const auto& d : detections) {
        const auto& r = d.rect;
        const auto x = static_cast<int>(std::floor(r.left() / scale));
        const auto y = static_cast<int>(std::floor(r.top() / scale));
        faces.push_back({x, y, static_cast<int>(std::ceil((r.right() + 1) / scale)) - x,
                         static_cast<int>(std::ceil((r.bottom() + 1) / scale)) - y,
                         static_cast<float>(1 / (1 + std::exp(-d.detection_confidence)))});
    }
    return faces;
}

}  // namespace sightline::photo
