#pragma once
// One TCP connection to a test server driven step by step: send a request header, then its body
// in pieces (slowly, or more bytes than a test wants to hold), then read the response. For
// streamed uploads, progress timeouts and clients that vanish mid-body. Beast stays in the .cpp.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>

#include "support/http_client.hpp"

namespace sightline::testing {

class RawConnection {
  public:
    /// Connects to 127.0.0.1:port; throws std::runtime_error if it cannot.
    explicit RawConnection(std::uint16_t port);
    ~RawConnection();
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    /// Writes all of `bytes`. False when the server closed or reset the connection, or the
    /// write did not finish within `timeout` (the server stopped reading).
    bool send(std::string_view bytes,
              std::chrono::milliseconds timeout = std::chrono::milliseconds(30000));
    /// Reads one whole response. Throws std::runtime_error on timeout or when the connection
    /// ends first.
    HttpResponse read_response(
        std::chrono::milliseconds timeout = std::chrono::milliseconds(30000));
    /// True when the server closes the connection within `timeout` (bytes it sends meanwhile
    /// are discarded).
    bool closed_within(std::chrono::milliseconds timeout);
    /// Closes the connection at once (a client that vanishes).
    void close();

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace sightline::testing
