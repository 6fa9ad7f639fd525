#include "formats/gpx_reader.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <type_traits>

#include <expat.h>
#include <fmt/core.h>

namespace sightline::formats {
namespace {

// Element names arrive from expat as "namespace-URI<sep>local-name" (or "local-name" without a
// namespace). A local name is an NCName, so it never holds the separator; the URI is split off
// at the last one.
constexpr char ns_separator = '\n';

struct QualifiedName {
    std::string_view uri;
    std::string_view local;
};

QualifiedName split_name(const XML_Char* name) {
    std::string_view text(name);
    auto sep = text.rfind(ns_separator);
    if (sep == std::string_view::npos) return {{}, text};
    return {text.substr(0, sep), text.substr(sep + 1)};
}

// GPX 1.0 and 1.1 live in http://www.topografix.com/GPX/1/0 and .../1/1; files without any
// namespace are common enough (hand-made, old loggers) to be read too.
bool is_gpx_namespace(std::string_view uri) {
    return uri.empty() || uri == "http://www.topografix.com/GPX/1/1" ||
           uri == "http://www.topografix.com/GPX/1/0";
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

struct ParserFree {
    void operator()(XML_Parser parser) const noexcept { XML_ParserFree(parser); }
};
using ParserHandle = std::unique_ptr<std::remove_pointer_t<XML_Parser>, ParserFree>;

/// What an open element is, as far as lines are concerned.
enum class Element { gpx, trk, trkseg, rte, other };

class GpxReader {
  public:
    GpxReader(XML_Parser parser, const GpxLimits& limits) : m_parser(parser), m_limits(limits) {
        XML_SetUserData(parser, this);
        XML_SetElementHandler(parser, &GpxReader::on_start, &GpxReader::on_end);
        XML_SetEntityDeclHandler(parser, &GpxReader::on_entity_declaration);
    }

    Result<GpxLines> read(std::string_view text) {
        // XML_Parse takes an int length: feed in chunks well below INT_MAX.
        constexpr std::size_t chunk = 1 << 20;
        std::size_t done = 0;
        do {
            std::size_t n = std::min(chunk, text.size() - done);
            bool last = done + n == text.size();
            auto status =
                XML_Parse(m_parser, text.data() + done, static_cast<int>(n), last ? 1 : 0);
            if (m_exception) std::rethrow_exception(m_exception);
            if (m_error) return std::unexpected(std::move(*m_error));
            if (status != XML_STATUS_OK)
                return std::unexpected(error_here(XML_ErrorString(XML_GetErrorCode(m_parser))));
            done += n;
        } while (done < text.size());
        return std::move(m_lines);
    }

  private:
    Error error_here(std::string_view what) const {
        return Error{Errc::invalid_argument,
                     fmt::format("GPX line {}: {}", XML_GetCurrentLineNumber(m_parser), what)};
    }

    void stop(Error error) {
        if (!m_error) m_error = std::move(error);
        XML_StopParser(m_parser, XML_FALSE);
    }

    // No exception may cross expat's C frames: it is kept and rethrown after XML_Parse.
    template <typename F>
    static void guarded(void* self, F&& f) noexcept {
        auto* reader = static_cast<GpxReader*>(self);
        if (reader->m_error || reader->m_exception) return;
        try {
            f(*reader);
        } catch (...) {
            reader->m_exception = std::current_exception();
            XML_StopParser(reader->m_parser, XML_FALSE);
        }
    }

    static void XMLCALL on_start(void* self, const XML_Char* name, const XML_Char** attributes) {
        guarded(self, [&](GpxReader& r) { r.start(split_name(name), attributes); });
    }
    static void XMLCALL on_end(void* self, const XML_Char*) {
        guarded(self, [](GpxReader& r) { r.end(); });
    }
    // Refusing every entity declaration keeps "billion laughs" and its cousins out: expansion
    // never starts, whatever the nesting. GPX has no use for entities.
    static void XMLCALL on_entity_declaration(void* self, const XML_Char*, int, const XML_Char*,
                                              int, const XML_Char*, const XML_Char*,
                                              const XML_Char*, const XML_Char*) {
        guarded(self, [](GpxReader& r) {
            r.stop(r.error_here("the file declares an entity (<!ENTITY>); GPX has no use for one"));
        });
    }

    void start(QualifiedName name, const XML_Char** attributes) {
        if (m_stack.size() >= m_limits.max_depth)
            return stop(error_here(
                fmt::format("elements nested deeper than {} levels", m_limits.max_depth)));
        Element parent = m_stack.empty() ? Element::other : m_stack.back();
        bool gpx = is_gpx_namespace(name.uri);
        if (m_stack.empty()) {
            if (!gpx || name.local != "gpx") {
                std::string shown(name.local.substr(0, 40));
                return stop(Error{Errc::invalid_argument,
                                  fmt::format("not a GPX file: the root element is <{}>", shown)});
            }
            m_stack.push_back(Element::gpx);
            return;
        }
        Element kind = Element::other;
        if (gpx && parent == Element::gpx && name.local == "trk") kind = Element::trk;
        if (gpx && parent == Element::gpx && name.local == "rte") kind = Element::rte;
        if (gpx && parent == Element::trk && name.local == "trkseg") kind = Element::trkseg;
        m_stack.push_back(kind);
        if (kind != Element::other) return finish_line();
        bool point =
            gpx &&
            ((name.local == "trkpt" && (parent == Element::trkseg || parent == Element::trk)) ||
             (name.local == "rtept" && parent == Element::rte));
        if (point) add_point(name.local, attributes);
    }

    void end() {
        Element kind = m_stack.back();
        m_stack.pop_back();
        if (kind == Element::trk || kind == Element::trkseg || kind == Element::rte) finish_line();
    }

    void add_point(std::string_view name, const XML_Char** attributes) {
        std::optional<double> lat;
        std::optional<double> lon;
        for (std::size_t i = 0; attributes[i] != nullptr; i += 2) {
            std::string_view attribute(attributes[i]);
            if (attribute == "lat") lat = parse_double(attributes[i + 1]);
            if (attribute == "lon") lon = parse_double(attributes[i + 1]);
        }
        if (!lat || !lon)
            return stop(error_here(fmt::format("<{}> without a numeric lat and lon", name)));
        geo::LatLon point{*lat, *lon};
        if (!point.is_valid())
            return stop(error_here(fmt::format("<{}> outside -90..90, -180..180", name)));
        if (++m_points > m_limits.max_points)
            return stop(Error{Errc::too_large, fmt::format("the GPX file has more than {} points",
                                                           m_limits.max_points)});
        m_current.push_back(point);
    }

    void finish_line() {
        if (m_current.size() >= 2) {
            if (m_lines.lines.size() >= m_limits.max_lines)
                return stop(
                    Error{Errc::too_large,
                          fmt::format("the GPX file has more than {} lines", m_limits.max_lines)});
            m_lines.lines.push_back(std::move(m_current));
        }
        m_current.clear();
    }

    XML_Parser m_parser;
    const GpxLimits& m_limits;
    std::vector<Element> m_stack;
    std::vector<geo::LatLon> m_current;
    std::size_t m_points = 0;
    GpxLines m_lines;
    std::optional<Error> m_error;
    std::exception_ptr m_exception;
};

}  // namespace

Result<GpxLines> read_gpx(std::string_view text, const GpxLimits& limits) {
    if (text.size() > limits.max_bytes)
        return fail(Errc::too_large,
                    fmt::format("the GPX file is larger than {} bytes", limits.max_bytes));
    ParserHandle parser(XML_ParserCreateNS(nullptr, ns_separator));
    if (!parser) throw std::bad_alloc();
    // Never read a DTD or an external entity from anywhere (the default, made explicit).
    XML_SetParamEntityParsing(parser.get(), XML_PARAM_ENTITY_PARSING_NEVER);
    return GpxReader(parser.get(), limits).read(text);
}

}  // namespace sightline::formats
