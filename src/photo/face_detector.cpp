#include "photo/face_detector.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <mutex>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <string>

#include "core/error.hpp"
#include "photo/face_hog.hpp"
#include "photo/face_model.hpp"

namespace sightline::photo {
namespace {

constexpr int model_input = 256;  // the back-camera model's square input, in pixels
// Tiles are never smaller than this, so no tile is upscaled much and the number of passes stays
// bounded: the model finds faces down to ~16 input pixels, i.e. ~24 pixels of the photo here.
constexpr int default_min_tile = 384;
constexpr double tile_overlap = 0.25;
constexpr float nms_iou = 0.3f;             // as MediaPipe's and the Barracuda port's
constexpr float contained_fraction = 0.7f;  // a box mostly inside another is the same face

struct Candidate {
    cv::Rect2f box;
    float score = 0;
};

float area(const cv::Rect2f& r) {
    return std::max(0.f, r.width) * std::max(0.f, r.height);
}

float iou(const cv::Rect2f& a, const cv::Rect2f& b) {
    const float inner = area(a & b);
    const float outer = area(a) + area(b) - inner;
    return outer > 0 ? inner / outer : 0.f;
}

float containment(const cv::Rect2f& a, const cv::Rect2f& b) {
    const float smaller = std::min(area(a), area(b));
    return smaller > 0 ? area(a & b) / smaller : 0.f;
}

// Weighted non-maximum suppression (MediaPipe's "weighted" overlap removal): boxes that overlap
// the best remaining one are averaged into it, weighted by score. A box mostly contained in a
// bigger one (a face cut by a tile border, or found by both detectors with different margins)
// is absorbed by the union, which errs towards blurring more.
std::vector<Candidate> merge_overlapping(std::vector<Candidate> candidates) {
    std::ranges::sort(candidates, std::greater{}, &Candidate::score);
    std::vector<bool> used(candidates.size(), false);
    std::vector<Candidate> merged;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        if (used[i]) continue;
        const cv::Rect2f leader = candidates[i].box;
        float weight = candidates[i].score;
        cv::Point2f tl = leader.tl() * weight;
        cv::Point2f br = leader.br() * weight;
        cv::Rect2f contained;
        for (std::size_t j = i + 1; j < candidates.size(); ++j) {
            if (used[j]) continue;
            const cv::Rect2f& other = candidates[j].box;
            if (iou(leader, other) >= nms_iou) {
                used[j] = true;
                tl += other.tl() * candidates[j].score;
                br += other.br() * candidates[j].score;
                weight += candidates[j].score;
            } else if (containment(leader, other) >= contained_fraction) {
                used[j] = true;
                contained = area(contained) > 0 ? (contained | other) : other;
            }
        }
        cv::Rect2f box(tl / weight, br / weight);
        if (area(contained) > 0) box |= contained;
        merged.push_back({box, candidates[i].score});
    }
    return merged;
}

float sigmoid(float x) {
    return 1.f / (1.f + std::exp(-std::clamp(x, -80.f, 80.f)));
}

// The scales the network looks at the photo with: the whole photo fitted into the model's input,
// then the photo scaled so that tiles of half, a quarter, ... of its longest side fill the input,
// while those tiles stay at least `min_tile` pixels. Scales are relative to the photo.
std::vector<double> pass_scales(cv::Size size, int min_tile) {
    const int longest = std::max(size.width, size.height);
    std::vector<double> scales{static_cast<double>(model_input) / longest};
    for (int tile = longest / 2; tile >= min_tile; tile /= 2)
        scales.push_back(static_cast<double>(model_input) / tile);
    return scales;
}

// Where the model's input windows start along one side of the scaled photo (overlapping by
// `tile_overlap`, the last one flush with the edge).
std::vector<int> window_starts(int extent) {
    if (extent <= model_input) return {0};
    const int stride = static_cast<int>(model_input * (1 - tile_overlap));
    std::vector<int> starts;
    for (int at = 0; at + model_input < extent; at += stride)
        starts.push_back(at);
    starts.push_back(extent - model_input);
    return starts;
}

// Runs the network on one window of the scaled photo (centred on a black canvas when smaller
// than the input) and appends what it finds in the photo's coordinates.
// Decoding follows the Barracuda port's Postprocess1 shader: two layers of anchors centred on
// their cells (16x16 cells x 2 anchors, 8x8 cells x 6 anchors = 896), box offsets and sizes in
// input pixels. Unlike the shader, no vertical flip: OpenCV rows run top-down already.
void run_window(cv::dnn::Net& net, const std::vector<std::string>& outputs, const cv::Mat& scaled,
                const cv::Rect& window, double scale, float min_score,
                std::vector<Candidate>& found) {
    const int pad_x = (model_input - window.width) / 2;
    const int pad_y = (model_input - window.height) / 2;
    cv::Mat canvas(model_input, model_input, CV_8UC3, cv::Scalar::all(0));
    scaled(window).copyTo(canvas(cv::Rect(pad_x, pad_y, window.width, window.height)));
    cv::cvtColor(canvas, canvas, cv::COLOR_BGR2RGB);
    // The model takes NHWC floats in [-1, 1] (MediaPipe's tensor range for BlazeFace).
    const std::array<int, 4> shape{1, model_input, model_input, 3};
    cv::Mat input(4, shape.data(), CV_32F);
    canvas.convertTo(cv::Mat(model_input, model_input, CV_32FC3, input.data), CV_32F, 2.0 / 255,
                     -1.0);
    net.setInput(input);
    std::vector<cv::Mat> out;
    net.forward(out, outputs);

    const auto to_photo = [&](float x, float y) {
        return cv::Point2f(static_cast<float>((x - pad_x + window.x) / scale),
                           static_cast<float>((y - pad_y + window.y) / scale));
    };
    struct Layer {
        int scores, boxes, cells, anchors;
    };
    for (const Layer layer : {Layer{0, 2, 16, 2}, Layer{1, 3, 8, 6}}) {
        const auto* scores = out[layer.scores].ptr<float>();
        const auto* boxes = out[layer.boxes].ptr<float>();
        const float cell = static_cast<float>(model_input) / layer.cells;
        for (int cy = 0; cy < layer.cells; ++cy)
            for (int cx = 0; cx < layer.cells; ++cx)
                for (int a = 0; a < layer.anchors; ++a) {
                    const int index = (cy * layer.cells + cx) * layer.anchors + a;
                    const float score = sigmoid(scores[index]);
                    if (score < min_score) continue;
                    const float* box = boxes + static_cast<std::ptrdiff_t>(index) * 16;
                    const float centre_x = (cx + 0.5f) * cell + box[0];
                    const float centre_y = (cy + 0.5f) * cell + box[1];
                    if (box[2] <= 0 || box[3] <= 0) continue;
                    found.push_back(
                        {cv::Rect2f(to_photo(centre_x - box[2] / 2, centre_y - box[3] / 2),
                                    to_photo(centre_x + box[2] / 2, centre_y + box[3] / 2)),
                         score});
                }
    }
}

// The whole BlazeFace search: each scale of the photo is made once and cut into windows.
std::vector<Candidate> run_blazeface(cv::dnn::Net& net, const std::vector<std::string>& outputs,
                                     const cv::Mat& bgr, const FaceDetectorOptions& options) {
    const int min_tile = options.tile_size > 0 ? options.tile_size : default_min_tile;
    std::vector<Candidate> found;
    bool whole_photo = true;
    for (const double scale : pass_scales(bgr.size(), min_tile)) {
        const float min_score =
            whole_photo ? options.min_score : std::max(options.min_score, options.min_tile_score);
        whole_photo = false;
        const cv::Size size(
            std::clamp(static_cast<int>(std::lround(bgr.cols * scale)), 1, 1 << 20),
            std::clamp(static_cast<int>(std::lround(bgr.rows * scale)), 1, 1 << 20));
        cv::Mat scaled;
        cv::resize(bgr, scaled, size, 0, 0, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
        for (const int y : window_starts(size.height))
            for (const int x : window_starts(size.width)) {
                const cv::Rect window =
                    cv::Rect(x, y, model_input, model_input) & cv::Rect({0, 0}, size);
                run_window(net, outputs, scaled, window, scale, min_score, found);
            }
    }
    return merge_overlapping(std::move(found));
}

cv::Mat as_bgr(const cv::Mat& image) {
    if (image.depth() != CV_8U) throw Exception("FaceDetector: expects an 8-bit image");
    cv::Mat bgr;
    switch (image.channels()) {
        case 1:
            cv::cvtColor(image, bgr, cv::COLOR_GRAY2BGR);
            return bgr;
        case 3:
            return image;
        case 4:
            cv::cvtColor(image, bgr, cv::COLOR_BGRA2BGR);
            return bgr;
        default:
            throw Exception("FaceDetector: expects 1, 3 or 4 channels");
    }
}

cv::dnn::Net load_blazeface() {
    const auto model = blazeface_model_onnx();
    cv::dnn::Net net;
    try {
        net = cv::dnn::readNetFromONNX(reinterpret_cast<const char*>(model.data()), model.size());
    } catch (const cv::Exception& e) {
        throw Exception(std::string("cannot load the embedded face detector model: ") + e.what());
    }
    if (net.empty()) throw Exception("cannot load the embedded face detector model");
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    return net;
}

// cv::dnn::Net::forward is not thread-safe, so each concurrent detect() borrows a network of its
// own from a pool that grows to the number of callers at the same time (a few MB each).
class NetPool {
  public:
    NetPool() { m_idle.push_back(std::make_unique<cv::dnn::Net>(load_blazeface())); }

    std::unique_ptr<cv::dnn::Net> borrow() {
        {
            const std::lock_guard lock(m_mutex);
            if (!m_idle.empty()) {
                auto net = std::move(m_idle.back());
                m_idle.pop_back();
                return net;
            }
        }
        return std::make_unique<cv::dnn::Net>(load_blazeface());
    }
    void give_back(std::unique_ptr<cv::dnn::Net> net) {
        const std::lock_guard lock(m_mutex);
        m_idle.push_back(std::move(net));
    }

  private:
    std::mutex m_mutex;
    std::vector<std::unique_ptr<cv::dnn::Net>> m_idle;
};

class NetLease {
  public:
    explicit NetLease(NetPool& pool) : m_pool(pool), m_net(pool.borrow()) {}
    ~NetLease() { m_pool.give_back(std::move(m_net)); }
    NetLease(const NetLease&) = delete;
    NetLease& operator=(const NetLease&) = delete;
    cv::dnn::Net& net() const { return *m_net; }

  private:
    NetPool& m_pool;
    std::unique_ptr<cv::dnn::Net> m_net;
};

}  // namespace

struct FaceDetector::Impl {
    FaceDetectorOptions options;
    std::vector<std::string> outputs{"Identity:0", "Identity_1:0", "Identity_2:0", "Identity_3:0"};
    HogFaceDetector hog;
    NetPool nets;
};

FaceDetector::FaceDetector(FaceDetectorOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = options;
}

FaceDetector::~FaceDetector() = default;

std::vector<FaceBox> FaceDetector::detect(const cv::Mat& image) const {
    if (image.empty() || image.cols < 2 || image.rows < 2) return {};
    const cv::Mat bgr = as_bgr(image);
    const FaceDetectorOptions& options = impl_->options;

    std::vector<Candidate> candidates;
    {
        const NetLease lease(impl_->nets);
        candidates = run_blazeface(lease.net(), impl_->outputs, bgr, options);
    }
    if (options.use_dlib_hog) {
        for (const FaceBox& face : impl_->hog.detect(bgr))
            candidates.push_back(
                {cv::Rect2f(static_cast<float>(face.x), static_cast<float>(face.y),
                            static_cast<float>(face.width), static_cast<float>(face.height)),
                 face.score});
        candidates = merge_overlapping(std::move(candidates));
    }

    const cv::Rect2f bounds(0, 0, static_cast<float>(bgr.cols), static_cast<float>(bgr.rows));
    std::vector<FaceBox> faces;
    for (const auto& c : candidates) {
        const cv::Rect2f clipped = c.box & bounds;
        if (clipped.width < 1 || clipped.height < 1) continue;
        const int x = static_cast<int>(std::floor(clipped.x));
        const int y = static_cast<int>(std::floor(clipped.y));
        faces.push_back({x, y, static_cast<int>(std::ceil(clipped.br().x)) - x,
                         static_cast<int>(std::ceil(clipped.br().y)) - y, c.score});
    }
    return faces;
}

}  // namespace sightline::photo
