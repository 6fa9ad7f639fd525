#pragma once

#include <string_view>

namespace sightline {
inline constexpr std::string_view version = "0.1.0";
}
