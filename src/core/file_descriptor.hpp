#pragma once
// An owned file descriptor, and positioned reads and writes that finish what they start: the one
// way the project reads and writes files it opens itself (temporary spills, the node index, PBF
// blobs, section files, media).

#include <cstddef>
#include <cstdint>
#include <utility>

namespace sightline::core {

/// An open file descriptor, closed with the object; move-only. Holds -1 when it holds none (a
/// failed open() included: check valid(), errno says why).
class FileDescriptor {
  public:
    FileDescriptor() = default;
    explicit FileDescriptor(int fd) noexcept : m_fd(fd) {}
    ~FileDescriptor();
    FileDescriptor(FileDescriptor&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    FileDescriptor& operator=(FileDescriptor&& other) noexcept;
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;

    [[nodiscard]] int get() const noexcept { return m_fd; }
    [[nodiscard]] bool valid() const noexcept { return m_fd >= 0; }
    /// The descriptor, no longer owned: for a caller that closes it itself and checks how.
    [[nodiscard]] int release() noexcept { return std::exchange(m_fd, -1); }

  private:
    int m_fd = -1;
};

/// Reads `size` bytes of `fd` at `offset` into `out`, through short reads and EINTR. Returns the
/// bytes read: `size`, fewer only where the file ends, or -1 on an error (errno says which).
std::int64_t read_at(int fd, void* out, std::size_t size, std::uint64_t offset) noexcept;

/// Writes all `size` bytes at `offset`, through short writes and EINTR. False on an error, with
/// errno set (ENOSPC where the system wrote nothing without saying why).
bool write_all_at(int fd, const void* bytes, std::size_t size, std::uint64_t offset) noexcept;

}  // namespace sightline::core
