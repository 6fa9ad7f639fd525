#pragma once
// A fresh directory under /tmp, removed with everything in it when the object goes away.

#include <filesystem>
#include <string_view>

namespace sightline::testing {

class TempDir {
  public:
    /// Creates /tmp/<prefix>-XXXXXX. Throws std::runtime_error if it cannot.
    explicit TempDir(std::string_view prefix = "sightline-test");
    ~TempDir();
    TempDir(TempDir&& other) noexcept;
    TempDir& operator=(TempDir&& other) noexcept;
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return m_path; }

  private:
    std::filesystem::path m_path;  ///< empty after a move
};

}  // namespace sightline::testing
