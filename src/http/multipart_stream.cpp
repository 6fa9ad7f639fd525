#include "http/multipart_stream.hpp"

#include <fmt/core.h>

namespace sightline::http {
namespace {

// Length of the longest suffix of `data` that is a proper prefix of `pattern`: the bytes that
// may be the start of a boundary continued in the next chunk. Everything before them is
// certainly data.
std::size_t partial_match_length(std::string_view data, std::string_view pattern) {
    std::size_t longest = std::min(data.size(), pattern.size() - 1);
    for (std::size_t n = longest; n > 0; --n) {
        if (data.ends_with(pattern.substr(0, n))) return n;
    }
    return 0;
}

constexpr std::string_view crlf = "\r\n";
constexpr std::string_view header_end = "\r\n\r\n";

}  // namespace

MultipartStream::MultipartStream(std::string_view boundary, MultipartLimits limits)
    : m_delimiter("--" + std::string(boundary)),
      m_separator("\r\n" + m_delimiter),
      m_limits(limits) {}

Status MultipartStream::fail_with(Error error) {
    m_state = State::failed;
    m_error = std::move(error);
    m_carry.clear();
    m_carry.shrink_to_fit();
    return std::unexpected(m_error);
}

Status MultipartStream::feed(std::string_view chunk, MultipartHandler& handler) {
    if (m_state == State::failed) return std::unexpected(m_error);
    if (m_state == State::done) return {};
    // Without leftovers the chunk is parsed where it lies; only its unused tail is copied.
    if (m_carry.empty()) {
        auto used = consume(chunk, handler);
        if (!used) return fail_with(used.error());
        if (m_state != State::done) m_carry.assign(chunk.substr(*used));
        return {};
    }
    m_carry.append(chunk);
    auto used = consume(m_carry, handler);
    if (!used) return fail_with(used.error());
    if (m_state == State::done)
        m_carry.clear();
    else
        m_carry.erase(0, *used);
    return {};
}

Status MultipartStream::finish() const {
    switch (m_state) {
        case State::done:
            return {};
        case State::failed:
            return std::unexpected(m_error);
        case State::start:
        case State::preamble:
            return fail(Errc::invalid_argument, "multipart body does not contain its boundary");
        case State::after_delimiter:
        case State::padding:
            return fail(Errc::invalid_argument, "malformed multipart delimiter line");
        case State::headers:
            return fail(Errc::invalid_argument, "malformed or oversized multipart part headers");
        case State::body:
            break;
    }
    return fail(Errc::invalid_argument, "multipart body is not closed by its boundary");
}

// The states follow parse_multipart step by step (multipart.cpp), so that both accept the same
// bodies; a state waits for more bytes wherever parse_multipart would look ahead.
Result<std::size_t> MultipartStream::consume(std::string_view data, MultipartHandler& handler) {
    std::size_t pos = 0;
    while (true) {
        std::string_view rest = data.substr(pos);
        switch (m_state) {
            case State::start:
                if (rest.size() < m_delimiter.size()) return pos;
                if (rest.starts_with(m_delimiter)) {
                    pos += m_delimiter.size();
                    m_state = State::after_delimiter;
                } else {
                    m_state = State::preamble;
                }
                break;
            case State::preamble: {
                auto at = rest.find(m_separator);
                if (at == std::string_view::npos)
                    return pos + rest.size() - partial_match_length(rest, m_separator);
                pos += at + m_separator.size();
                m_state = State::after_delimiter;
                break;
            }
            case State::after_delimiter:
                if (rest.size() < 2) return pos;
                if (rest.starts_with("--")) {
                    m_state = State::done;
                    return data.size();
                }
                m_state = State::padding;
                break;
            case State::padding: {
                // Transport padding (spaces/tabs) may follow a delimiter.
                while (pos < data.size() && (data[pos] == ' ' || data[pos] == '\t'))
                    ++pos;
                rest = data.substr(pos);
                if (rest.size() < 2) return pos;
                if (!rest.starts_with(crlf))
                    return fail(Errc::invalid_argument, "malformed multipart delimiter line");
                pos += 2;
                if (m_parts == m_limits.max_parts)
                    return fail(Errc::too_large,
                                fmt::format("at most {} parts are accepted", m_limits.max_parts));
                m_state = State::headers;
                break;
            }
            case State::headers: {
                if (rest.size() < 2) return pos;
                if (rest.starts_with(crlf))
                    return fail(Errc::invalid_argument,
                                "a multipart part lacks Content-Disposition");
                auto end = rest.find(header_end);
                // Without an end in sight, a block this long can only end past the limit.
                if ((end == std::string_view::npos &&
                     rest.size() >= m_limits.max_part_header_bytes + header_end.size()) ||
                    (end != std::string_view::npos && end > m_limits.max_part_header_bytes))
                    return fail(Errc::invalid_argument,
                                "malformed or oversized multipart part headers");
                if (end == std::string_view::npos) return pos;
                MultipartPart part;
                if (auto ok = parse_part_headers(rest.substr(0, end), part); !ok)
                    return std::unexpected(ok.error());
                ++m_parts;
                if (auto ok = handler.on_part_begin(part); !ok) return std::unexpected(ok.error());
                pos += end + header_end.size();
                m_state = State::body;
                break;
            }
            case State::body: {
                auto at = rest.find(m_separator);
                std::size_t data_bytes = at == std::string_view::npos
                                             ? rest.size() - partial_match_length(rest, m_separator)
                                             : at;
                if (data_bytes > 0) {
                    if (auto ok = handler.on_part_data(rest.substr(0, data_bytes)); !ok)
                        return std::unexpected(ok.error());
                }
                if (at == std::string_view::npos) return pos + data_bytes;
                if (auto ok = handler.on_part_end(); !ok) return std::unexpected(ok.error());
                pos += at + m_separator.size();
                m_state = State::after_delimiter;
                break;
            }
            case State::done:
                return data.size();
            case State::failed:
                return std::unexpected(m_error);
        }
    }
}

}  // namespace sightline::http
