// FileDescriptor closes what it owns once; read_at and write_all_at finish what they start and
// tell the end of a file from an error.
#include "core/file_descriptor.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

namespace sightline::core {
namespace {

bool is_open(int fd) {
    return ::fcntl(fd, F_GETFD) != -1;
}

// A temporary file, unlinked at once: its descriptor is all that is left of it.
FileDescriptor temporary_file() {
    std::string name = ::testing::TempDir() + "sightline-fd-XXXXXX";
    FileDescriptor file(::mkstemp(name.data()));
    ::unlink(name.c_str());
    return file;
}

TEST(FileDescriptorTest, ClosesWhatItOwnsOnceAndHandsItOver) {
    int raw = -1;
    {
        FileDescriptor file = temporary_file();
        ASSERT_TRUE(file.valid());
        raw = file.get();
        FileDescriptor moved(std::move(file));
        EXPECT_FALSE(file.valid());  // NOLINT(bugprone-use-after-move): moved-from is empty
        EXPECT_EQ(moved.get(), raw);
        FileDescriptor assigned;
        assigned = std::move(moved);
        EXPECT_EQ(assigned.get(), raw);
        EXPECT_TRUE(is_open(raw));
    }
    EXPECT_FALSE(is_open(raw));

    FileDescriptor file = temporary_file();
    raw = file.release();
    EXPECT_FALSE(file.valid());
    EXPECT_TRUE(is_open(raw));  // released: the caller closes it
    EXPECT_EQ(::close(raw), 0);

    EXPECT_FALSE(FileDescriptor(::open("/nonexistent/sightline", O_RDONLY)).valid());
}

TEST(FileDescriptorTest, WritesAndReadsAtOffsets) {
    const FileDescriptor file = temporary_file();
    ASSERT_TRUE(file.valid());
    const std::string first = "abcdef";
    const std::string second = "XYZ";
    ASSERT_TRUE(write_all_at(file.get(), first.data(), first.size(), 0));
    ASSERT_TRUE(write_all_at(file.get(), second.data(), second.size(), 2));

    std::string read(6, '\0');
    EXPECT_EQ(read_at(file.get(), read.data(), read.size(), 0), 6);
    EXPECT_EQ(read, "abXYZf");

    // Past the end: fewer bytes, then none; an error is -1 with errno.
    std::string tail(4, '\0');
    EXPECT_EQ(read_at(file.get(), tail.data(), tail.size(), 4), 2);
    EXPECT_EQ(tail.substr(0, 2), "Zf");
    EXPECT_EQ(read_at(file.get(), tail.data(), tail.size(), 100), 0);
    errno = 0;
    EXPECT_EQ(read_at(-1, tail.data(), tail.size(), 0), -1);
    EXPECT_EQ(errno, EBADF);
    errno = 0;
    EXPECT_FALSE(write_all_at(-1, first.data(), first.size(), 0));
    EXPECT_EQ(errno, EBADF);
}

TEST(FileDescriptorTest, WritingNothingSucceedsAndAReadOnlyFileRefusesBytes) {
    const FileDescriptor file(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    ASSERT_TRUE(file.valid());
    EXPECT_TRUE(write_all_at(file.get(), "", 0, 0));
    EXPECT_FALSE(write_all_at(file.get(), "x", 1, 0));
    EXPECT_EQ(errno, EBADF);
}

}  // namespace
}  // namespace sightline::core
