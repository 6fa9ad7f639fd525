#include "formats/geojson_reader.hpp"

#include <algorithm>
#include <set>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "core/json_string.hpp"

namespace sightline::formats {

std::string_view geometry_type_name(GeometryType type) noexcept {
    switch (type) {
        case GeometryType::point:
            return "Point";
        case GeometryType::multi_point:
            return "MultiPoint";
        case GeometryType::line_string:
            return "LineString";
        case GeometryType::multi_line_string:
            return "MultiLineString";
        case GeometryType::polygon:
            return "Polygon";
        case GeometryType::multi_polygon:
            return "MultiPolygon";
    }
    return "Point";
}

namespace {

using nlohmann::json;

constexpr std::string_view whole = "the GeoJSON";

std::optional<GeometryType> geometry_type(std::string_view name) {
    for (auto type :
         {GeometryType::point, GeometryType::multi_point, GeometryType::line_string,
          GeometryType::multi_line_string, GeometryType::polygon, GeometryType::multi_polygon})
        if (geometry_type_name(type) == name) return type;
    return std::nullopt;
}

// A type name from outside, cut short so that a message never carries a megabyte back.
std::string shown(std::string_view text) {
    if (text.size() <= 40) return std::string(text);
    return std::string(text.substr(0, 40)) + "...";
}

class Reader {
  public:
    explicit Reader(const GeoJsonLimits& limits) : m_limits(limits) {}

    Result<std::vector<GeoFeature>> read(const json& root) {
        if (!root.is_object()) return std::unexpected(bad(whole, "is not a JSON object"));
        auto type = type_of(root, whole);
        if (!type) return std::unexpected(type.error());
        if (*type == "FeatureCollection") {
            auto features = root.find("features");
            if (features == root.end() || !features->is_array())
                return std::unexpected(bad(whole, "a FeatureCollection needs a features array"));
            for (std::size_t i = 0; i < features->size(); ++i) {
                const auto& f = (*features)[i];
                std::string label = fmt::format("feature {}", i + 1);
                auto f_type = f.is_object() ? type_of(f, label) : Result<std::string_view>{};
                if (!f.is_object() || !f_type || *f_type != "Feature")
                    return std::unexpected(bad(label, "is not a Feature"));
                if (auto ok = feature(f, std::move(label)); !ok) return std::unexpected(ok.error());
            }
        } else if (*type == "Feature") {
            if (auto ok = feature(root, std::string(whole)); !ok)
                return std::unexpected(ok.error());
        } else {
            if (auto ok = add_feature(); !ok) return std::unexpected(ok.error());
            GeoFeature f{std::string(whole), std::nullopt, {}};
            if (auto ok = geometry(root, f); !ok) return std::unexpected(ok.error());
            m_features.push_back(std::move(f));
        }
        return std::move(m_features);
    }

  private:
    static Error bad(std::string_view where, std::string_view what) {
        return Error{Errc::invalid_argument, fmt::format("{}: {}", where, what)};
    }

    static Result<std::string_view> type_of(const json& object, std::string_view where) {
        auto type = object.find("type");
        if (type == object.end() || !type->is_string())
            return std::unexpected(bad(where, "has no \"type\""));
        return std::string_view(type->get_ref<const std::string&>());
    }

    Status add_feature() {
        if (m_features.size() >= m_limits.max_features)
            return fail(Errc::too_large, fmt::format("the GeoJSON has more than {} features",
                                                     m_limits.max_features));
        return {};
    }

    Status feature(const json& value, std::string label) {
        if (auto ok = add_feature(); !ok) return ok;
        GeoFeature out{std::move(label), std::nullopt, {}};
        if (auto props = value.find("properties"); props != value.end() && !props->is_null()) {
            if (!props->is_object())
                return std::unexpected(bad(out.label, "properties must be an object or null"));
            if (auto name = props->find("name"); name != props->end() && name->is_string())
                out.name = name->get<std::string>();
        }
        // RFC 7946 3.2: "geometry" is a geometry or null; a missing one is read as null.
        if (auto g = value.find("geometry"); g != value.end() && !g->is_null())
            if (auto ok = geometry(*g, out); !ok) return ok;
        m_features.push_back(std::move(out));
        return {};
    }

    Status geometry(const json& value, GeoFeature& out) {
        const std::string& where = out.label;
        if (!value.is_object()) return std::unexpected(bad(where, "a geometry is not an object"));
        auto type_text = type_of(value, where);
        if (!type_text) return std::unexpected(type_text.error());
        if (*type_text == "GeometryCollection") {
            auto geometries = value.find("geometries");
            if (geometries == value.end() || !geometries->is_array())
                return std::unexpected(bad(where, "a GeometryCollection needs a geometries array"));
            // Nesting is bounded by max_depth, checked before parsing.
            for (const auto& g : *geometries)
                if (auto ok = geometry(g, out); !ok) return ok;
            return {};
        }
        auto type = geometry_type(*type_text);
        if (!type)
            return std::unexpected(bad(
                where, fmt::format("\"{}\" is not a GeoJSON geometry type", shown(*type_text))));
        auto coordinates = value.find("coordinates");
        if (coordinates == value.end() || !coordinates->is_array())
            return std::unexpected(
                bad(where, fmt::format("{} without coordinates", geometry_type_name(*type))));
        Geometry g;
        g.type = *type;
        switch (*type) {
            case GeometryType::point: {
                auto p = position(*coordinates, where);
                if (!p) return std::unexpected(p.error());
                g.points.push_back(*p);
                break;
            }
            case GeometryType::multi_point:
                if (auto ok = positions(*coordinates, where, g.points); !ok) return ok;
                break;
            case GeometryType::line_string: {
                auto l = line(*coordinates, where);
                if (!l) return std::unexpected(l.error());
                g.lines.push_back(std::move(*l));
                break;
            }
            case GeometryType::multi_line_string:
                for (const auto& part : *coordinates) {
                    auto l = line(part, where);
                    if (!l) return std::unexpected(l.error());
                    g.lines.push_back(std::move(*l));
                }
                break;
            case GeometryType::polygon: {
                auto p = polygon(*coordinates, where);
                if (!p) return std::unexpected(p.error());
                g.polygons.push_back(std::move(*p));
                break;
            }
            case GeometryType::multi_polygon:
                for (const auto& part : *coordinates) {
                    auto p = polygon(part, where);
                    if (!p) return std::unexpected(p.error());
                    g.polygons.push_back(std::move(*p));
                }
                break;
        }
        out.geometries.push_back(std::move(g));
        return {};
    }

    Result<geo::LatLon> position(const json& value, const std::string& where) {
        if (!value.is_array() || value.size() < 2 || value.size() > 3 ||
            !std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_number(); }))
            return std::unexpected(
                bad(where,
                    "a position must be [longitude, latitude] or [longitude, latitude, altitude]"));
        double lon = value[0].get<double>();
        double lat = value[1].get<double>();
        geo::LatLon p{lat, lon};
        if (!p.is_valid()) {
            // [lat, lon] is the order most people write; say so when it would have fitted.
            bool swapped = geo::LatLon{lon, lat}.is_valid();
            return std::unexpected(
                bad(where,
                    fmt::format("a position [{}, {}] is outside -180..180, -90..90 "
                                "([longitude, latitude]){}",
                                lon, lat, swapped ? "; it looks like [latitude, longitude]" : "")));
        }
        if (++m_positions > m_limits.max_positions)
            return fail(Errc::too_large, fmt::format("the GeoJSON has more than {} positions",
                                                     m_limits.max_positions));
        return p;
    }

    Status positions(const json& value, const std::string& where, std::vector<geo::LatLon>& out) {
        if (!value.is_array())
            return std::unexpected(bad(where, "coordinates must be an array of positions"));
        out.reserve(std::min(value.size(), m_limits.max_positions));
        for (const auto& v : value) {
            auto p = position(v, where);
            if (!p) return std::unexpected(p.error());
            out.push_back(*p);
        }
        return {};
    }

    Result<LineString> line(const json& value, const std::string& where) {
        if (!value.is_array() || value.size() < 2)
            return std::unexpected(bad(where, "a line needs at least 2 positions"));
        LineString out;
        if (auto ok = positions(value, where, out); !ok) return std::unexpected(ok.error());
        return out;
    }

    Result<Polygon> polygon(const json& value, const std::string& where) {
        if (!value.is_array() || value.empty())
            return std::unexpected(bad(where, "a polygon needs an outer ring"));
        Polygon out;
        for (const auto& r : value) {
            if (!r.is_array() || r.size() < 4)
                return std::unexpected(bad(where, "a ring needs at least 4 positions"));
            LineString ring;
            if (auto ok = positions(r, where, ring); !ok) return std::unexpected(ok.error());
            if (ring.front() != ring.back())
                return std::unexpected(
                    bad(where, "a ring must end at the position it starts from (RFC 7946 3.1.6)"));
            out.push_back(std::move(ring));
        }
        return out;
    }

    const GeoJsonLimits& m_limits;
    std::size_t m_positions = 0;
    std::vector<GeoFeature> m_features;
};

}  // namespace

Result<std::vector<GeoFeature>> read_geojson(std::string_view text, const GeoJsonLimits& limits) {
    if (text.size() > limits.max_bytes)
        return fail(Errc::too_large,
                    fmt::format("the GeoJSON is larger than {} bytes", limits.max_bytes));
    if (!json_nesting_within(text, limits.max_depth))
        return fail(Errc::invalid_argument,
                    fmt::format("JSON nested deeper than {} levels", limits.max_depth));
    // A key twice in one object is refused, as in request bodies (http/endpoints/json_body):
    // parsers disagree on which one counts, so the file could mean one thing here and another
    // in the tool that drew it.
    std::vector<std::set<std::string, std::less<>>> open_objects;
    std::string repeated;
    const auto watch_keys = [&](int, json::parse_event_t event, json& value) {
        using Event = json::parse_event_t;
        if (event == Event::object_start) {
            open_objects.emplace_back();
        } else if (event == Event::object_end) {
            if (!open_objects.empty()) open_objects.pop_back();
        } else if (event == Event::key && !open_objects.empty() && value.is_string() &&
                   !open_objects.back().insert(value.get<std::string>()).second &&
                   repeated.empty()) {
            repeated = value.get<std::string>();
        }
        return true;
    };
    json root = json::parse(text, watch_keys, /*allow_exceptions=*/false);
    if (root.is_discarded())
        return fail(Errc::invalid_argument, "the GeoJSON is not valid JSON (or not valid UTF-8)");
    if (!repeated.empty())
        return fail(
            Errc::invalid_argument,
            fmt::format("the GeoJSON has the key \"{}\" twice in one object", shown(repeated)));
    return Reader(limits).read(root);
}

}  // namespace sightline::formats
