#pragma once
// Maps (method, path pattern) to endpoint functions. Patterns are literal segments and
// {name} placeholders: "/api/v1/cameras/{id}".

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.hpp"

namespace sightline::http {

using Handler = std::function<Response(const Request&)>;

struct Route {
    std::string method;
    std::string pattern;  ///< also the route label in metrics and the key in the OpenAPI document
    Handler handler;
    std::size_t max_body_bytes = 0;  ///< 0: the server default
};

class Router {
public:
    void add(std::string method, std::string pattern, Handler handler, std::size_t max_body_bytes = 0);

    struct Match {
        const Route* route = nullptr;  ///< null: no route
        bool path_exists = false;      ///< a route has this path but another method (405)
    };
    /// Finds the route and fills request.path_params. Thread-safe after setup.
    Match match(Request& request) const;
    /// The route that would serve a method and path, without filling parameters (for body limits
    /// decided before the body is read).
    const Route* find(std::string_view method, std::string_view path) const;

    [[nodiscard]] const std::vector<Route>& routes() const noexcept { return m_routes; }

private:
    std::vector<Route> m_routes;
};

}  // namespace sightline::http
