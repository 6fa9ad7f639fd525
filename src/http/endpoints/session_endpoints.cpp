// POST /api/v1/session (log in), GET /api/v1/session (who am I), DELETE /api/v1/session.

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "core/clock.hpp"
#include "http/endpoints/endpoints.hpp"
#include "http/endpoints/json_body.hpp"
#include "http/response.hpp"
#include "services/json_writer.hpp"

namespace sightline::http {
namespace {

using services::JsonWriter;

std::string cookie_header(std::string_view value, std::int64_t max_age_s, bool secure) {
    return fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}", session_cookie,
                       value, max_age_s, secure ? "; Secure" : "");
}

void write_session(JsonWriter& w, const model::User& user, std::string_view csrf) {
    w.begin_object();
    w.key("username").value(user.name);
    w.key("role").value(model::to_string(user.role));
    w.key("csrf_token").value(csrf);
    w.end_object();
}

Response login(const Request& req, ApiContext& ctx) {
    auto body = parse_json_object(req, ctx.options.max_json_depth);
    if (!body) return error_response(body.error());
    if (auto ok = reject_unknown_fields(*body, {"username", "password"}); !ok)
        return error_response(ok.error());
    auto name = optional_string(*body, "username");
    if (!name) return error_response(name.error());
    auto password = optional_string(*body, "password");
    if (!password) return error_response(password.error());
    if (!*name || !*password)
        return error_response(
            Error{Errc::invalid_argument, "'username' and 'password' are required"});
    auto result = ctx.services.auth.login(**name, **password, req.client_key);
    if (!result && result.error().code == Errc::rate_limited) {
        const double wait = ctx.services.auth.login_wait_s(**name, req.client_key);
        return error_response(result.error())
            .with_header("Retry-After",
                         std::to_string(std::max(1L, static_cast<long>(std::ceil(wait)))));
    }
    if (!result) return error_response(result.error());
    std::string out;
    JsonWriter w(out);
    write_session(w, result->user, result->csrf_token);
    std::int64_t max_age = result->expires_at - unix_now();
    return json_response(200, std::move(out))
        .with_header("Set-Cookie", cookie_header(result->session_token, max_age,
                                                 ctx.options.secure_cookies || req.https))
        .with_header("Cache-Control", "no-store");
}

Response whoami(const Request& req, ApiContext& ctx) {
    auto who = ctx.services.auth.authenticate(req.cookie(session_cookie));
    if (!who) return error_response(who.error());
    std::string out;
    JsonWriter w(out);
    write_session(w, who->user, who->csrf_token);
    return json_response(200, std::move(out)).with_header("Cache-Control", "no-store");
}

Response logout(const Request& req, ApiContext& ctx) {
    auto who = ctx.services.auth.authorize(req.cookie(session_cookie), model::Role::moderator,
                                           req.header("x-csrf-token"));
    if (!who) return error_response(who.error());
    if (auto ok = ctx.services.auth.logout(*req.cookie(session_cookie)); !ok)
        return error_response(ok.error());
    Response r{204, "application/json", "", {}};
    r.with_header("Set-Cookie", cookie_header("", 0, ctx.options.secure_cookies || req.https));
    return r;
}

}  // namespace

void register_session_routes(Router& router, ApiContext& ctx) {
    router.add("POST", "/api/v1/session", [&ctx](const Request& r) { return login(r, ctx); });
    router.add("GET", "/api/v1/session", [&ctx](const Request& r) { return whoami(r, ctx); });
    router.add("DELETE", "/api/v1/session", [&ctx](const Request& r) { return logout(r, ctx); });
}

}  // namespace sightline::http
