#pragma once
// How a video frame's faces are blurred: faces::blur_faces on each face's area grown a
// little, for frames that go through a lossy encoder (see frame_blur.cpp); overlapping
// areas are blurred as one.

#include <span>

#include "faces/face_box.hpp"
#include "video/av_handles.hpp"

namespace sightline::video {

/// Blurs `faces` (frame pixels, as FaceTracker::boxes_for gives them) in a writable yuv420p
/// frame of even size.
void blur_frame(AVFrame& frame, std::span<const faces::FaceBox> faces);

}  // namespace sightline::video
