#pragma once
// A file written under a temporary name beside its final one (`<final>.partial`) and renamed
// into place by commit(); removed by the destructor unless committed, so that no error, early
// return or exception leaves half a file at either name.

#include <filesystem>

#include "core/error.hpp"

namespace sightline::video {

class PartialFile {
  public:
    explicit PartialFile(std::filesystem::path final_path);
    ~PartialFile();
    PartialFile(const PartialFile&) = delete;
    PartialFile& operator=(const PartialFile&) = delete;

    /// Where to write: the final path + ".partial".
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return m_partial; }

    /// fsync the written file, rename it to the final path, fsync the folder.
    /// invalid_argument (no path in the message) when any step fails; the partial is removed.
    Status commit();

  private:
    std::filesystem::path m_final;
    std::filesystem::path m_partial;
    bool m_committed = false;
};

}  // namespace sightline::video
