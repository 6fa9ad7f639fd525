#pragma once
// How far the whole picture moved between consecutive video frames: the shake and pan of a
// hand-held phone. FaceTracker interpolates a face's box between two detections in the scene's
// coordinates (frame pixels plus the camera's offset), so a face that stands still while the
// camera shakes is covered exactly in the frames between, instead of on a straight line between
// two shaken positions. Phase correlation of the luma, downscaled to ~256 pixels wide: about a
// millisecond per frame. See docs/adr/006-media-scrubbing.md.

#include <memory>

#include "faces/image_view.hpp"

namespace sightline::faces {

/// Where a frame's picture sits in the scene: a point at (x, y) of the frame is at
/// (x + x_offset, y + y_offset) of the scene.
struct CameraOffset {
    double x = 0;
    double y = 0;
};

class CameraMotion {
  public:
    CameraMotion();
    ~CameraMotion();
    CameraMotion(const CameraMotion&) = delete;
    CameraMotion& operator=(const CameraMotion&) = delete;

    /// The next frame's luma (frames in order, all of one size). Returns its offset: (0, 0) for
    /// the first frame, then the previous offset minus the picture's movement. A movement the
    /// correlation is not sure of (a cut, a picture without texture, a foreground filling the
    /// frame) counts as none, which is what the tracker assumed before.
    CameraOffset next(const PlaneView& luma);

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace sightline::faces
