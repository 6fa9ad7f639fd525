#include "cli/data_folder_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include <fmt/core.h>

#include "core/error.hpp"

namespace sightline::cli {

void lock_data_folder_for_serve(const std::filesystem::path& data) {
    std::error_code ec;
    std::filesystem::create_directories(data, ec);
    if (ec) throw Exception(fmt::format("cannot create {}: {}", data.string(), ec.message()));
    const auto path = data / "serve.lock";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        throw Exception(fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        ::close(fd);
        if (error == EWOULDBLOCK)
            throw Exception(
                fmt::format("another sightline serve is using the data folder {}: stop it, or "
                            "give this one a folder of its own (--data)",
                            data.string()));
        throw Exception(fmt::format("cannot lock {}: {}", path.string(), std::strerror(error)));
    }
    // The descriptor stays open, and the lock held, until the process ends.
}

}  // namespace sightline::cli
