#include "faces/camera_motion.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace sightline::faces {
namespace {

// The correlation runs on the luma scaled down so that its longest side is about this long:
// enough texture to lock on, small enough for a fast FFT.
constexpr int analysis_side = 256;
// Below this peak response (0..1) the estimate is noise.
constexpr double min_response = 0.08;

}  // namespace

struct CameraMotion::Impl {
    cv::Mat previous;  ///< CV_32F, analysis size
    cv::Mat window;    ///< Hanning window of the analysis size
    double factor = 1;
    CameraOffset offset;
};

CameraMotion::CameraMotion() : m_impl(std::make_unique<Impl>()) {}
CameraMotion::~CameraMotion() = default;

CameraOffset CameraMotion::next(const PlaneView& luma) {
    Impl& s = *m_impl;
    if (luma.data == nullptr || luma.width < 16 || luma.height < 16) return s.offset;
    const cv::Mat plane(luma.height, luma.width, CV_8UC1, luma.data,
                        static_cast<std::size_t>(luma.stride));
    const int longest = std::max(luma.width, luma.height);
    const int factor = std::max(1, (longest + analysis_side / 2) / analysis_side);
    const cv::Size size(std::max(8, luma.width / factor), std::max(8, luma.height / factor));
    cv::Mat small;
    cv::resize(plane, small, size, 0, 0, cv::INTER_AREA);
    cv::Mat current;
    small.convertTo(current, CV_32F);
    if (s.previous.empty() || s.previous.size() != current.size()) {
        s.previous = current;
        cv::createHanningWindow(s.window, current.size(), CV_32F);
        s.factor = static_cast<double>(luma.width) / size.width;
        return s.offset;
    }
    double response = 0;
    const cv::Point2d shift = cv::phaseCorrelate(s.previous, current, s.window, &response);
    s.previous = current;
    if (response >= min_response && std::isfinite(shift.x) && std::isfinite(shift.y)) {
        // The picture moved by `shift`: a still point of the scene is now `shift` further on in
        // the frame, so the frame's offset into the scene goes back by as much.
        s.offset.x -= shift.x * s.factor;
        s.offset.y -= shift.y * s.factor;
    }
    return s.offset;
}

}  // namespace sightline::faces
