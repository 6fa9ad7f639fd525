#include "analysis/district_file.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "core/json_string.hpp"

namespace sightline::analysis {
namespace {

class DistrictReader {
  public:
    explicit DistrictReader(const DistrictLimits& limits) : m_limits(limits) {}

    Result<std::vector<DistrictArea>> read(const nlohmann::json& root) {
        if (auto ok = feature_or_geometry(root, ""); !ok) return std::unexpected(ok.error());
        if (m_districts.empty())
            return fail(Errc::invalid_argument,
                        "the districts file has no Polygon or MultiPolygon");
        return std::move(m_districts);
    }

  private:
    static Error bad(std::string_view where, std::string_view what) {
        return Error{Errc::invalid_argument, fmt::format("{}: {}", where, what)};
    }

    std::string next_name() const { return fmt::format("district {}", m_districts.size() + 1); }

    Status feature_or_geometry(const nlohmann::json& value, std::string name) {
        if (!value.is_object()) return std::unexpected(bad(next_name(), "is not a JSON object"));
        auto type_it = value.find("type");
        if (type_it == value.end() || !type_it->is_string())
            return std::unexpected(bad(next_name(), "has no \"type\""));
        const auto& type = type_it->get_ref<const std::string&>();
        if (type == "FeatureCollection") {
            auto features = value.find("features");
            if (features == value.end() || !features->is_array())
                return std::unexpected(bad("the districts file", "features is not an array"));
            for (const auto& f : *features)
                if (auto ok = feature_or_geometry(f, ""); !ok) return ok;
            return {};
        }
        if (type == "Feature") {
            std::string feature_name;
            if (auto props = value.find("properties"); props != value.end() && props->is_object())
                if (auto n = props->find("name"); n != props->end() && n->is_string())
                    feature_name = n->get<std::string>();
            auto geometry = value.find("geometry");
            if (geometry == value.end() || geometry->is_null()) return {};
            return feature_or_geometry(*geometry, std::move(feature_name));
        }
        auto coordinates = value.find("coordinates");
        if (type != "Polygon" && type != "MultiPolygon") return {};  // points, lines: not areas
        if (coordinates == value.end() || !coordinates->is_array())
            return std::unexpected(bad(next_name(), "has no coordinates"));
        if (m_districts.size() >= m_limits.max_districts)
            return fail(Errc::too_large,
                        fmt::format("more than {} districts", m_limits.max_districts));
        DistrictArea district;
        district.name = name.empty() ? next_name() : std::move(name);
        if (type == "Polygon") {
            auto polygon = read_polygon(*coordinates, district.name);
            if (!polygon) return std::unexpected(polygon.error());
            district.polygons.push_back(std::move(*polygon));
        } else {
            for (const auto& part : *coordinates) {
                auto polygon = read_polygon(part, district.name);
                if (!polygon) return std::unexpected(polygon.error());
                district.polygons.push_back(std::move(*polygon));
            }
        }
        m_districts.push_back(std::move(district));
        return {};
    }

    Result<std::vector<std::vector<geo::LatLon>>> read_polygon(const nlohmann::json& rings,
                                                               const std::string& where) {
        if (!rings.is_array() || rings.empty())
            return std::unexpected(bad(where, "a polygon needs an outer ring"));
        std::vector<std::vector<geo::LatLon>> out;
        for (const auto& ring : rings) {
            if (!ring.is_array() || ring.size() < 4)
                return std::unexpected(bad(where, "a ring needs at least 4 positions"));
            std::vector<geo::LatLon> points;
            for (const auto& position : ring) {
                if (!position.is_array() || position.size() < 2 || !position[0].is_number() ||
                    !position[1].is_number())
                    return std::unexpected(bad(where, "a position must be [longitude, latitude]"));
                geo::LatLon p{position[1].get<double>(), position[0].get<double>()};
                if (!p.is_valid()) return std::unexpected(bad(where, "a position is out of range"));
                if (++m_points > m_limits.max_points)
                    return fail(Errc::too_large,
                                fmt::format("more than {} positions", m_limits.max_points));
                points.push_back(p);
            }
            out.push_back(std::move(points));
        }
        return out;
    }

    const DistrictLimits& m_limits;
    std::size_t m_points = 0;
    std::vector<DistrictArea> m_districts;
};

}  // namespace

Result<std::vector<DistrictArea>> parse_districts_geojson(std::string_view text,
                                                          const DistrictLimits& limits) {
    if (text.size() > limits.max_bytes)
        return fail(Errc::too_large,
                    fmt::format("the districts file is larger than {} bytes", limits.max_bytes));
    if (!json_nesting_within(text, limits.max_json_depth))
        return fail(Errc::invalid_argument,
                    fmt::format("JSON nested deeper than {} levels", limits.max_json_depth));
    auto root = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded())
        return fail(Errc::invalid_argument, "the districts file is not valid JSON");
    return DistrictReader(limits).read(root);
}

}  // namespace sightline::analysis
