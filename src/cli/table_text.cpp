#include "cli/table_text.hpp"

#include <fmt/core.h>

namespace sightline::cli {

std::string percent(double part, double whole) {
    return whole > 0 ? fmt::format("{:.1f} %", 100.0 * part / whole) : "-";
}

}  // namespace sightline::cli
