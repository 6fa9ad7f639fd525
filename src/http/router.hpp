#pragma once
// Maps (method, path pattern) to endpoint functions. Patterns are literal segments, {name}
// placeholders and an optional trailing {name...} that takes the rest of the path:
// "/api/v1/cameras/{id}", "/assets/{file...}".

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/body_sink.hpp"
#include "http/request.hpp"

namespace sightline::http {

using Handler = std::function<Response(const Request&)>;
/// Answers from memory without blocking (no store, no disk, no waiting on a lock held for long),
/// or nullopt to let the route's handler answer. Runs on the connection's I/O thread.
using FastHandler = std::function<std::optional<Response>(const Request&)>;

/// Where a route's handler runs.
enum class Lane {
    /// The shared worker pool: short blocking work (a store query, a tile render).
    worker,
    /// The fair queue (http/fair_queue.hpp): expensive work (photo scrubbing, analysis, routes)
    /// with per-client turns; a request that finds the queue full gets 503 and Retry-After
    /// before its body is read.
    heavy,
    /// heavy for a multipart/form-data body (an upload of photos), worker for anything else.
    heavy_if_multipart,
};

struct Route {
    std::string method;
    std::string pattern;  ///< also the route label in metrics and the key in the OpenAPI document
    Handler handler;      ///< empty for a streamed route
    std::size_t max_body_bytes = 0;  ///< 0: the server default
    /// Limit for multipart/form-data bodies (uploads); 0: max_body_bytes. Lets a route accept
    /// large photo uploads while a plain JSON body keeps the small default.
    std::size_t max_multipart_body_bytes = 0;

    /// Set for a route whose body is streamed (Router::add_streamed); `handler` is then empty.
    StreamedHandler streamed = {};

    /// When a request to this route arrived must not be recorded (an anonymous contribution):
    /// no access log line and no metrics (Router::keep_timing_private).
    bool private_timing = false;

    Lane lane = Lane::worker;  ///< Router::set_lane
    /// Tried first for a request without a body; empty: none (Router::add_fast_path).
    FastHandler fast_path = {};

    /// The limit for a request with this Content-Type (0: the server default).
    [[nodiscard]] std::size_t body_limit(std::string_view content_type) const noexcept;
    /// Whether a request with this Content-Type runs in the heavy lane.
    [[nodiscard]] bool is_heavy(std::string_view content_type) const noexcept;
};

class Router {
  public:
    /// Registers a route. `pattern` starts with '/'; a {name} placeholder is a whole segment and
    /// matches one non-empty segment; {name...} may only be last and matches one or more
    /// segments (slashes included). When several patterns match a path, the most specific wins
    /// whatever the registration order: at the first segment where they differ a literal beats
    /// {name}, which beats {name...}. Not thread-safe: register everything before serving.
    void add(std::string method, std::string pattern, Handler handler,
             std::size_t max_body_bytes = 0, std::size_t max_multipart_body_bytes = 0);

    /// Registers a route whose body is streamed to a BodySink instead of being read into
    /// Request::body (see http/body_sink.hpp). `max_body_bytes` bounds the whole body (0: the
    /// server default); the read timeout then applies to each chunk, not to the whole body.
    void add_streamed(std::string method, std::string pattern, StreamedHandler open_sink,
                      std::size_t max_body_bytes = 0);

    /// Marks a registered route as one whose requests leave no trace of when they came: its
    /// access log lines (timestamped to the second) and its per-route metrics (a counter
    /// scraped every few seconds dates each request) are not written. Throws if not registered.
    void keep_timing_private(std::string_view method, std::string_view pattern);

    /// Runs the route's handler in `lane`. Throws if not registered.
    void set_lane(std::string_view method, std::string_view pattern, Lane lane);
    /// Gives a registered route a fast path: cheap answers (health, in-memory assets, cached
    /// tiles, 304s) then need no hop to a worker thread. Throws if not registered.
    void add_fast_path(std::string_view method, std::string_view pattern, FastHandler fast);

    struct Match {
        const Route* route = nullptr;  ///< null: no route
        bool path_exists = false;      ///< a route has this path but another method (405)
    };
    /// Finds the route for request.method and request.path and fills request.path_params.
    /// Thread-safe after setup. The pointer lives as long as the router.
    Match match(Request& request) const;
    /// The route that would serve a method and path, without filling parameters (for body limits
    /// decided before the body is read).
    const Route* find(std::string_view method, std::string_view path) const;
    /// Methods that have a route for this path, sorted (for the Allow header of a 405).
    [[nodiscard]] std::vector<std::string> allowed_methods(std::string_view path) const;

    [[nodiscard]] const std::vector<Route>& routes() const noexcept { return m_routes; }

  private:
    Route& registered(std::string_view method, std::string_view pattern, std::string_view caller);

    enum class SegmentKind { literal, param, tail };  // in order of precedence
    struct Segment {
        SegmentKind kind;
        std::string text;  ///< the literal, or the parameter name
    };
    using Params = std::map<std::string, std::string, std::less<>>;

    /// `parts`: the path split at '/' (split once per lookup, not once per route).
    static bool matches(const std::vector<Segment>& pattern,
                        const std::vector<std::string_view>& parts, Params* params);
    static bool more_specific(const std::vector<Segment>& a, const std::vector<Segment>& b);
    std::size_t best(std::string_view method, const std::vector<std::string_view>& parts) const;

    std::vector<Route> m_routes;
    std::vector<std::vector<Segment>> m_segments;  ///< parsed pattern of m_routes[i]
};

}  // namespace sightline::http
