#pragma once
// The pure half of the server core, in the spirit of Beast's `handle_request`: turning a request
// target into a Request and a Request into a Response. No sockets, no Beast types.

#include <optional>
#include <string>
#include <string_view>

#include "http/request.hpp"
#include "http/router.hpp"

namespace sightline::http {

/// Fills request.path (percent-decoded) and request.query from an origin-form target
/// ("/a/b?x=1"); an absolute-form target ("http://host/a") is reduced to its path. False for
/// anything else, a malformed %-escape in the path or a decoded NUL byte.
bool parse_target(std::string_view target, Request& request);

/// The route that serves `method` on `path`; HEAD falls back to the GET route.
const Route* route_for(const Router& router, std::string_view method, std::string_view path);

struct Dispatched {
    Response response;
    const Route* route = nullptr;  ///< null: 404/405
};
/// Routes the request (filling path_params) and calls the endpoint. Never throws: no route is a
/// 404 JSON error, a route for another method a 405 with an Allow header, and an endpoint that
/// throws a 500 `internal` error plus an error log line with the request id.
Dispatched dispatch(const Router& router, Request& request);

/// The route's fast path, if it has one and it answers (Router::add_fast_path); fills
/// path_params. Never throws: an exception is logged and nullopt returned, so the route's handler
/// answers instead.
std::optional<Response> try_fast_path(const Route& route, const Router& router, Request& request);

/// For a streamed route (Route::streamed) that serves `request`: fills path_params and asks the
/// route for its body sink. Never throws: an exception becomes a 500 `internal` response plus an
/// error log line with the request id.
BodySinkOrResponse open_body_sink(const Router& router, Request& request);

/// 16 random hex characters.
std::string make_request_id();

}  // namespace sightline::http
