#pragma once

namespace sightline::faces {

/// A face in pixel coordinates of the image it was found in (top-left corner and size).
struct FaceBox {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;
    float score = 0;  ///< detector confidence in (0, 1]; 1 for boxes a tracker made up

    friend bool operator==(const FaceBox&, const FaceBox&) = default;
};

}  // namespace sightline::faces
