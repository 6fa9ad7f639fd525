#pragma once
// Streamed request bodies: a route registered with Router::add_streamed is asked for a BodySink
// as soon as the request header is read, before any of the body; the server core then hands the
// body to the sink chunk by chunk as it arrives, so memory is bounded by the chunk size whatever
// the upload size. Plain types only: Beast stays in server.cpp.

#include <expected>
#include <functional>
#include <memory>
#include <string_view>

#include "core/error.hpp"
#include "http/request.hpp"

namespace sightline::http {

/// Receives one request body. The server calls write() for each chunk in order, then one of
/// finish() or abort(), never concurrently; the sink is destroyed afterwards. A sink destroyed
/// without either (the server stopped past its drain timeout) must clean up as abort() does.
class BodySink {
  public:
    virtual ~BodySink() = default;
    /// The next bytes of the body (at most the server's chunk size, 64 KiB). The view lives only
    /// during the call. Runs on an I/O thread: keep it short (a file write, parsing); no waiting.
    /// An error stops the upload: the server answers it (error_response) and closes the
    /// connection, then calls abort().
    virtual Status write(std::string_view chunk) = 0;
    /// The whole body arrived: the answer. Runs on the worker pool.
    virtual Response finish() = 0;
    /// The body will not be complete: the client went away or stalled (read timeout), the body
    /// broke the route's limit or HTTP framing, write() or finish() failed, or the server is
    /// shutting down. Undo everything the sink did (e.g. delete its files).
    virtual void abort() noexcept = 0;
};

/// What a streamed route answers when the header has been read: a sink for the body, or a
/// response right away (413, 415, 503 + Retry-After, ...), in which case the body is not read
/// and the connection is closed after the response unless the request had no body.
using BodySinkOrResponse = std::expected<std::unique_ptr<BodySink>, Response>;

/// Opens the sink for a request whose body has not been read yet (Request::body is empty; the
/// headers, path_params and client_key are set). Runs on an I/O thread: decide quickly.
using StreamedHandler = std::function<BodySinkOrResponse(const Request&)>;

}  // namespace sightline::http
