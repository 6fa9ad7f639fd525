#include "http/multipart.hpp"

#include "http/field_text.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/core.h>

namespace sightline::http {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::ranges::transform(out, out.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// Value of `name` in "type; a=1; name="x"" (quoted or token); nullopt if absent.
std::optional<std::string> header_parameter(std::string_view value, std::string_view name) {
    std::size_t pos = value.find(';');
    while (pos != std::string_view::npos) {
        value.remove_prefix(pos + 1);
        auto eq = value.find('=');
        if (eq == std::string_view::npos) return std::nullopt;
        auto key = lower(trim_whitespace(value.substr(0, eq)));
        value.remove_prefix(eq + 1);
        value = trim_whitespace(value);
        std::string parsed;
        if (!value.empty() && value.front() == '"') {
            std::size_t i = 1;
            for (; i < value.size() && value[i] != '"'; ++i) {
                if (value[i] == '\\' && i + 1 < value.size()) ++i;
                parsed += value[i];
            }
            if (i >= value.size()) return std::nullopt;  // unterminated quote
            value.remove_prefix(i + 1);
        } else {
            auto end = value.find(';');
            parsed = std::string(trim_whitespace(value.substr(0, end)));
            value.remove_prefix(end == std::string_view::npos ? value.size() : end);
        }
        if (key == name) return parsed;
        pos = value.find(';');
    }
    return std::nullopt;
}

}  // namespace

Result<std::optional<std::string>> multipart_boundary(std::string_view content_type) {
    auto semicolon = content_type.find(';');
    auto type = lower(trim_whitespace(content_type.substr(0, semicolon)));
    if (type != "multipart/form-data") return std::optional<std::string>{};
    auto boundary = header_parameter(content_type, "boundary");
    // RFC 2046: 1 to 70 characters.
    if (!boundary || boundary->empty() || boundary->size() > 70)
        return fail(Errc::invalid_argument,
                    "multipart/form-data needs a boundary of 1 to 70 characters");
    return boundary;
}

Status parse_part_headers(std::string_view headers, MultipartPart& part) {
    bool has_disposition = false;
    while (!headers.empty()) {
        auto eol = headers.find("\r\n");
        auto line = headers.substr(0, eol);
        headers.remove_prefix(eol == std::string_view::npos ? headers.size() : eol + 2);
        auto colon = line.find(':');
        if (colon == std::string_view::npos)
            return fail(Errc::invalid_argument, "malformed multipart part header");
        auto name = lower(trim_whitespace(line.substr(0, colon)));
        auto value = trim_whitespace(line.substr(colon + 1));
        if (name == "content-disposition") {
            if (lower(trim_whitespace(value.substr(0, value.find(';')))) != "form-data")
                return fail(Errc::invalid_argument,
                            "multipart parts must be Content-Disposition: form-data");
            auto field = header_parameter(value, "name");
            if (!field) return fail(Errc::invalid_argument, "a multipart part has no name");
            part.name = *field;
            part.filename = header_parameter(value, "filename").value_or("");
            has_disposition = true;
        } else if (name == "content-type") {
            part.content_type = lower(trim_whitespace(value.substr(0, value.find(';'))));
        }
    }
    if (!has_disposition)
        return fail(Errc::invalid_argument, "a multipart part lacks Content-Disposition");
    return {};
}

Result<std::vector<MultipartPart>> parse_multipart(std::string_view body, std::string_view boundary,
                                                   const MultipartLimits& limits) {
    const std::string delimiter = "--" + std::string(boundary);
    const std::string separator = "\r\n" + delimiter;
    std::vector<MultipartPart> parts;

    // The body starts with the first delimiter (an optional preamble ends with CRLF).
    std::size_t pos = 0;
    if (body.substr(0, delimiter.size()) != delimiter) {
        auto first = body.find(separator);
        if (first == std::string_view::npos)
            return fail(Errc::invalid_argument, "multipart body does not contain its boundary");
        pos = first + 2;
    }
    pos += delimiter.size();
    while (true) {
        // After a delimiter: "--" closes the body, CRLF starts a part.
        if (body.substr(pos, 2) == "--") return parts;
        // Transport padding (spaces/tabs) may follow a delimiter.
        while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t'))
            ++pos;
        if (body.substr(pos, 2) != "\r\n")
            return fail(Errc::invalid_argument, "malformed multipart delimiter line");
        pos += 2;
        if (parts.size() == limits.max_parts)
            return fail(Errc::too_large,
                        fmt::format("at most {} parts are accepted", limits.max_parts));

        auto header_end = body.find("\r\n\r\n", pos);
        // A part without headers starts its body right away.
        bool no_headers = body.substr(pos, 2) == "\r\n";
        if (!no_headers && (header_end == std::string_view::npos ||
                            header_end - pos > limits.max_part_header_bytes))
            return fail(Errc::invalid_argument, "malformed or oversized multipart part headers");
        // A part without headers (its body would start right away) has no Content-Disposition.
        if (no_headers)
            return fail(Errc::invalid_argument, "a multipart part lacks Content-Disposition");
        MultipartPart part;
        if (auto ok = parse_part_headers(body.substr(pos, header_end - pos), part); !ok)
            return std::unexpected(ok.error());
        pos = header_end + 4;
        auto end = body.find(separator, pos);
        if (end == std::string_view::npos)
            return fail(Errc::invalid_argument, "multipart body is not closed by its boundary");
        part.body = body.substr(pos, end - pos);
        parts.push_back(std::move(part));
        pos = end + separator.size();
    }
}

}  // namespace sightline::http
