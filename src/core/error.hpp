#pragma once
// Error handling vocabulary: expected failures are values (Result), environment failures throw.

#include <expected>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace sightline {

/// Kinds of expected failure. Each maps to one HTTP status and one CLI exit code (error.cpp).
enum class Errc {
    invalid_argument,        ///< malformed or out-of-range input (HTTP 400)
    unprocessable,           ///< well-formed but semantically unusable input (HTTP 422)
    not_found,               ///< HTTP 404
    conflict,                ///< state does not allow the operation (HTTP 409)
    too_large,               ///< body, upload or query over a documented limit (HTTP 413)
    unsupported_media_type,  ///< HTTP 415
    unauthorized,            ///< no or invalid credentials (HTTP 401)
    forbidden,               ///< authenticated but not allowed, or bad CSRF token (HTTP 403)
    rate_limited,            ///< HTTP 429
    unavailable,             ///< temporarily cannot serve (HTTP 503)
};

/// An expected failure. `message` is safe to show to a client: no paths, no SQL, no addresses.
struct Error {
    Errc code = Errc::invalid_argument;
    std::string message;
};

template <typename T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

/// Shorthand for returning a failure: `return fail(Errc::not_found, "no such camera");`
inline std::unexpected<Error> fail(Errc code, std::string message) {
    return std::unexpected<Error>(Error{code, std::move(message)});
}

/// Stable machine-readable name of an error kind, e.g. "not_found".
std::string_view errc_name(Errc code) noexcept;
/// HTTP status for an error kind.
int http_status(Errc code) noexcept;
/// Process exit code for an error kind (CLI): 2 for bad input, 3 not found/conflict, 4 other.
int exit_code(Errc code) noexcept;

/// Environment failure (disk full, corrupt database, lost connection). Caught only by the HTTP
/// session (500) and cli/main.cpp.
class Exception : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Something the request needs cannot be reached now (the database server is down or
/// restarting): worth retrying. The HTTP layer answers 503 with Retry-After; the CLI exits 1.
class UnavailableError : public Exception {
  public:
    using Exception::Exception;
};

}  // namespace sightline
