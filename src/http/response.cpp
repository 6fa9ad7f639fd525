#include "http/response.hpp"

#include <cstdint>

#include "core/json_string.hpp"

namespace sightline::http {
Response json_response(int status, std::string body) {
    Response response;
    response.status = status;
    response.content_type = "application/json";
    response.body = std::move(body);
    return response;
}

Response error_response(const Error& error) {
    return error_response(http_status(error.code), errc_name(error.code), error.message);
}

Response error_response(int status, std::string_view code, std::string_view message) {
    std::string body = "{\"error\":{\"code\":";
    append_json_string(body, code);
    body += ",\"message\":";
    append_json_string(body, message);
    body += "}}";
    return json_response(status, std::move(body));
}

Response failure_response(const std::exception& e) {
    if (dynamic_cast<const UnavailableError*>(&e)) {
        auto response =
            error_response(503, "unavailable", "the database is unreachable; try again shortly");
        response.with_header("Retry-After", "5");
        return response;
    }
    return error_response(500, "internal", "internal error");
}

}  // namespace sightline::http
