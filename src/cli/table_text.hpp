#pragma once
// Text for the commands' tables.

#include <string>

namespace sightline::cli {

/// "12.3 %" of `whole`, or "-" when whole is 0.
std::string percent(double part, double whole);

}  // namespace sightline::cli
