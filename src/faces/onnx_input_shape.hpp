#pragma once
// Rewrites the declared height and width of an ONNX model's input in place. OpenCV 4.6's ONNX
// importer folds Shape -> Slice chains into constants computed from the declared input size, so a
// fully convolutional model exported for 640x640 breaks at any other size unless its declared
// size is at least the largest size it will see (docs/adr/006-media-scrubbing.md).

#include <string>
#include <string_view>

namespace sightline::faces {

/// Sets dims 2 and 3 (H, W of NCHW) of the graph input called `input_name` in the serialized
/// ModelProto `model`. The new values must encode to as many varint bytes as the old ones
/// (e.g. 640 -> 8192, both two bytes), so that no enclosing length changes. False (and `model`
/// unchanged) when the input is not found, is not 4-D with fixed dims, or a length would change.
bool set_onnx_input_size(std::string& model, std::string_view input_name, int height, int width);

}  // namespace sightline::faces
