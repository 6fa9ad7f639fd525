#include "faces/onnx_input_shape.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace sightline::faces {
namespace {

// Protocol buffers wire format: https://protobuf.dev/programming-guides/encoding/
constexpr int wire_varint = 0;
constexpr int wire_fixed64 = 1;
constexpr int wire_length = 2;
constexpr int wire_fixed32 = 5;

// ModelProto.graph = 7, GraphProto.input = 11, ValueInfoProto.name = 1 / .type = 2,
// TypeProto.tensor_type = 1, TypeProto.Tensor.shape = 2, TensorShapeProto.dim = 1,
// TensorShapeProto.Dimension.dim_value = 1 (onnx/onnx.proto).
constexpr std::uint64_t model_graph = 7;
constexpr std::uint64_t graph_input = 11;
constexpr std::uint64_t value_info_name = 1;
constexpr std::uint64_t value_info_type = 2;
constexpr std::uint64_t type_tensor = 1;
constexpr std::uint64_t tensor_shape = 2;
constexpr std::uint64_t shape_dim = 1;
constexpr std::uint64_t dim_value = 1;

struct Field {
    std::uint64_t number = 0;
    int wire_type = 0;
    std::size_t value_begin = 0;  ///< offset of the value (after tag and, for LEN, its length)
    std::size_t value_end = 0;
};

std::optional<std::uint64_t> read_varint(std::string_view bytes, std::size_t& at) {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64 && at < bytes.size(); shift += 7) {
        const auto byte = static_cast<unsigned char>(bytes[at++]);
        value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
        if ((byte & 0x80) == 0) return value;
    }
    return std::nullopt;
}

// The fields of the message occupying [begin, end).
std::optional<std::vector<Field>> fields_of(std::string_view bytes, std::size_t begin,
                                            std::size_t end) {
    std::vector<Field> fields;
    std::size_t at = begin;
    while (at < end) {
        auto tag = read_varint(bytes, at);
        if (!tag) return std::nullopt;
        Field field{*tag >> 3, static_cast<int>(*tag & 7), 0, 0};
        switch (field.wire_type) {
            case wire_varint:
                field.value_begin = at;
                if (!read_varint(bytes, at)) return std::nullopt;
                field.value_end = at;
                break;
            case wire_fixed64:
                field.value_begin = at;
                at += 8;
                field.value_end = at;
                break;
            case wire_fixed32:
                field.value_begin = at;
                at += 4;
                field.value_end = at;
                break;
            case wire_length: {
                auto length = read_varint(bytes, at);
                if (!length || *length > end - at) return std::nullopt;
                field.value_begin = at;
                at += *length;
                field.value_end = at;
                break;
            }
            default:
                return std::nullopt;  // groups are not used by ONNX
        }
        if (at > end) return std::nullopt;
        fields.push_back(field);
    }
    return fields;
}

std::optional<Field> first_field(std::string_view bytes, const Field& message,
                                 std::uint64_t number) {
    auto fields = fields_of(bytes, message.value_begin, message.value_end);
    if (!fields) return std::nullopt;
    for (const auto& f : *fields)
        if (f.number == number && f.wire_type == wire_length) return f;
    return std::nullopt;
}

std::string encode_varint(std::uint64_t value) {
    std::string out;
    do {
        auto byte = static_cast<unsigned char>(value & 0x7F);
        value >>= 7;
        if (value != 0) byte |= 0x80;
        out.push_back(static_cast<char>(byte));
    } while (value != 0);
    return out;
}

}  // namespace

bool set_onnx_input_size(std::string& model, std::string_view input_name, int height, int width) {
    if (height <= 0 || width <= 0) return false;
    const std::string_view bytes(model);
    auto top = fields_of(bytes, 0, bytes.size());
    if (!top) return false;
    for (const auto& graph : *top) {
        if (graph.number != model_graph || graph.wire_type != wire_length) continue;
        auto graph_fields = fields_of(bytes, graph.value_begin, graph.value_end);
        if (!graph_fields) return false;
        for (const auto& input : *graph_fields) {
            if (input.number != graph_input || input.wire_type != wire_length) continue;
            auto name = first_field(bytes, input, value_info_name);
            if (!name ||
                bytes.substr(name->value_begin, name->value_end - name->value_begin) != input_name)
                continue;
            auto type = first_field(bytes, input, value_info_type);
            auto tensor = type ? first_field(bytes, *type, type_tensor) : std::nullopt;
            auto shape = tensor ? first_field(bytes, *tensor, tensor_shape) : std::nullopt;
            auto dims =
                shape ? fields_of(bytes, shape->value_begin, shape->value_end) : std::nullopt;
            if (!dims) return false;
            std::vector<Field> values;  // the dim_value field of each dimension, in order
            for (const auto& dim : *dims) {
                if (dim.number != shape_dim || dim.wire_type != wire_length) continue;
                auto inner = fields_of(bytes, dim.value_begin, dim.value_end);
                if (!inner) return false;
                std::optional<Field> value;
                for (const auto& f : *inner)
                    if (f.number == dim_value && f.wire_type == wire_varint) value = f;
                if (!value) return false;  // a symbolic dimension: nothing to fold, leave it
                values.push_back(*value);
            }
            if (values.size() != 4) return false;
            const std::string new_height = encode_varint(static_cast<std::uint64_t>(height));
            const std::string new_width = encode_varint(static_cast<std::uint64_t>(width));
            if (new_height.size() != values[2].value_end - values[2].value_begin ||
                new_width.size() != values[3].value_end - values[3].value_begin)
                return false;
            model.replace(values[2].value_begin, new_height.size(), new_height);
            model.replace(values[3].value_begin, new_width.size(), new_width);
            return true;
        }
    }
    return false;
}

}  // namespace sightline::faces
