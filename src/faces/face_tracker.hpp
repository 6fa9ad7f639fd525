#pragma once
// Keeps faces covered in the frames between detections. Detections are linked into tracks; a
// frame's boxes are interpolated between the observations around it, and extended before a
// track's first and after its last observation, growing with the distance in frames. Because
// interpolation needs the next observation, a frame's boxes are final only once the detector
// has gone `look_ahead()` frames past it: the caller holds frames back until settled_until().
// Pure logic, no pixels: unit-tested on its own.

#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "faces/camera_motion.hpp"
#include "faces/face_box.hpp"

namespace sightline::faces {

struct FaceTrackerOptions {
    /// Frames covered before a track's first detection (at least the longest detection
    /// interval: the face may have been there since the previous pass that could see it).
    int pre_roll_frames = 10;
    /// Frames covered after a track's last detection.
    int post_roll_frames = 10;
    /// A track missed by the detector for up to this many frames is interpolated across the gap.
    int max_gap_frames = 16;
    /// Extra size per frame away from the nearest observation, as a fraction of the box (each
    /// side grows by half of it): motion the model does not predict.
    double growth_per_frame = 0.03;
};

/// Options for a plan whose longest detection interval is `longest_interval` frames.
FaceTrackerOptions tracker_options_for(int longest_interval);

class FaceTracker {
  public:
    explicit FaceTracker(FaceTrackerOptions options = {});

    /// Where `frame`'s picture sits in the scene (CameraMotion). Tracks live in scene
    /// coordinates, so boxes between two detections follow the camera's shake and pan. Call it
    /// before add_detections() for that frame; a frame without one has the last one given
    /// (none given: the camera is taken to be still).
    void set_camera_offset(std::int64_t frame, CameraOffset offset);
    /// Everything found in `frame` by the passes run on it, in frame pixels (overlapping boxes
    /// from several passes are merged here). Frames must come in increasing order; call it also
    /// with no faces for a frame that was searched and where nothing was found.
    void add_detections(std::int64_t frame, std::span<const FaceBox> faces);
    /// Frames up to and including `frame` have been decoded and, where planned, searched.
    void advance_to(std::int64_t frame);
    /// No more frames: every frame is settled.
    void finish();

    /// Frames before this have final boxes.
    [[nodiscard]] std::int64_t settled_until() const noexcept;
    /// How many frames past a frame the tracker must have seen before that frame is settled.
    [[nodiscard]] int look_ahead() const noexcept;
    /// Boxes to blur in `frame` (frame pixels, not clipped, before the blur's own padding).
    [[nodiscard]] std::vector<FaceBox> boxes_for(std::int64_t frame) const;
    /// Drops what only frames before `frame` need (call after emitting them).
    void forget_before(std::int64_t frame);

    /// Tracks started so far (a face that leaves and comes back may count twice).
    [[nodiscard]] std::int64_t tracks_started() const noexcept { return m_tracks_started; }

  private:
    struct Observation {
        std::int64_t frame;
        FaceBox box;
    };
    struct Track {
        std::vector<Observation> observations;  ///< increasing frames
    };

    struct Shift {
        int x = 0;
        int y = 0;
    };
    [[nodiscard]] Shift shift_of(std::int64_t frame) const;
    [[nodiscard]] FaceBox predict(const Track& track, std::int64_t frame) const;
    [[nodiscard]] bool box_for(const Track& track, std::int64_t frame, FaceBox& out) const;

    FaceTrackerOptions m_options;
    std::vector<Track> m_tracks;             ///< observations in scene coordinates
    std::map<std::int64_t, Shift> m_shifts;  ///< frame -> camera offset, rounded
    std::int64_t m_seen_until = -1;          ///< last frame given to advance_to
    bool m_finished = false;
    std::int64_t m_tracks_started = 0;
};

}  // namespace sightline::faces
