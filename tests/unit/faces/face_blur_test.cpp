#include "faces/face_blur.hpp"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace sightline::faces {
namespace {

ImageView view_of(cv::Mat& image) {
    return {image.data, image.cols, image.rows, static_cast<std::ptrdiff_t>(image.step),
            image.channels()};
}

PlaneView plane_of(cv::Mat& plane) {
    return {plane.data, plane.cols, plane.rows, static_cast<std::ptrdiff_t>(plane.step)};
}

cv::Mat noise(int rows, int cols, int type, int seed) {
    cv::Mat m(rows, cols, type);
    cv::RNG rng(static_cast<std::uint64_t>(seed));
    rng.fill(m, cv::RNG::UNIFORM, cv::Scalar::all(0), cv::Scalar::all(256));
    return m;
}

double laplacian_variance(const cv::Mat& grey) {
    cv::Mat laplacian;
    cv::Laplacian(grey, laplacian, CV_64F);
    cv::Scalar mean, stddev;
    cv::meanStdDev(laplacian, mean, stddev);
    return stddev[0] * stddev[0];
}

TEST(BlurFaces, ClampsBoxesToTheImage) {
    cv::Mat original = noise(100, 120, CV_8UC3, 3);
    cv::Mat blurred = original.clone();
    const std::vector<FaceBox> faces{
        {-20, -30, 50, 50, 1},  // top-left corner, partly outside
        {90, 70, 60, 60, 1},    // bottom-right corner, partly outside
        {500, 500, 40, 40, 1},  // entirely outside
        {10, 10, 0, 0, 1},      // empty
    };
    blur_faces(view_of(blurred), faces, 0.0);

    cv::Mat difference;
    cv::absdiff(original, blurred, difference);
    const cv::Rect top_left(0, 0, 30, 20);
    const cv::Rect bottom_right(90, 70, 30, 30);
    EXPECT_GT(cv::mean(difference(top_left))[0], 20);
    EXPECT_GT(cv::mean(difference(bottom_right))[0], 20);
    cv::Mat grey_difference;
    cv::cvtColor(difference, grey_difference, cv::COLOR_BGR2GRAY);
    grey_difference(top_left) = 0;
    grey_difference(bottom_right) = 0;
    EXPECT_EQ(cv::countNonZero(grey_difference), 0);
}

TEST(BlurFaces, DoesNothingToAnEmptyImage) {
    cv::Mat empty;
    const std::vector<FaceBox> faces{{0, 0, 10, 10, 1}};
    blur_faces(view_of(empty), faces);
    EXPECT_TRUE(empty.empty());
}

// A YUV 4:2:0 frame: the luma area and the chroma samples under it lose their detail; every
// other sample of every plane is untouched.
TEST(BlurFaces, BlursTheSameAreaInEveryPlaneOfAYuvFrame) {
    const int width = 161;  // odd: chroma planes round up
    const int height = 121;
    cv::Mat y = noise(height, width, CV_8UC1, 1);
    cv::Mat u = noise((height + 1) / 2, (width + 1) / 2, CV_8UC1, 2);
    cv::Mat v = noise((height + 1) / 2, (width + 1) / 2, CV_8UC1, 3);
    const cv::Mat y0 = y.clone(), u0 = u.clone(), v0 = v.clone();
    const std::vector<FaceBox> faces{{41, 31, 48, 48, 1}};
    blur_faces(Yuv420View{plane_of(y), plane_of(u), plane_of(v)}, faces, 0.25);

    const cv::Rect luma(41 - 12, 31 - 12, 48 + 24, 48 + 24);
    const cv::Rect chroma(cv::Point(luma.x / 2, luma.y / 2),
                          cv::Point((luma.br().x + 1) / 2, (luma.br().y + 1) / 2));
    EXPECT_LT(laplacian_variance(y(luma)) * 20, laplacian_variance(y0(luma)));
    EXPECT_LT(laplacian_variance(u(chroma)) * 20, laplacian_variance(u0(chroma)));
    EXPECT_LT(laplacian_variance(v(chroma)) * 20, laplacian_variance(v0(chroma)));

    const auto changed_outside = [](const cv::Mat& now, const cv::Mat& before, cv::Rect area) {
        cv::Mat difference;
        cv::absdiff(now, before, difference);
        difference(area) = 0;
        return cv::countNonZero(difference);
    };
    EXPECT_EQ(changed_outside(y, y0, luma), 0);
    EXPECT_EQ(changed_outside(u, u0, chroma), 0);
    EXPECT_EQ(changed_outside(v, v0, chroma), 0);
}

TEST(BlurFaces, YuvBoxesAtTheEdgesAreClamped) {
    cv::Mat y = noise(64, 64, CV_8UC1, 4);
    cv::Mat u = noise(32, 32, CV_8UC1, 5);
    cv::Mat v = noise(32, 32, CV_8UC1, 6);
    const cv::Mat y0 = y.clone();
    const std::vector<FaceBox> faces{{50, 50, 40, 40, 1}, {-100, -100, 10, 10, 1}};
    blur_faces(Yuv420View{plane_of(y), plane_of(u), plane_of(v)}, faces, 0.0);
    cv::Mat difference;
    cv::absdiff(y, y0, difference);
    EXPECT_GT(cv::countNonZero(difference(cv::Rect(50, 50, 14, 14))), 0);
    difference(cv::Rect(50, 50, 14, 14)) = 0;
    EXPECT_EQ(cv::countNonZero(difference), 0);
}

}  // namespace
}  // namespace sightline::faces
