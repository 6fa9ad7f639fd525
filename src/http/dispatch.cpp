#include "http/dispatch.hpp"

#include <algorithm>
#include <exception>
#include <random>
#include <utility>

#include <fmt/format.h>

#include "core/log.hpp"
#include "http/response.hpp"

namespace sightline::http {

bool parse_target(std::string_view target, Request& request) {
    // RFC 7230 section 5.3.2: servers must accept the absolute form too.
    for (std::string_view scheme : {"http://", "https://"}) {
        if (target.size() > scheme.size() &&
            std::equal(scheme.begin(), scheme.end(), target.begin(), [](char a, char b) {
                return a == (b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
            })) {
            auto slash = target.find('/', scheme.size());
            target = slash == std::string_view::npos ? std::string_view{"/"} : target.substr(slash);
            break;
        }
    }
    if (target.empty() || target.front() != '/') return false;
    auto question = target.find('?');
    std::string_view raw_path = target.substr(0, question);
    auto path = percent_decode(raw_path, false);
    if (!path || path->find('\0') != std::string::npos) return false;
    request.path = std::move(*path);
    request.query.clear();
    if (question != std::string_view::npos)
        request.query = parse_query(target.substr(question + 1));
    return true;
}

const Route* route_for(const Router& router, std::string_view method, std::string_view path) {
    const Route* route = router.find(method, path);
    if (!route && method == "HEAD") route = router.find("GET", path);
    return route;
}

Dispatched dispatch(const Router& router, Request& request) {
    Dispatched result;
    Router::Match match = router.match(request);
    if (!match.route && request.method == "HEAD") {
        request.method = "GET";
        match = router.match(request);
        request.method = "HEAD";
    }
    if (!match.route) {
        if (!match.path_exists) {
            result.response = error_response(Error{Errc::not_found, "no such resource"});
            return result;
        }
        auto methods = router.allowed_methods(request.path);
        if (std::find(methods.begin(), methods.end(), "GET") != methods.end() &&
            std::find(methods.begin(), methods.end(), "HEAD") == methods.end()) {
            methods.push_back("HEAD");
        }
        result.response =
            error_response(405, "method_not_allowed", "this resource does not support the method");
        result.response.with_header("Allow", fmt::format("{}", fmt::join(methods, ", ")));
        return result;
    }
    result.route = match.route;
    if (!match.route->handler) {  // a streamed route reached without its body sink: a bug
        result.response = error_response(500, "internal", "internal error");
        return result;
    }
    try {
        result.response = match.route->handler(request);
    } catch (const std::exception& e) {
        log::error(fmt::format("handler failed id={} route={} error=\"{}\"", request.request_id,
                               match.route->pattern, e.what()));
        result.response = failure_response(e);
    } catch (...) {
        log::error(fmt::format("handler failed id={} route={} error=unknown", request.request_id,
                               match.route->pattern));
        result.response = error_response(500, "internal", "internal error");
    }
    return result;
}

std::optional<Response> try_fast_path(const Route& route, const Router& router, Request& request) {
    if (!route.fast_path) return std::nullopt;
    // path_params for the route found for the method (HEAD is served by GET's route).
    const std::string method = std::exchange(request.method, route.method);
    router.match(request);
    request.method = method;
    try {
        return route.fast_path(request);
    } catch (const std::exception& e) {
        log::error(fmt::format("fast path failed id={} route={} error=\"{}\"", request.request_id,
                               route.pattern, e.what()));
    } catch (...) {
        log::error(fmt::format("fast path failed id={} route={} error=unknown", request.request_id,
                               route.pattern));
    }
    return std::nullopt;
}

BodySinkOrResponse open_body_sink(const Router& router, Request& request) {
    Router::Match match = router.match(request);
    if (!match.route || !match.route->streamed)
        return std::unexpected(error_response(500, "internal", "internal error"));
    try {
        return match.route->streamed(request);
    } catch (const std::exception& e) {
        log::error(fmt::format("handler failed id={} route={} error=\"{}\"", request.request_id,
                               match.route->pattern, e.what()));
        return std::unexpected(failure_response(e));
    } catch (...) {
        log::error(fmt::format("handler failed id={} route={} error=unknown", request.request_id,
                               match.route->pattern));
    }
    return std::unexpected(error_response(500, "internal", "internal error"));
}

std::string make_request_id() {
    thread_local std::mt19937_64 engine{[] {
        std::random_device device;
        return (std::uint64_t{device()} << 32) | device();
    }()};
    return fmt::format("{:016x}", engine());
}

}  // namespace sightline::http
