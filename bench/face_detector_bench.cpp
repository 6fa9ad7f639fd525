// Face detector cost per pass size (faces::FaceDetector::detect_once) and for a whole 12 MP photo
// (detect), on one OpenCV thread and on all cores. The figures behind the video detection plan
// (faces/detection_plan.hpp) and the photo passes. Input: a frame of noise with texture, so the
// network does the same work as on a real frame (its cost does not depend on the content).
//   build/bench/face_detector_bench [--benchmark_filter=...]

#include <benchmark/benchmark.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "faces/face_detector.hpp"

namespace {

using sightline::faces::FaceDetector;
using sightline::faces::ImageView;

const FaceDetector& detector() {
    static const FaceDetector instance;
    return instance;
}

cv::Mat textured_frame(int width, int height) {
    cv::Mat image(height, width, CV_8UC3);
    cv::randu(image, 0, 255);
    cv::GaussianBlur(image, image, {5, 5}, 1.5);
    return image;
}

ImageView view_of(const cv::Mat& image) {
    return ImageView{image.data, image.cols, image.rows, static_cast<std::ptrdiff_t>(image.step),
                     3};
}

void BM_DetectOnce(benchmark::State& state) {
    const int width = static_cast<int>(state.range(0));
    const int height = width * 9 / 16;
    cv::setNumThreads(static_cast<int>(state.range(1)));
    const cv::Mat frame = textured_frame(width, height);
    benchmark::DoNotOptimize(detector().detect_once(view_of(frame)));  // warm the network
    for (auto _ : state)
        benchmark::DoNotOptimize(detector().detect_once(view_of(frame)));
    state.counters["ns_per_px"] = benchmark::Counter(
        static_cast<double>(width) * height,
        benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
    state.SetLabel(std::to_string(width) + "x" + std::to_string(height) +
                   (state.range(1) == 1 ? ", 1 thread" : ", all cores"));
    cv::setNumThreads(-1);
}
BENCHMARK(BM_DetectOnce)
    ->ArgsProduct({{640, 960, 1280, 1920}, {1, -1}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_DetectPhoto12MP(benchmark::State& state) {
    cv::setNumThreads(static_cast<int>(state.range(0)));
    const cv::Mat photo = textured_frame(4032, 3024);
    benchmark::DoNotOptimize(detector().detect(view_of(photo)));
    for (auto _ : state)
        benchmark::DoNotOptimize(detector().detect(view_of(photo)));
    state.SetLabel(state.range(0) == 1 ? "4032x3024, 1 thread" : "4032x3024, all cores");
    cv::setNumThreads(-1);
}
BENCHMARK(BM_DetectPhoto12MP)->Arg(1)->Arg(-1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
