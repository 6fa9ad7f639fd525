#include "cli/progress_bar.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include <fmt/core.h>

namespace sightline::cli {

bool show_progress(const ParsedArgs& args) {
    return !args.has("quiet") && isatty(STDERR_FILENO) == 1;
}

void ProgressBar::update(std::string_view label, double fraction, std::string_view detail,
                         bool force) {
    auto now = std::chrono::steady_clock::now();
    if (!force && m_drawn && label == m_label && now - m_last < std::chrono::milliseconds(200))
        return;
    m_last = now;
    m_label = std::string(label);
    constexpr int width = 30;
    int filled = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * width);
    auto line = fmt::format("{}{}[{}{}] {}", label, label.empty() ? "" : " ",
                            std::string(static_cast<std::size_t>(filled), '#'),
                            std::string(static_cast<std::size_t>(width - filled), '.'), detail);
    // Blank out the rest of a longer previous line (another label, a longer detail).
    std::size_t length = line.size();
    if (line.size() < m_length) line.append(m_length - line.size(), ' ');
    m_length = length;
    fmt::print(stderr, "\r{}", line);
    std::fflush(stderr);
    m_drawn = true;
}

void ProgressBar::count(std::string_view label, std::size_t done, std::size_t total) {
    update(label, total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0,
           fmt::format("{}/{}", done, total), done == total);
}

void ProgressBar::finish() {
    if (m_drawn) fmt::print(stderr, "\n");
    m_drawn = false;
    m_length = 0;
}

}  // namespace sightline::cli
