#include "faces/onnx_input_shape.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string>

namespace sightline::faces {

std::span<const unsigned char> retinaface_model_onnx() noexcept;  // embedded in the library

namespace {

std::string varint(std::uint64_t v) {
    std::string out;
    do {
        auto byte = static_cast<unsigned char>(v & 0x7F);
        v >>= 7;
        if (v) byte |= 0x80;
        out.push_back(static_cast<char>(byte));
    } while (v);
    return out;
}

std::string field(int number, const std::string& payload) {
    return varint(static_cast<std::uint64_t>(number) << 3 | 2) + varint(payload.size()) + payload;
}

std::string int_field(int number, std::uint64_t value) {
    return varint(static_cast<std::uint64_t>(number) << 3) + varint(value);
}

// ModelProto { ir_version: 7, graph { node {...}, input { name, type { tensor_type { elem_type,
// shape { dim x4 } } } } } } - just the fields the rewrite walks, plus some it must skip.
std::string model(const std::string& name, std::uint64_t h, std::uint64_t w) {
    std::string shape;
    for (std::uint64_t d : {std::uint64_t{1}, std::uint64_t{3}, h, w})
        shape += field(1, int_field(1, d));
    const std::string tensor = int_field(1, 1) + field(2, shape);
    const std::string input = field(1, name) + field(2, field(1, tensor));
    const std::string graph = field(1, "a node we do not read") + field(11, input);
    return int_field(1, 7) + field(7, graph);
}

TEST(OnnxInputShape, RewritesHeightAndWidthInPlace) {
    std::string bytes = model("data", 640, 640);
    ASSERT_TRUE(set_onnx_input_size(bytes, "data", 8192, 1024));
    EXPECT_EQ(bytes, model("data", 8192, 1024));
}

TEST(OnnxInputShape, RefusesWhatWouldChangeALengthOrIsNotThere) {
    const std::string original = model("data", 640, 640);
    std::string bytes = original;
    EXPECT_FALSE(set_onnx_input_size(bytes, "data", 100, 640));  // one varint byte, not two
    EXPECT_FALSE(set_onnx_input_size(bytes, "image", 1024, 1024));
    EXPECT_FALSE(set_onnx_input_size(bytes, "data", 0, 1024));
    EXPECT_EQ(bytes, original);
    for (std::size_t cut = 0; cut < original.size(); ++cut) {
        std::string truncated = original.substr(0, cut);
        EXPECT_FALSE(set_onnx_input_size(truncated, "data", 1024, 1024)) << "cut at " << cut;
    }
}

TEST(OnnxInputShape, TheEmbeddedModelTakesTheLargeDeclaredInput) {
    const auto embedded = retinaface_model_onnx();
    std::string bytes(reinterpret_cast<const char*>(embedded.data()), embedded.size());
    ASSERT_GT(bytes.size(), 1'000'000u);
    EXPECT_TRUE(set_onnx_input_size(bytes, "data", 8192, 8192));
}

}  // namespace
}  // namespace sightline::faces
