#pragma once
// multipart/form-data (RFC 7578) parsed incrementally: a body fed in chunks of any size, parts
// reported as they arrive. Memory is bounded by the largest chunk plus one part header block,
// whatever the size of the body. Accepts and refuses exactly what parse_multipart
// (http/multipart.hpp) does.

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "http/multipart.hpp"

namespace sightline::http {

/// Receives the parts of a body. Any callback may return an error to stop the parse: feed()
/// returns that error and the stream stays failed.
class MultipartHandler {
  public:
    virtual ~MultipartHandler() = default;
    /// A part starts. `part.body` is empty; name, filename and content_type are set.
    virtual Status on_part_begin(const MultipartPart& part) = 0;
    /// The next bytes of the current part (not empty; chunk edges fall anywhere). The view lives
    /// only during the call.
    virtual Status on_part_data(std::string_view data) = 0;
    /// The current part is complete (its closing boundary was seen).
    virtual Status on_part_end() = 0;
};

class MultipartStream {
  public:
    /// `boundary` as returned by multipart_boundary().
    explicit MultipartStream(std::string_view boundary, MultipartLimits limits = {});

    /// Parses the next chunk of the body. invalid_argument on malformed framing or part headers
    /// (over max_part_header_bytes, no Content-Disposition, ...), too_large over max_parts, or a
    /// handler's error. After an error every call returns it again. Bytes after the closing
    /// delimiter (the epilogue) are ignored.
    Status feed(std::string_view chunk, MultipartHandler& handler);
    /// The body ended: ok when the closing delimiter was seen, invalid_argument otherwise.
    [[nodiscard]] Status finish() const;
    /// The closing delimiter was seen.
    [[nodiscard]] bool complete() const noexcept { return m_state == State::done; }
    /// Bytes kept between chunks (a possible boundary, unfinished part headers): at most one
    /// chunk plus max_part_header_bytes.
    [[nodiscard]] std::size_t buffered_bytes() const noexcept { return m_carry.size(); }

  private:
    enum class State { start, preamble, after_delimiter, padding, headers, body, done, failed };

    /// Parses as much of `data` as it can; returns how many leading bytes were used. The rest
    /// is kept by feed() and offered again, followed by the next chunk.
    Result<std::size_t> consume(std::string_view data, MultipartHandler& handler);
    Status fail_with(Error error);

    std::string m_delimiter;  ///< "--" boundary
    std::string m_separator;  ///< CRLF "--" boundary
    MultipartLimits m_limits;
    State m_state = State::start;
    std::size_t m_parts = 0;
    std::string m_carry;  ///< unused bytes of earlier chunks (a possible boundary, headers)
    Error m_error;
};

}  // namespace sightline::http
