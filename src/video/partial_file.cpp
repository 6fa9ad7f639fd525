#include "video/partial_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <system_error>

namespace sightline::video {
namespace {

bool fsync_path(const std::filesystem::path& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) return false;
    const bool ok = ::fsync(fd) == 0;
    return ::close(fd) == 0 && ok;
}

}  // namespace

PartialFile::PartialFile(std::filesystem::path final_path)
    : m_final(std::move(final_path)), m_partial(m_final) {
    m_partial += ".partial";
}

PartialFile::~PartialFile() {
    if (m_committed) return;
    std::error_code ignored;
    std::filesystem::remove(m_partial, ignored);
}

Status PartialFile::commit() {
    std::error_code ec;
    const bool synced = fsync_path(m_partial, O_RDONLY);
    if (synced) std::filesystem::rename(m_partial, m_final, ec);
    if (!synced || ec) {
        std::filesystem::remove(m_partial, ec);
        return fail(Errc::invalid_argument, "writing the output file failed (disk full?)");
    }
    m_committed = true;
    auto folder = m_final.parent_path();
    if (folder.empty()) folder = ".";
    // The rename is durable once the folder is; a failure here is not worth losing the file.
    fsync_path(folder, O_RDONLY | O_DIRECTORY);
    return {};
}

}  // namespace sightline::video
