#pragma once
// Placeholder of a PostgreSQL store method not written yet (removed when all are written).
#include <string_view>

#include <fmt/core.h>

#include "core/error.hpp"

namespace sightline::store::postgres {
[[noreturn]] inline void not_yet(std::string_view method) {
    throw sightline::Exception(fmt::format("PostgreSQL store: {} is not implemented yet", method));
}
}  // namespace sightline::store::postgres
