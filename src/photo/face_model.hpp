#pragma once
// The face detector's network, embedded into the binary at build time (cmake/EmbedBinary.cmake).

#include <span>

namespace sightline::photo {

/// MediaPipe BlazeFace back-camera model (256x256) as ONNX bytes; valid for the whole program.
std::span<const unsigned char> blazeface_model_onnx() noexcept;

}  // namespace sightline::photo
