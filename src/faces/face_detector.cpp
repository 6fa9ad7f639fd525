// RetinaFace (MobileNet-0.25, InsightFace's "mnet.25", ONNX from the npm package retinaface@0.0.6)
// on OpenCV DNN. Pre- and post-processing follow the model's MXNet origin: RGB input in 0..255
// (the graph itself subtracts 127.5 and scales by 1/128), three heads at strides 32/16/8 with
// two square anchors each (base 16 px times 32,16 / 8,4 / 2,1), softmax scores [background x2,
// face x2] and box deltas (dx, dy, dw, dh) relative to the anchor.

#include "faces/face_detector.hpp"

#include "faces/detection_plan.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <mutex>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <span>
#include <string>

#include "core/error.hpp"
#include "faces/onnx_input_shape.hpp"

namespace sightline::faces {

std::span<const unsigned char> retinaface_model_onnx() noexcept;  // embedded (CMakeLists.txt)

namespace {

// Declared input size written into the model before OpenCV imports it: larger than any pass.
constexpr int declared_input_side = 8192;
constexpr int stride_alignment = 32;   // the coarsest stride: inputs are padded to a multiple
constexpr int coarse_pass_side = 640;  // photos: the pass for faces beyond the largest anchor
// Photos: the fine pass runs over tiles of the scaled photo, each at most this many pixels (the
// network's buffers take ~90 bytes per input pixel: at most ~110 MB). The coarse pass finds faces
// from ~20 px at 640 px, i.e. from ~64 px in a 2048 px fine pass; tiles overlap by more, so every
// face the coarse pass may miss lies whole in one tile.
constexpr int max_tile_pixels = 800'000;
constexpr int tile_overlap = 96;
constexpr float nms_iou = 0.3f;
constexpr float contained_fraction = 0.7f;  // a box mostly inside another is the same face

struct Head {
    int stride;
    std::array<float, 2> anchor_sides;  // 16 px x the head's two scales
    const char* scores;
    const char* boxes;
};
constexpr std::array<Head, 3> heads{{
    {32, {512.f, 256.f}, "face_rpn_cls_prob_reshape_stride32", "face_rpn_bbox_pred_stride32"},
    {16, {128.f, 64.f}, "face_rpn_cls_prob_reshape_stride16", "face_rpn_bbox_pred_stride16"},
    {8, {32.f, 16.f}, "face_rpn_cls_prob_reshape_stride8", "face_rpn_bbox_pred_stride8"},
}};

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

// Weighted non-maximum suppression: boxes that overlap the best remaining one are averaged into
// it, weighted by score; a box mostly contained in another (the same face seen by two passes
// with different margins) is absorbed by the union, which errs towards blurring more.
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

cv::Mat as_mat(const ImageView& image) {
    if (image.channels != 1 && image.channels != 3 && image.channels != 4)
        throw Exception("FaceDetector: expects 1, 3 or 4 channels");
    return cv::Mat(image.height, image.width, CV_8UC(image.channels), image.data,
                   static_cast<std::size_t>(image.stride));
}

// Three channels in the view's order (grey becomes three equal channels).
cv::Mat three_channels(const cv::Mat& image) {
    cv::Mat out;
    switch (image.channels()) {
        case 1:
            cv::cvtColor(image, out, cv::COLOR_GRAY2BGR);
            return out;
        case 4:
            cv::cvtColor(image, out, cv::COLOR_BGRA2BGR);  // drops alpha, keeps the order
            return out;
        default:
            return image;
    }
}

cv::dnn::Net load_retinaface() {
    const auto embedded = retinaface_model_onnx();
    std::string model(reinterpret_cast<const char*>(embedded.data()), embedded.size());
    if (!set_onnx_input_size(model, "data", declared_input_side, declared_input_side))
        throw Exception("the embedded face detector model has an unexpected input");
    cv::dnn::Net net;
    try {
        net = cv::dnn::readNetFromONNX(model.data(), model.size());
    } catch (const cv::Exception& e) {
        throw Exception(std::string("cannot load the embedded face detector model: ") + e.what());
    }
    if (net.empty()) throw Exception("cannot load the embedded face detector model");
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    return net;
}

// cv::dnn::Net::forward is not thread-safe, so each concurrent pass borrows a network of its own.
// A network allocates its buffers for one input shape and reallocates them (costing as much as a
// pass) when the shape changes, so idle networks are kept per shape: a photo's strips and its
// coarse pass, or a video's two passes, each find a network already set up for them. At most
// `max_idle` idle networks are kept (each holds its buffers: ~100 bytes per input pixel).
class NetPool {
  public:
    static constexpr std::size_t max_idle = 4;

    struct Lease {
        std::unique_ptr<cv::dnn::Net> net;
        cv::Size shape;
    };

    Lease borrow(cv::Size shape) {
        {
            const std::lock_guard lock(m_mutex);
            auto same = std::ranges::find(m_idle, shape, &Lease::shape);
            if (same == m_idle.end() && m_idle.size() >= max_idle) same = m_idle.begin();
            if (same != m_idle.end()) {
                Lease lease = std::move(*same);
                m_idle.erase(same);
                lease.shape = shape;
                return lease;
            }
        }
        return {std::make_unique<cv::dnn::Net>(load_retinaface()), shape};
    }
    void give_back(Lease lease) {
        const std::lock_guard lock(m_mutex);
        m_idle.push_back(std::move(lease));  // most recently used last
        if (m_idle.size() > max_idle) m_idle.erase(m_idle.begin());
    }

  private:
    std::mutex m_mutex;
    std::vector<Lease> m_idle;
};

int round_up(int value, int multiple) {
    return (value + multiple - 1) / multiple * multiple;
}

// One pass of the network over `bgr` as given; candidates in its pixels, divided by `scale` to
// get back to the caller's image.
void run_pass(NetPool& pool, const cv::Mat& bgr, bool is_rgb, double scale, cv::Point2f offset,
              float min_score, std::vector<Candidate>& found) {
    const int padded_width = round_up(bgr.cols, stride_alignment);
    const int padded_height = round_up(bgr.rows, stride_alignment);
    cv::Mat canvas;
    cv::copyMakeBorder(bgr, canvas, 0, padded_height - bgr.rows, 0, padded_width - bgr.cols,
                       cv::BORDER_CONSTANT, cv::Scalar::all(0));
    NetPool::Lease lease = pool.borrow({padded_width, padded_height});
    struct GiveBack {
        NetPool& pool;
        NetPool::Lease& lease;
        ~GiveBack() { pool.give_back(std::move(lease)); }
    } give_back{pool, lease};
    cv::dnn::Net& net = *lease.net;
    // The network wants RGB.
    net.setInput(cv::dnn::blobFromImage(canvas, 1.0, {}, {}, /*swapRB=*/!is_rgb, /*crop=*/false));

    static const std::vector<std::string> names = [] {
        std::vector<std::string> n;
        for (const Head& head : heads) {
            n.emplace_back(head.scores);
            n.emplace_back(head.boxes);
        }
        return n;
    }();
    std::vector<cv::Mat> outputs;
    net.forward(outputs, names);

    const float limit_x = static_cast<float>(bgr.cols);
    const float limit_y = static_cast<float>(bgr.rows);
    for (std::size_t h = 0; h < heads.size(); ++h) {
        const Head& head = heads[h];
        const cv::Mat& scores = outputs[2 * h];      // [1, 4, H, W]: background x2, face x2
        const cv::Mat& deltas = outputs[2 * h + 1];  // [1, 8, H, W]: (dx, dy, dw, dh) x2
        const int rows = scores.size[2];
        const int cols = scores.size[3];
        const std::size_t plane = static_cast<std::size_t>(rows) * cols;
        const auto* score = scores.ptr<float>();
        const auto* delta = deltas.ptr<float>();
        for (std::size_t a = 0; a < head.anchor_sides.size(); ++a) {
            const float side = head.anchor_sides[a];
            const float* face = score + (head.anchor_sides.size() + a) * plane;
            const float* d = delta + a * 4 * plane;
            for (int y = 0; y < rows; ++y)
                for (int x = 0; x < cols; ++x) {
                    const std::size_t i = static_cast<std::size_t>(y) * cols + x;
                    if (face[i] < min_score) continue;
                    // Anchor centre as in InsightFace's generate_anchors: (base - 1) / 2.
                    const float centre_x = x * head.stride + 7.5f + side * d[i];
                    const float centre_y = y * head.stride + 7.5f + side * d[plane + i];
                    const float width = side * std::exp(std::min(d[2 * plane + i], 4.f));
                    const float height = side * std::exp(std::min(d[3 * plane + i], 4.f));
                    if (centre_x < 0 || centre_y < 0 || centre_x > limit_x || centre_y > limit_y)
                        continue;  // centred in the padding
                    const auto s = static_cast<float>(scale);
                    found.push_back(
                        {cv::Rect2f((offset.x + centre_x - width / 2) / s,
                                    (offset.y + centre_y - height / 2) / s, width / s, height / s),
                         face[i]});
                }
        }
    }
}

cv::Mat resized(const cv::Mat& image, double scale) {
    if (std::abs(scale - 1.0) < 1e-9) return image;
    const cv::Size size(std::max(1, static_cast<int>(std::lround(image.cols * scale))),
                        std::max(1, static_cast<int>(std::lround(image.rows * scale))));
    cv::Mat out;
    cv::resize(image, out, size, 0, 0, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
    return out;
}

// The fine pass's scale: the longest side at most `max_side`, small images enlarged by at most
// `max_upscale`. A reduction by a whole factor (1/2, 1/3, ...) that keeps at least 90 % of
// `max_side` is preferred: area averaging by a whole factor is several times faster than by a
// fraction (a 4000 px photo becomes 2000 px instead of 2048 px, faces 2 % smaller).
double fine_scale(int longest, int max_side, double max_upscale) {
    const double exact = std::min(max_upscale, static_cast<double>(max_side) / longest);
    if (exact >= 1.0) return exact;
    const int factor = (longest + max_side - 1) / max_side;
    return longest / factor >= max_side * 9 / 10 ? 1.0 / factor : exact;
}

std::vector<FaceBox> to_boxes(const std::vector<Candidate>& candidates, int width, int height) {
    const cv::Rect2f bounds(0, 0, static_cast<float>(width), static_cast<float>(height));
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

}  // namespace

struct FaceDetector::Impl {
    FaceDetectorOptions options;
    NetPool nets;
};

FaceDetector::FaceDetector(FaceDetectorOptions options) : m_impl(std::make_unique<Impl>()) {
    m_impl->options = options;
}

FaceDetector::~FaceDetector() = default;

const FaceDetectorOptions& FaceDetector::options() const noexcept {
    return m_impl->options;
}

std::vector<FaceBox> FaceDetector::detect(const ImageView& image) const try {
    if (image.empty() || image.width < 2 || image.height < 2) return {};
    const cv::Mat bgr = three_channels(as_mat(image));
    const bool is_rgb = image.order == ChannelOrder::rgb;
    const FaceDetectorOptions& options = m_impl->options;
    const int longest = std::max(bgr.cols, bgr.rows);
    const double fine = fine_scale(longest, std::max(options.max_side, 32), options.max_upscale);
    std::vector<Candidate> candidates;
    // The fine pass in tiles: the network's buffers (~90 bytes per input pixel) stay those of
    // one tile. Tiles overlap by more than the largest face the coarse pass might miss, so every
    // such face lies whole in one tile.
    const cv::Mat scaled = resized(bgr, fine);
    const Tiles tiles = plan_tiles(scaled.cols, scaled.rows, max_tile_pixels, tile_overlap);
    for (const int y : tiles.ys)
        for (const int x : tiles.xs)
            run_pass(m_impl->nets, scaled(cv::Rect(x, y, tiles.width, tiles.height)), is_rgb, fine,
                     cv::Point2f(static_cast<float>(x), static_cast<float>(y)), options.min_score,
                     candidates);
    // Faces wider than the largest anchors (~512 px in the fine pass) need a smaller copy.
    if (longest * fine > coarse_pass_side) {
        // From the fine copy, not the photo: a tenth of the pixels to average.
        const double coarse = static_cast<double>(coarse_pass_side) / longest;
        run_pass(m_impl->nets, resized(scaled, coarse / fine), is_rgb, coarse, {},
                 options.min_score, candidates);
    }
    return to_boxes(merge_overlapping(std::move(candidates)), bgr.cols, bgr.rows);
} catch (const cv::Exception& e) {
    throw Exception(std::string("face detection failed: ") + e.what());
}

std::vector<FaceBox> FaceDetector::detect_once(const ImageView& image) const try {
    if (image.empty() || image.width < 2 || image.height < 2) return {};
    const cv::Mat bgr = three_channels(as_mat(image));
    std::vector<Candidate> candidates;
    run_pass(m_impl->nets, bgr, image.order == ChannelOrder::rgb, 1.0, {},
             m_impl->options.min_score, candidates);
    return to_boxes(merge_overlapping(std::move(candidates)), bgr.cols, bgr.rows);
} catch (const cv::Exception& e) {
    throw Exception(std::string("face detection failed: ") + e.what());
}

}  // namespace sightline::faces
