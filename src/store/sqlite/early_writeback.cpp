#include "store/sqlite/early_writeback.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <charconv>
#include <string>
#include <system_error>

namespace sightline::store::sqlite {

namespace {

// A descriptor this process has open on the file of `wanted` (device and inode), or -1.
int open_descriptor_of(const struct stat& wanted) {
    std::error_code ec;
    for (std::filesystem::directory_iterator it{"/proc/self/fd", ec}, end; !ec && it != end;
         it.increment(ec)) {
        const std::string name = it->path().filename().string();
        int fd = -1;
        auto [ptr, parse] = std::from_chars(name.data(), name.data() + name.size(), fd);
        if (parse != std::errc{} || ptr != name.data() + name.size()) continue;
        struct stat seen {};
        if (::fstat(fd, &seen) == 0 && S_ISREG(seen.st_mode) && seen.st_dev == wanted.st_dev &&
            seen.st_ino == wanted.st_ino)
            return fd;
    }
    return -1;
}

}  // namespace

int EarlyWriteback::start_writeback(const std::vector<std::filesystem::path>& files) {
#if defined(__linux__)
    int started = 0;
    for (const auto& file : files) {
        struct stat wanted {};
        if (::stat(file.c_str(), &wanted) != 0) continue;  // no -wal file (yet)
        const int fd = open_descriptor_of(wanted);
        // Starts writing the pages that are dirty now and returns: no waiting. Should SQLite
        // close the descriptor in between and the number go to another file, that file's pages
        // are written a little early, which is harmless.
        if (fd >= 0 && ::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE) == 0) ++started;
    }
    return started;
#else
    (void)files;
    return 0;
#endif
}

EarlyWriteback::EarlyWriteback(std::vector<std::filesystem::path> files,
                               std::chrono::milliseconds period)
    : m_files(std::move(files)), m_period(period), m_thread([this] {
          std::unique_lock lock{m_mutex};
          while (!m_wake.wait_for(lock, m_period, [this] { return m_stopping; })) {
              lock.unlock();
              start_writeback(m_files);
              lock.lock();
          }
      }) {}

EarlyWriteback::~EarlyWriteback() {
    {
        std::lock_guard lock{m_mutex};
        m_stopping = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

}  // namespace sightline::store::sqlite
