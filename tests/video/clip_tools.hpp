#pragma once
// What the video tests share: clips made with the ffmpeg binary from frames the tests render
// (so the faces' positions in every frame are known), frames decoded back as a player shows
// them, ffprobe's view of a file, and the photo tests' criterion for "this face is blurred".

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "faces/face_detector.hpp"
#include "support/server_process.hpp"

namespace sightline::testing {

/// ../shared/data/faces/dlib_pascal_voc: 4 photos, 18 labelled faces.
const std::filesystem::path& faces_dir();
/// Environment CI=true: tests that need ../shared/data fail instead of skipping.
bool in_ci();

struct LabelledPhoto {
    std::string file;
    cv::Mat image;  ///< BGR
    std::vector<cv::Rect> faces;
};
/// The labelled photos of faces_dir(), in the order of faces_gt.csv; empty when absent.
const std::vector<LabelledPhoto>& labelled_photos();

/// The face detector of the faces module, loaded once.
const faces::FaceDetector& detector();

/// `ffmpeg -hide_banner -loglevel error -nostdin -y ARGS...`; a failure fails the test.
CliResult ffmpeg(std::vector<std::string> args, std::string stdin_bytes = "");

/// Encodes same-sized BGR frames at `fps` frames a second: rawvideo on ffmpeg's standard
/// input, then `output_args` (codec, metadata, ...) and `out`.
void encode_frames(const std::vector<cv::Mat>& frames, int fps,
                   const std::vector<std::string>& output_args, const std::filesystem::path& out);

/// Every frame as a player shows it (display matrix applied), BGR.
std::vector<cv::Mat> decode_frames(const std::filesystem::path& file);

/// `ffprobe -show_format -show_streams -show_chapters -of json`.
nlohmann::json probe(const std::filesystem::path& file);

/// Types of the top-level ISO-BMFF boxes of an MP4, in file order ("ftyp", "moov", ...).
std::vector<std::string> top_level_boxes(const std::filesystem::path& file);

/// A photo placed on a canvas: scaled by `scale`, its top-left corner at `at` (may be off the
/// canvas).
struct Placement {
    const LabelledPhoto* photo = nullptr;
    double scale = 1.0;
    cv::Point2d at;
};

/// One rendered frame and where its faces are (canvas pixels, not clipped).
struct RenderedFrame {
    cv::Mat image;
    std::vector<cv::Rect> faces;
};
RenderedFrame render(cv::Size canvas, const std::vector<Placement>& placements);

/// A clip as the tests make it: the frames and the faces in each.
struct Clip {
    std::vector<cv::Mat> frames;
    std::vector<std::vector<cv::Rect>> faces;
    void add(RenderedFrame frame) {
        frames.push_back(std::move(frame.image));
        faces.push_back(std::move(frame.faces));
    }
};

/// The photo tests' criterion (tests/unit/faces/face_detector_test.cpp) on every face of every
/// frame: in the output frame, the face's area differs from the decoded input frame by a mean
/// of more than 6 levels and keeps less than 1/20 of its detail (variance of the Laplacian).
/// Faces less than half inside the frame are not judged (too few pixels for the criterion).
struct BlurVerdict {
    int faces_judged = 0;
    int faces_blurred = 0;
    std::vector<std::string> misses;  ///< "frame 12 face (x,y,w,h): diff 3.1, detail 40 of 90"
};
BlurVerdict judge_blur(const std::vector<cv::Mat>& input, const std::vector<cv::Mat>& output,
                       const std::vector<std::vector<cv::Rect>>& faces);

/// Mean absolute difference of two frames outside the faces (each grown by one face size on
/// every side): small when the picture, its orientation and its alignment are preserved.
double difference_away_from_faces(const cv::Mat& a, const cv::Mat& b,
                                  const std::vector<cv::Rect>& faces);

}  // namespace sightline::testing
