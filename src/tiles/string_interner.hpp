#pragma once
// The strings of a tile snapshot (camera types, highway classes, names), each kept once and
// referred to by its index; index 0 is "".

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sightline::tiles {

/// Appends each distinct string to `strings` the first time it is seen and returns its index.
/// Starts `strings` with "" (index 0) when it is empty.
class StringInterner {
  public:
    explicit StringInterner(std::vector<std::string>& strings) : m_strings(strings) {
        if (m_strings.empty()) m_strings.emplace_back();
        for (std::size_t i = 0; i < m_strings.size(); ++i)
            m_index.try_emplace(m_strings[i], static_cast<std::uint32_t>(i));
    }

    std::uint32_t operator()(std::string_view text) {
        auto [it, added] =
            m_index.try_emplace(std::string(text), static_cast<std::uint32_t>(m_strings.size()));
        if (added) m_strings.emplace_back(text);
        return it->second;
    }

  private:
    std::vector<std::string>& m_strings;
    std::unordered_map<std::string, std::uint32_t> m_index;
};

}  // namespace sightline::tiles
