#pragma once
// The progress line of long commands (import, tiles, coverage): one line on stderr,
// "\r<label> [#####.........] <detail>", redrawn at most five times a second. Commands show it
// only when stderr is a terminal (show_progress).

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "cli/args.hpp"

namespace sightline::cli {

/// True unless --quiet was given or stderr is not a terminal.
bool show_progress(const ParsedArgs& args);

class ProgressBar {
  public:
    /// Redraws if 200 ms have passed, the label changed, or `force` (the last step).
    void update(std::string_view label, double fraction, std::string_view detail,
                bool force = false);
    /// A count of `total`: detail "done/total", drawn at once when done == total (for the
    /// progress callbacks of long services).
    void count(std::string_view label, std::size_t done, std::size_t total);
    /// Ends the line if anything was drawn.
    void finish();

  private:
    std::chrono::steady_clock::time_point m_last{};
    std::string m_label;
    std::size_t m_length = 0;  ///< characters of the line drawn last
    bool m_drawn = false;
};

}  // namespace sightline::cli
