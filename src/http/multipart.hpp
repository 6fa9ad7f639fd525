#pragma once
// multipart/form-data (RFC 7578) bodies: split into named parts that view the request body.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace sightline::http {

struct MultipartPart {
    std::string name;          ///< from Content-Disposition: form-data; name="..."
    std::string filename;      ///< may be empty; never used to judge the content
    std::string content_type;  ///< declared type, lower case; may be empty
    std::string_view body;     ///< views the request body: keep it alive
};

struct MultipartLimits {
    std::size_t max_parts = 8;
    std::size_t max_part_header_bytes = 4096;
};

/// The boundary parameter of a multipart/form-data Content-Type, or nullopt if the type is
/// something else. invalid_argument for a multipart type without a usable boundary.
Result<std::optional<std::string>> multipart_boundary(std::string_view content_type);

/// Reads the header block of one part (the lines between the delimiter line and the empty line,
/// without that final CRLF CRLF) into part.name, part.filename and part.content_type.
/// invalid_argument for a line without a colon, a disposition other than form-data, a part
/// without a name or without Content-Disposition. Shared by parse_multipart and MultipartStream.
Status parse_part_headers(std::string_view block, MultipartPart& part);

/// Parses a whole body. invalid_argument on malformed framing (missing boundary lines, headers
/// without a name, no closing delimiter); too_large over max_parts.
Result<std::vector<MultipartPart>> parse_multipart(std::string_view body, std::string_view boundary,
                                                   const MultipartLimits& limits = {});

}  // namespace sightline::http
