#pragma once
// A small MVT decoder for the tests, written against the spec with protozero's reader (not with
// the encoder's code), so the encoder is checked by an independent reading.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <protozero/pbf_reader.hpp>

namespace sightline::tiles::testing {

using DecodedValue = std::variant<std::string, double, std::int64_t, bool>;

struct DecodedFeature {
    std::optional<std::uint64_t> id;
    std::uint32_t type = 0;
    std::vector<std::uint32_t> geometry;  ///< raw command stream
    std::map<std::string, DecodedValue> properties;
};

struct DecodedLayer {
    std::uint32_t version = 0;
    std::string name;
    std::uint32_t extent = 0;
    std::vector<DecodedFeature> features;
};

inline DecodedValue decode_value(protozero::data_view bytes) {
    protozero::pbf_reader value(bytes);
    DecodedValue out = std::int64_t{0};
    while (value.next()) {
        switch (value.tag()) {
            case 1:
                out = value.get_string();
                break;
            case 2:
                out = static_cast<double>(value.get_float());
                break;
            case 3:
                out = value.get_double();
                break;
            case 4:
                out = value.get_int64();
                break;
            case 5:
                out = static_cast<std::int64_t>(value.get_uint64());
                break;
            case 6:
                out = value.get_sint64();
                break;
            case 7:
                out = value.get_bool();
                break;
            default:
                value.skip();
        }
    }
    return out;
}

inline std::vector<DecodedLayer> decode_tile(const std::string& bytes) {
    std::vector<DecodedLayer> layers;
    protozero::pbf_reader tile(bytes);
    while (tile.next(3)) {
        protozero::pbf_reader layer = tile.get_message();
        DecodedLayer out;
        std::vector<std::string> keys;
        std::vector<DecodedValue> values;
        std::vector<std::pair<DecodedFeature, std::vector<std::uint32_t>>> features;
        while (layer.next()) {
            switch (layer.tag()) {
                case 15:
                    out.version = layer.get_uint32();
                    break;
                case 1:
                    out.name = layer.get_string();
                    break;
                case 5:
                    out.extent = layer.get_uint32();
                    break;
                case 3:
                    keys.push_back(layer.get_string());
                    break;
                case 4:
                    values.push_back(decode_value(layer.get_view()));
                    break;
                case 2: {
                    protozero::pbf_reader f = layer.get_message();
                    DecodedFeature feature;
                    std::vector<std::uint32_t> tags;
                    while (f.next()) {
                        switch (f.tag()) {
                            case 1:
                                feature.id = f.get_uint64();
                                break;
                            case 2:
                                for (auto t : f.get_packed_uint32())
                                    tags.push_back(t);
                                break;
                            case 3:
                                feature.type = static_cast<std::uint32_t>(f.get_enum());
                                break;
                            case 4:
                                for (auto g : f.get_packed_uint32())
                                    feature.geometry.push_back(g);
                                break;
                            default:
                                f.skip();
                        }
                    }
                    features.emplace_back(std::move(feature), std::move(tags));
                    break;
                }
                default:
                    layer.skip();
            }
        }
        for (auto& [feature, tags] : features) {
            for (std::size_t i = 0; i + 1 < tags.size(); i += 2)
                feature.properties[keys.at(tags[i])] = values.at(tags[i + 1]);
            out.features.push_back(std::move(feature));
        }
        layers.push_back(std::move(out));
    }
    return layers;
}

/// Decoded geometry: each part is a list of absolute (x, y) points; ClosePath is recorded by
/// repeating the first point.
inline std::vector<std::vector<std::pair<int, int>>> decode_geometry(
    const std::vector<std::uint32_t>& commands) {
    std::vector<std::vector<std::pair<int, int>>> parts;
    int x = 0;
    int y = 0;
    for (std::size_t i = 0; i < commands.size();) {
        std::uint32_t id = commands[i] & 7;
        std::uint32_t count = commands[i] >> 3;
        ++i;
        if (id == 7) {
            parts.back().push_back(parts.back().front());
            continue;
        }
        for (std::uint32_t k = 0; k < count; ++k) {
            auto unzig = [](std::uint32_t v) {
                return static_cast<int>((v >> 1) ^ (~(v & 1) + 1));
            };
            x += unzig(commands[i++]);
            y += unzig(commands[i++]);
            if (id == 1) parts.emplace_back();
            parts.back().emplace_back(x, y);
        }
    }
    return parts;
}

}  // namespace sightline::tiles::testing
