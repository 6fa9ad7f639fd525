#include "core/error.hpp"

namespace sightline {

std::string_view errc_name(Errc code) noexcept {
    switch (code) {
        case Errc::invalid_argument:
            return "invalid_argument";
        case Errc::unprocessable:
            return "unprocessable";
        case Errc::not_found:
            return "not_found";
        case Errc::conflict:
            return "conflict";
        case Errc::too_large:
            return "too_large";
        case Errc::unsupported_media_type:
            return "unsupported_media_type";
        case Errc::unauthorized:
            return "unauthorized";
        case Errc::forbidden:
            return "forbidden";
        case Errc::rate_limited:
            return "rate_limited";
        case Errc::unavailable:
            return "unavailable";
    }
    return "error";
}

int http_status(Errc code) noexcept {
    switch (code) {
        case Errc::invalid_argument:
            return 400;
        case Errc::unprocessable:
            return 422;
        case Errc::not_found:
            return 404;
        case Errc::conflict:
            return 409;
        case Errc::too_large:
            return 413;
        case Errc::unsupported_media_type:
            return 415;
        case Errc::unauthorized:
            return 401;
        case Errc::forbidden:
            return 403;
        case Errc::rate_limited:
            return 429;
        case Errc::unavailable:
            return 503;
    }
    return 500;
}

int exit_code(Errc code) noexcept {
    switch (code) {
        case Errc::invalid_argument:
        case Errc::unprocessable:
        case Errc::too_large:
        case Errc::unsupported_media_type:
            return 2;
        case Errc::not_found:
        case Errc::conflict:
            return 3;
        default:
            return 4;
    }
}

}  // namespace sightline
