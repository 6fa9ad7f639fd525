#include "http/router.hpp"

#include <stdexcept>

#include <algorithm>
#include <cassert>
#include <cctype>
#include <limits>

namespace sightline::http {
namespace {

constexpr std::size_t no_route = std::numeric_limits<std::size_t>::max();

// "/a/b" -> {"a", "b"}; "/" -> {""}. Empty segments are kept: "/a/" is not "/a".
std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> segments;
    if (path.empty() || path.front() != '/') return segments;
    path.remove_prefix(1);
    while (true) {
        auto slash = path.find('/');
        segments.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return segments;
}

bool is_multipart(std::string_view content_type) noexcept {
    constexpr std::string_view multipart = "multipart/form-data";
    bool matches = content_type.size() >= multipart.size();
    for (std::size_t i = 0; matches && i < multipart.size(); ++i)
        matches = std::tolower(static_cast<unsigned char>(content_type[i])) == multipart[i];
    return matches;
}

}  // namespace

std::size_t Route::body_limit(std::string_view content_type) const noexcept {
    if (is_multipart(content_type) && max_multipart_body_bytes > 0) return max_multipart_body_bytes;
    return max_body_bytes;
}

bool Route::is_heavy(std::string_view content_type) const noexcept {
    return lane == Lane::heavy || (lane == Lane::heavy_if_multipart && is_multipart(content_type));
}

void Router::add(std::string method, std::string pattern, Handler handler,
                 std::size_t max_body_bytes, std::size_t max_multipart_body_bytes) {
    assert(!pattern.empty() && pattern.front() == '/');
    std::vector<Segment> segments;
    for (std::string_view part : split_path(pattern)) {
        if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
            std::string_view name = part.substr(1, part.size() - 2);
            if (name.size() > 3 && name.ends_with("...")) {
                segments.push_back(
                    {SegmentKind::tail, std::string{name.substr(0, name.size() - 3)}});
            } else {
                segments.push_back({SegmentKind::param, std::string{name}});
            }
        } else {
            assert(part.find_first_of("{}") == std::string_view::npos);
            segments.push_back({SegmentKind::literal, std::string{part}});
        }
    }
    for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
        assert(segments[i].kind != SegmentKind::tail && "{name...} must be the last segment");
    }
    assert(
        std::none_of(m_routes.begin(), m_routes.end(),
                     [&](const Route& r) { return r.method == method && r.pattern == pattern; }) &&
        "route registered twice");
    m_routes.push_back(Route{std::move(method), std::move(pattern), std::move(handler),
                             max_body_bytes, max_multipart_body_bytes});
    m_segments.push_back(std::move(segments));
}

void Router::add_streamed(std::string method, std::string pattern, StreamedHandler open_sink,
                          std::size_t max_body_bytes) {
    assert(open_sink);
    add(std::move(method), std::move(pattern), Handler{}, max_body_bytes);
    m_routes.back().streamed = std::move(open_sink);
}

bool Router::matches(const std::vector<Segment>& pattern,
                     const std::vector<std::string_view>& parts, Params* params) {
    if (parts.empty()) return false;
    std::size_t i = 0;
    for (; i < pattern.size(); ++i) {
        const Segment& segment = pattern[i];
        if (i >= parts.size()) return false;
        switch (segment.kind) {
            case SegmentKind::literal:
                if (parts[i] != segment.text) return false;
                break;
            case SegmentKind::param:
                if (parts[i].empty()) return false;
                if (params) (*params)[segment.text] = std::string{parts[i]};
                break;
            case SegmentKind::tail: {
                // The rest of the path as sent, from this segment to the end.
                const char* begin = parts[i].data();
                const char* end = parts.back().data() + parts.back().size();
                std::string_view rest{begin, static_cast<std::size_t>(end - begin)};
                if (rest.empty()) return false;
                if (params) (*params)[segment.text] = std::string{rest};
                return true;
            }
        }
    }
    return i == parts.size();
}

bool Router::more_specific(const std::vector<Segment>& a, const std::vector<Segment>& b) {
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
        if (a[i].kind != b[i].kind) return a[i].kind < b[i].kind;
    }
    return a.size() > b.size();
}

std::size_t Router::best(std::string_view method,
                         const std::vector<std::string_view>& parts) const {
    std::size_t found = no_route;
    for (std::size_t i = 0; i < m_routes.size(); ++i) {
        if (m_routes[i].method != method || !matches(m_segments[i], parts, nullptr)) continue;
        if (found == no_route || more_specific(m_segments[i], m_segments[found])) found = i;
    }
    return found;
}

Router::Match Router::match(Request& request) const {
    Match result;
    const auto parts = split_path(request.path);
    std::size_t index = best(request.method, parts);
    if (index == no_route) {
        for (std::size_t i = 0; i < m_routes.size() && !result.path_exists; ++i) {
            result.path_exists = matches(m_segments[i], parts, nullptr);
        }
        return result;
    }
    request.path_params.clear();
    matches(m_segments[index], parts, &request.path_params);
    result.route = &m_routes[index];
    result.path_exists = true;
    return result;
}

const Route* Router::find(std::string_view method, std::string_view path) const {
    std::size_t index = best(method, split_path(path));
    return index == no_route ? nullptr : &m_routes[index];
}

std::vector<std::string> Router::allowed_methods(std::string_view path) const {
    std::vector<std::string> methods;
    const auto parts = split_path(path);
    for (std::size_t i = 0; i < m_routes.size(); ++i) {
        if (matches(m_segments[i], parts, nullptr)) methods.push_back(m_routes[i].method);
    }
    std::sort(methods.begin(), methods.end());
    methods.erase(std::unique(methods.begin(), methods.end()), methods.end());
    return methods;
}

Route& Router::registered(std::string_view method, std::string_view pattern,
                          std::string_view caller) {
    for (Route& route : m_routes)
        if (route.method == method && route.pattern == pattern) return route;
    throw std::logic_error(std::string(caller) + ": no route " + std::string(method) + " " +
                           std::string(pattern));
}

void Router::keep_timing_private(std::string_view method, std::string_view pattern) {
    registered(method, pattern, "keep_timing_private").private_timing = true;
}

void Router::set_lane(std::string_view method, std::string_view pattern, Lane lane) {
    registered(method, pattern, "set_lane").lane = lane;
}

void Router::add_fast_path(std::string_view method, std::string_view pattern, FastHandler fast) {
    registered(method, pattern, "add_fast_path").fast_path = std::move(fast);
}

}  // namespace sightline::http
