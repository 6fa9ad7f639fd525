#pragma once

#include <cstddef>
#include <string>

#include "core/error.hpp"

namespace sightline::cli {

/// Reads a whole file ("-" is standard input). invalid_argument with the path when it cannot
/// be read; too_large over `max_bytes`.
Result<std::string> read_file(const std::string& path, std::size_t max_bytes);

}  // namespace sightline::cli
