#include "analysis/route_file.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <string>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "core/json_string.hpp"

namespace sightline::analysis {

std::size_t Route::point_count() const noexcept {
    std::size_t n = 0;
    for (const auto& line : polylines)
        n += line.size();
    return n;
}

namespace {

Status check_size(std::string_view text, const RouteLimits& limits) {
    if (text.size() > limits.max_bytes)
        return fail(Errc::too_large,
                    fmt::format("the route file is larger than {} bytes", limits.max_bytes));
    return {};
}

Error too_many_points(const RouteLimits& limits) {
    return Error{Errc::too_large,
                 fmt::format("the route has more than {} points", limits.max_points)};
}

Error too_many_lines(const RouteLimits& limits) {
    return Error{Errc::too_large,
                 fmt::format("the route has more than {} lines", limits.max_polylines)};
}

std::optional<double> parse_double(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

// --- GPX: a small tolerant XML reader ---------------------------------------------------------
// GPX needs no more of XML than elements and attributes; comments, processing instructions,
// CDATA and a DOCTYPE are skipped. Text content (names, times) is not needed.

struct XmlAttribute {
    std::string_view name;
    std::string_view value;
};

std::string_view local_name(std::string_view qualified) {
    auto colon = qualified.find(':');
    return colon == std::string_view::npos ? qualified : qualified.substr(colon + 1);
}

bool is_name_end(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' || c == '>';
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

class GpxReader {
  public:
    GpxReader(std::string_view text, const RouteLimits& limits) : m_text(text), m_limits(limits) {}

    Result<Route> read() {
        while (true) {
            auto lt = m_text.find('<', m_pos);
            if (lt == std::string_view::npos) break;
            m_pos = lt;
            if (auto ok = step(); !ok) return std::unexpected(ok.error());
        }
        if (!m_seen_root) return fail(Errc::invalid_argument, "not a GPX file: no <gpx> element");
        if (!m_stack.empty())
            return fail(Errc::invalid_argument,
                        fmt::format("the GPX file ends inside <{}> (truncated?)", m_stack.back()));
        if (m_route.polylines.empty())
            return fail(Errc::invalid_argument,
                        "the GPX file has no track segment or route with 2 or more points");
        return std::move(m_route);
    }

  private:
    Error error_here(std::string_view what) const {
        auto line = 1 + std::count(m_text.begin(),
                                   m_text.begin() +
                                       static_cast<std::ptrdiff_t>(std::min(m_pos, m_text.size())),
                                   '\n');
        return Error{Errc::invalid_argument, fmt::format("GPX line {}: {}", line, what)};
    }

    Status skip_past(std::string_view terminator, std::string_view what) {
        auto end = m_text.find(terminator, m_pos);
        if (end == std::string_view::npos) return std::unexpected(error_here(what));
        m_pos = end + terminator.size();
        return {};
    }

    Status step() {
        std::string_view rest = m_text.substr(m_pos);
        if (rest.starts_with("<!--")) return skip_past("-->", "unterminated comment");
        if (rest.starts_with("<![CDATA[")) return skip_past("]]>", "unterminated CDATA section");
        if (rest.starts_with("<?")) return skip_past("?>", "unterminated processing instruction");
        if (rest.starts_with("<!")) {
            // DOCTYPE, possibly with an internal subset in brackets.
            auto bracket = rest.find('[');
            auto close = rest.find('>');
            if (bracket != std::string_view::npos && bracket < close)
                return skip_past("]>", "unterminated DOCTYPE");
            return skip_past(">", "unterminated DOCTYPE");
        }
        if (rest.starts_with("</")) return end_tag();
        return start_tag();
    }

    Status end_tag() {
        std::size_t p = m_pos + 2;
        std::size_t start = p;
        while (p < m_text.size() && !is_name_end(m_text[p]))
            ++p;
        std::string_view name = m_text.substr(start, p - start);
        auto close = m_text.find('>', p);
        if (close == std::string_view::npos) return std::unexpected(error_here("unterminated tag"));
        if (m_stack.empty())
            return std::unexpected(error_here(fmt::format("</{}> closes nothing", name)));
        if (m_stack.back() != name)
            return std::unexpected(
                error_here(fmt::format("</{}> does not close <{}>", name, m_stack.back())));
        m_stack.pop_back();
        m_pos = close + 1;
        return on_end(local_name(name));
    }

    Status start_tag() {
        std::size_t p = m_pos + 1;
        std::size_t start = p;
        while (p < m_text.size() && !is_name_end(m_text[p]))
            ++p;
        std::string_view name = m_text.substr(start, p - start);
        if (name.empty()) return std::unexpected(error_here("'<' that starts no element"));
        std::vector<XmlAttribute> attributes;
        bool self_closing = false;
        while (true) {
            while (p < m_text.size() && is_space(m_text[p]))
                ++p;
            if (p >= m_text.size()) return std::unexpected(error_here("unterminated tag"));
            if (m_text[p] == '>') {
                ++p;
                break;
            }
            if (m_text[p] == '/') {
                if (p + 1 < m_text.size() && m_text[p + 1] == '>') {
                    self_closing = true;
                    p += 2;
                    break;
                }
                return std::unexpected(error_here("stray '/' in a tag"));
            }
            std::size_t name_start = p;
            while (p < m_text.size() && m_text[p] != '=' && !is_space(m_text[p]) &&
                   m_text[p] != '>' && m_text[p] != '/')
                ++p;
            std::string_view attribute = m_text.substr(name_start, p - name_start);
            while (p < m_text.size() && is_space(m_text[p]))
                ++p;
            if (p >= m_text.size() || m_text[p] != '=')
                return std::unexpected(
                    error_here(fmt::format("attribute {} has no value", attribute)));
            ++p;
            while (p < m_text.size() && is_space(m_text[p]))
                ++p;
            if (p >= m_text.size() || (m_text[p] != '"' && m_text[p] != '\''))
                return std::unexpected(
                    error_here(fmt::format("attribute {} is not quoted", attribute)));
            char quote = m_text[p++];
            auto value_end = m_text.find(quote, p);
            if (value_end == std::string_view::npos)
                return std::unexpected(error_here("unterminated attribute value"));
            attributes.push_back({attribute, m_text.substr(p, value_end - p)});
            p = value_end + 1;
        }
        if (m_stack.empty() && m_seen_root)
            return std::unexpected(error_here("a second root element"));
        if (m_stack.empty()) {
            if (local_name(name) != "gpx")
                return fail(Errc::invalid_argument,
                            fmt::format("not a GPX file: the root element is <{}>", name));
            m_seen_root = true;
        }
        if (m_stack.size() >= 64) return std::unexpected(error_here("elements nested too deeply"));
        m_stack.push_back(name);
        if (auto ok = on_start(local_name(name), attributes); !ok) return ok;
        m_pos = p;
        if (self_closing) {
            m_stack.pop_back();
            return on_end(local_name(name));
        }
        return {};
    }

    Status on_start(std::string_view name, const std::vector<XmlAttribute>& attributes) {
        if (name == "trk" || name == "trkseg" || name == "rte") {
            if (auto ok = finish_line(); !ok) return ok;
            if (name == "rte")
                m_in_route = true;
            else
                m_in_track = true;
            return {};
        }
        // trkpt straight inside trk (some GPX 1.0 loggers) counts as one segment.
        bool wanted = (name == "trkpt" && m_in_track) || (name == "rtept" && m_in_route);
        if (!wanted) return {};
        std::optional<double> lat;
        std::optional<double> lon;
        for (const auto& a : attributes) {
            if (a.name == "lat") lat = parse_double(a.value);
            if (a.name == "lon") lon = parse_double(a.value);
        }
        if (!lat || !lon)
            return std::unexpected(
                error_here(fmt::format("<{}> without a numeric lat and lon", name)));
        geo::LatLon point{*lat, *lon};
        if (!point.is_valid())
            return std::unexpected(
                error_here(fmt::format("<{}> outside -90..90, -180..180", name)));
        if (++m_points > m_limits.max_points) return std::unexpected(too_many_points(m_limits));
        m_current.push_back(point);
        return {};
    }

    Status on_end(std::string_view name) {
        if (name == "trkseg") return finish_line();
        if (name == "trk" || name == "rte") {
            if (auto ok = finish_line(); !ok) return ok;
            (name == "trk" ? m_in_track : m_in_route) = false;
        }
        return {};
    }

    Status finish_line() {
        if (m_current.size() >= 2) {
            if (m_route.polylines.size() >= m_limits.max_polylines)
                return std::unexpected(too_many_lines(m_limits));
            m_route.polylines.push_back(std::move(m_current));
        }
        m_current.clear();
        return {};
    }

    std::string_view m_text;
    const RouteLimits& m_limits;
    std::size_t m_pos = 0;
    std::vector<std::string_view> m_stack;
    bool m_seen_root = false;
    bool m_in_track = false;
    bool m_in_route = false;
    std::vector<geo::LatLon> m_current;
    std::size_t m_points = 0;
    Route m_route;
};

// --- GeoJSON ----------------------------------------------------------------------------------

class GeoJsonReader {
  public:
    explicit GeoJsonReader(const RouteLimits& limits) : m_limits(limits) {}

    Result<Route> read(const nlohmann::json& root) {
        if (auto ok = object(root, "the GeoJSON"); !ok) return std::unexpected(ok.error());
        if (m_route.polylines.empty())
            return fail(Errc::invalid_argument, "the GeoJSON has no LineString or MultiLineString");
        return std::move(m_route);
    }

  private:
    static Error bad(std::string_view where, std::string_view what) {
        return Error{Errc::invalid_argument, fmt::format("{}: {}", where, what)};
    }

    Status object(const nlohmann::json& value, const std::string& where) {
        if (!value.is_object()) return std::unexpected(bad(where, "is not a JSON object"));
        auto type_it = value.find("type");
        if (type_it == value.end() || !type_it->is_string())
            return std::unexpected(bad(where, "has no \"type\""));
        const auto& type = type_it->get_ref<const std::string&>();
        if (type == "FeatureCollection") {
            auto features = value.find("features");
            if (features == value.end() || !features->is_array())
                return std::unexpected(bad(where, "FeatureCollection without a features array"));
            for (std::size_t i = 0; i < features->size(); ++i) {
                const auto& f = (*features)[i];
                if (!f.is_object() || f.value("type", "") != "Feature")
                    return std::unexpected(
                        bad(fmt::format("feature {}", i + 1), "is not a Feature"));
                if (auto ok = object(f, fmt::format("feature {}", i + 1)); !ok) return ok;
            }
            return {};
        }
        if (type == "Feature") {
            auto geometry = value.find("geometry");
            if (geometry == value.end() || geometry->is_null()) return {};  // no geometry: nothing
            return object(*geometry, where);
        }
        if (type == "GeometryCollection") {
            auto geometries = value.find("geometries");
            if (geometries == value.end() || !geometries->is_array())
                return std::unexpected(bad(where, "GeometryCollection without geometries"));
            for (const auto& g : *geometries)
                if (auto ok = object(g, where); !ok) return ok;
            return {};
        }
        if (type == "Point" || type == "MultiPoint") return {};  // waypoints, photo spots
        auto coordinates = value.find("coordinates");
        if (coordinates == value.end() || !coordinates->is_array())
            return std::unexpected(bad(where, fmt::format("{} without coordinates", type)));
        if (type == "LineString") return line(*coordinates, where);
        if (type == "MultiLineString") {
            for (const auto& l : *coordinates)
                if (auto ok = line(l, where); !ok) return ok;
            return {};
        }
        return std::unexpected(bad(
            where, fmt::format("{} is not a line (send a LineString or MultiLineString)", type)));
    }

    Status line(const nlohmann::json& coordinates, const std::string& where) {
        if (!coordinates.is_array() || coordinates.size() < 2)
            return std::unexpected(bad(where, "a line needs at least 2 positions"));
        if (m_route.polylines.size() >= m_limits.max_polylines)
            return std::unexpected(too_many_lines(m_limits));
        std::vector<geo::LatLon> points;
        points.reserve(coordinates.size());
        for (const auto& position : coordinates) {
            if (!position.is_array() || position.size() < 2 || !position[0].is_number() ||
                !position[1].is_number())
                return std::unexpected(bad(where, "a position must be [longitude, latitude]"));
            geo::LatLon p{position[1].get<double>(), position[0].get<double>()};
            if (!p.is_valid())
                return std::unexpected(
                    bad(where, "a position is outside -180..180, -90..90 ([longitude, latitude])"));
            if (++m_points > m_limits.max_points) return std::unexpected(too_many_points(m_limits));
            points.push_back(p);
        }
        m_route.polylines.push_back(std::move(points));
        return {};
    }

    const RouteLimits& m_limits;
    std::size_t m_points = 0;
    Route m_route;
};

}  // namespace

Result<Route> parse_gpx(std::string_view text, const RouteLimits& limits) {
    if (auto ok = check_size(text, limits); !ok) return std::unexpected(ok.error());
    return GpxReader(text, limits).read();
}

Result<Route> parse_route_geojson(std::string_view text, const RouteLimits& limits) {
    if (auto ok = check_size(text, limits); !ok) return std::unexpected(ok.error());
    if (!json_nesting_within(text, limits.max_json_depth))
        return fail(Errc::invalid_argument,
                    fmt::format("JSON nested deeper than {} levels", limits.max_json_depth));
    auto root = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded()) return fail(Errc::invalid_argument, "the GeoJSON is not valid JSON");
    return GeoJsonReader(limits).read(root);
}

Result<RouteFormat> sniff_route_format(std::string_view text) {
    // A UTF-8 byte order mark is allowed before either format.
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    auto first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos) {
        if (text[first] == '<') return RouteFormat::gpx;
        if (text[first] == '{') return RouteFormat::geojson;
    }
    return fail(Errc::invalid_argument, "the route is neither GPX nor GeoJSON");
}

Result<Route> parse_route(std::string_view text, const RouteLimits& limits) {
    auto format = sniff_route_format(text);
    if (!format) return std::unexpected(format.error());
    if (*format == RouteFormat::gpx) return parse_gpx(text, limits);
    return parse_route_geojson(text, limits);
}

}  // namespace sightline::analysis
