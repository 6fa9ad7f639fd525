#pragma once
// Starts the kernel's writeback of a database file's dirty pages while a long transaction is
// still writing them, so that its commit's fsync finds most of them on disk already (RocksDB's
// bytes_per_sync and PostgreSQL's backend_flush_after do the same). On a machine with plenty of
// memory the kernel holds gigabytes of dirty pages before it writes any: a country's import
// wrote 500 MB and then waited 0.65-0.71 s for one fdatasync, with both cores idle.
//
// It uses the descriptors SQLite has open on the files (found by device and inode in
// /proc/self/fd) and never opens one of its own: closing a second descriptor of a database file
// would drop the locks SQLite holds on it. Where that is not possible (not Linux), it does
// nothing; it never changes what is written, only when the kernel starts writing it.

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

namespace sightline::store::sqlite {

class EarlyWriteback {
  public:
    /// Every `period` until destroyed, starts writing back the dirty pages of those of `files`
    /// (a database and its -wal file) that this process has open.
    explicit EarlyWriteback(std::vector<std::filesystem::path> files,
                            std::chrono::milliseconds period = std::chrono::milliseconds{250});
    ~EarlyWriteback();
    EarlyWriteback(const EarlyWriteback&) = delete;
    EarlyWriteback& operator=(const EarlyWriteback&) = delete;

    /// One round now: how many of the files had a descriptor open here and were asked to write.
    static int start_writeback(const std::vector<std::filesystem::path>& files);

  private:
    std::vector<std::filesystem::path> m_files;
    std::chrono::milliseconds m_period;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::thread m_thread;  // last: it starts once the members it reads exist
};

}  // namespace sightline::store::sqlite
