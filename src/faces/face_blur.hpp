#pragma once
// The irreversible blur of faces, for photos (BGR) and video frames (YUV 4:2:0).

#include <span>

#include "faces/face_box.hpp"
#include "faces/image_view.hpp"

namespace sightline::faces {

/// Fraction of a face's width and height added on each side before blurring.
constexpr double default_blur_padding = 0.25;

/// Blurs each box grown by `padding`, in place: pixelated into blocks of 1/8 of the face (at
/// least 6 px) that are then blurred into each other. Areas that overlap are blurred together as
/// their bounding box. Areas are clamped to the image; pixels outside them (and outside the
/// bounding boxes of overlapping ones) are left exactly as they were. BGR, BGRA or grey.
void blur_faces(const ImageView& image, std::span<const FaceBox> faces,
                double padding = default_blur_padding);

/// The same on a YUV 4:2:0 frame: boxes are in luma pixels; the chroma planes get the same areas
/// at half size, so the result matches blurring the RGB picture.
void blur_faces(const Yuv420View& frame, std::span<const FaceBox> faces,
                double padding = default_blur_padding);

}  // namespace sightline::faces
