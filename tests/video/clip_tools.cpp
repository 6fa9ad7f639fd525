#include "clip_tools.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "support/csv_reader.hpp"

namespace sightline::testing {

const std::filesystem::path& faces_dir() {
    static const std::filesystem::path dir = SIGHTLINE_SHARED_DATA "/faces/dlib_pascal_voc";
    return dir;
}

bool in_ci() {
    const char* ci = std::getenv("CI");
    return ci != nullptr && std::string_view(ci) == "true";
}

const std::vector<LabelledPhoto>& labelled_photos() {
    static const std::vector<LabelledPhoto> photos = [] {
        std::vector<LabelledPhoto> out;
        std::ifstream in(faces_dir() / "faces_gt.csv");
        if (!in) return out;
        std::stringstream text;
        text << in.rdbuf();
        // split,image,image_width,image_height,x,y,w,h,ignore (one row per face)
        const auto rows = parse_csv(text.str());
        for (std::size_t i = 1; i < rows.size(); ++i) {
            const auto& row = rows[i];
            if (row.size() < 9) continue;
            if (out.empty() || out.back().file != row[1]) {
                out.push_back({row[1], cv::imread((faces_dir() / row[1]).string()), {}});
                if (out.back().image.empty())
                    throw std::runtime_error("cannot read " + (faces_dir() / row[1]).string());
            }
            out.back().faces.emplace_back(std::stoi(row[4]), std::stoi(row[5]), std::stoi(row[6]),
                                          std::stoi(row[7]));
        }
        return out;
    }();
    return photos;
}

const faces::FaceDetector& detector() {
    static const faces::FaceDetector instance;
    return instance;
}

CliResult ffmpeg(std::vector<std::string> args, std::string stdin_bytes) {
    args.insert(args.begin(), {"-hide_banner", "-loglevel", "error", "-y"});
    if (stdin_bytes.empty()) args.insert(args.begin(), "-nostdin");
    auto result = run_program("/usr/bin/ffmpeg", std::move(args), std::move(stdin_bytes));
    EXPECT_EQ(result.exit_code, 0) << "ffmpeg failed: " << result.err;
    return result;
}

void encode_frames(const std::vector<cv::Mat>& frames, int fps,
                   const std::vector<std::string>& output_args, const std::filesystem::path& out) {
    ASSERT_FALSE(frames.empty());
    const cv::Size size = frames.front().size();
    std::string raw;
    raw.reserve(frames.size() * frames.front().total() * 3);
    for (const cv::Mat& frame : frames) {
        ASSERT_EQ(frame.size(), size);
        ASSERT_EQ(frame.type(), CV_8UC3);
        const cv::Mat continuous = frame.isContinuous() ? frame : frame.clone();
        raw.append(reinterpret_cast<const char*>(continuous.data), continuous.total() * 3);
    }
    std::vector<std::string> args = {
        "-f",       "rawvideo",
        "-pix_fmt", "bgr24",
        "-s",       std::to_string(size.width) + "x" + std::to_string(size.height),
        "-r",       std::to_string(fps),
        "-i",       "-"};
    args.insert(args.end(), output_args.begin(), output_args.end());
    args.push_back(out.string());
    ffmpeg(std::move(args), std::move(raw));
}

std::vector<cv::Mat> decode_frames(const std::filesystem::path& file) {
    // PPM frames carry their own size: no need to know it (or the rotation) in advance.
    auto result =
        ffmpeg({"-i", file.string(), "-f", "image2pipe", "-c:v", "ppm", "-pix_fmt", "rgb24", "-"});
    std::vector<cv::Mat> frames;
    const std::string& data = result.out;
    std::size_t at = 0;
    while (at < data.size()) {
        std::istringstream header(data.substr(at, 64));
        std::string magic;
        int width = 0;
        int height = 0;
        int maxval = 0;
        header >> magic >> width >> height >> maxval;
        if (magic != "P6" || width <= 0 || height <= 0 || maxval != 255) {
            ADD_FAILURE() << "unexpected PPM stream at byte " << at;
            break;
        }
        const auto header_length = static_cast<std::size_t>(header.tellg()) + 1;
        const std::size_t bytes = static_cast<std::size_t>(width) * height * 3;
        if (at + header_length + bytes > data.size()) {
            ADD_FAILURE() << "truncated PPM stream";
            break;
        }
        cv::Mat rgb(height, width, CV_8UC3, const_cast<char*>(data.data() + at + header_length));
        cv::Mat bgr;
        cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
        frames.push_back(std::move(bgr));
        at += header_length + bytes;
    }
    return frames;
}

nlohmann::json probe(const std::filesystem::path& file) {
    auto result = run_program("/usr/bin/ffprobe", {"-v", "error", "-show_format", "-show_streams",
                                                   "-show_chapters", "-of", "json", file.string()});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return nlohmann::json::parse(result.out, nullptr, false);
}

std::vector<std::string> top_level_boxes(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::vector<std::string> types;
    const auto size = static_cast<std::uint64_t>(std::filesystem::file_size(file));
    std::uint64_t at = 0;
    while (at + 8 <= size) {
        unsigned char header[16] = {};
        in.seekg(static_cast<std::streamoff>(at));
        in.read(reinterpret_cast<char*>(header), 16);
        std::uint64_t box =
            (std::uint64_t{header[0]} << 24) | (header[1] << 16) | (header[2] << 8) | header[3];
        types.emplace_back(reinterpret_cast<char*>(header + 4), 4);
        if (box == 1) {
            box = 0;
            for (int i = 8; i < 16; ++i)
                box = (box << 8) | header[i];
        } else if (box == 0) {
            box = size - at;
        }
        if (box < 8) break;
        at += box;
    }
    return types;
}

RenderedFrame render(cv::Size canvas, const std::vector<Placement>& placements) {
    RenderedFrame out;
    // A soft gradient rather than a flat colour: the encoder sees something like a scene.
    out.image.create(canvas, CV_8UC3);
    for (int y = 0; y < canvas.height; ++y)
        for (int x = 0; x < canvas.width; ++x)
            out.image.at<cv::Vec3b>(y, x) =
                cv::Vec3b(static_cast<uchar>(60 + 80 * x / canvas.width),
                          static_cast<uchar>(90 + 60 * y / canvas.height), 110);
    for (const Placement& p : placements) {
        const cv::Mat transform =
            (cv::Mat_<double>(2, 3) << p.scale, 0, p.at.x, 0, p.scale, p.at.y);
        cv::warpAffine(p.photo->image, out.image, transform, canvas, cv::INTER_LINEAR,
                       cv::BORDER_TRANSPARENT);
        for (const cv::Rect& face : p.photo->faces) {
            const int x0 = static_cast<int>(std::lround(face.x * p.scale + p.at.x));
            const int y0 = static_cast<int>(std::lround(face.y * p.scale + p.at.y));
            const int x1 = static_cast<int>(std::lround((face.x + face.width) * p.scale + p.at.x));
            const int y1 = static_cast<int>(std::lround((face.y + face.height) * p.scale + p.at.y));
            out.faces.emplace_back(x0, y0, x1 - x0, y1 - y0);
        }
    }
    return out;
}

namespace {

double laplacian_variance(const cv::Mat& bgr) {
    cv::Mat grey;
    cv::Mat laplacian;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    cv::Laplacian(grey, laplacian, CV_64F);
    cv::Scalar mean;
    cv::Scalar stddev;
    cv::meanStdDev(laplacian, mean, stddev);
    return stddev[0] * stddev[0];
}

}  // namespace

BlurVerdict judge_blur(const std::vector<cv::Mat>& input, const std::vector<cv::Mat>& output,
                       const std::vector<std::vector<cv::Rect>>& faces) {
    BlurVerdict verdict;
    const std::size_t frames = std::min({input.size(), output.size(), faces.size()});
    for (std::size_t i = 0; i < frames; ++i) {
        const cv::Rect bounds(0, 0, output[i].cols, output[i].rows);
        for (const cv::Rect& face : faces[i]) {
            const cv::Rect box = face & bounds;
            if (box.area() * 2 < face.area() || box.width < 8 || box.height < 8) continue;
            ++verdict.faces_judged;
            cv::Mat difference;
            cv::absdiff(input[i](box), output[i](box), difference);
            const cv::Scalar mean = cv::mean(difference);
            const double diff = (mean[0] + mean[1] + mean[2]) / 3;
            const double before = laplacian_variance(input[i](box));
            const double after = laplacian_variance(output[i](box));
            if (diff > 6.0 && after * 20 < before) {
                ++verdict.faces_blurred;
            } else {
                std::ostringstream miss;
                miss << "frame " << i << " face " << face << ": diff " << diff << ", detail "
                     << after << " of " << before;
                verdict.misses.push_back(miss.str());
            }
        }
    }
    return verdict;
}

double difference_away_from_faces(const cv::Mat& a, const cv::Mat& b,
                                  const std::vector<cv::Rect>& faces) {
    cv::Mat mask(a.size(), CV_8U, cv::Scalar(255));
    for (const cv::Rect& f : faces) {
        const cv::Rect grown(f.x - f.width, f.y - f.height, f.width * 3, f.height * 3);
        mask(grown & cv::Rect(0, 0, a.cols, a.rows)) = 0;
    }
    if (cv::countNonZero(mask) == 0) return 0;
    cv::Mat difference;
    cv::absdiff(a, b, difference);
    const cv::Scalar mean = cv::mean(difference, mask);
    return (mean[0] + mean[1] + mean[2]) / 3;
}

}  // namespace sightline::testing
