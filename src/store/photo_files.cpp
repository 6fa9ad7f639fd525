#include "store/photo_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>
#include <vector>

#include <fmt/core.h>

#include "core/file_descriptor.hpp"

namespace sightline::store {
namespace {

[[noreturn]] void throw_io(std::string_view what, const std::filesystem::path& path) {
    throw sightline::Exception(
        fmt::format("cannot {} {}: {}", what, path.string(), std::strerror(errno)));
}

void fsync_directory(const std::filesystem::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw_io("open directory", dir);
    int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) throw_io("sync directory", dir);
}

// temp file in the same folder -> write all -> fsync -> rename -> fsync the folder. The temporary
// name is unique per process and call: two requests storing the same photo at once each write
// their own file, and the second rename replaces the first's identical content (a name per
// process only made them write into one file, and one of them fail).
void write_atomically(const std::filesystem::path& path, std::string_view bytes) {
    static std::atomic<std::uint64_t> writes{0};
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) return;  // content-addressed: already complete
    auto temp = path;
    temp += fmt::format(".partial-{}-{}", ::getpid(), writes.fetch_add(1));
    core::FileDescriptor file(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!file.valid()) throw_io("create", temp);
    if (!core::write_all_at(file.get(), bytes.data(), bytes.size(), 0)) {
        int saved = errno;
        file = core::FileDescriptor();
        ::unlink(temp.c_str());
        errno = saved;
        throw_io("write", temp);
    }
    if (::fsync(file.get()) != 0 || ::close(file.release()) != 0) {
        int saved = errno;
        ::unlink(temp.c_str());
        errno = saved;
        throw_io("sync", temp);
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        int saved = errno;
        ::unlink(temp.c_str());
        errno = saved;
        throw_io("rename into place", path);
    }
    fsync_directory(path.parent_path());
}

}  // namespace

PhotoFiles::PhotoFiles(std::filesystem::path root) : m_root(std::move(root)) {}

std::filesystem::path PhotoFiles::path(std::string_view sha256, std::string_view extension,
                                       PhotoVariant variant) const {
    auto hash = std::string(sha256);
    auto dir = m_root / hash.substr(0, 2) / hash.substr(2, 2);
    return dir / (variant == PhotoVariant::image ? fmt::format("{}.{}", hash, extension)
                                                 : fmt::format("{}.thumb.webp", hash));
}

void PhotoFiles::write(std::string_view sha256, std::string_view extension, std::string_view image,
                       std::string_view thumbnail_webp) {
    auto image_path = path(sha256, extension, PhotoVariant::image);
    std::error_code ec;
    std::filesystem::create_directories(image_path.parent_path(), ec);
    if (ec)
        throw sightline::Exception(
            fmt::format("cannot create {}: {}", image_path.parent_path().string(), ec.message()));
    if (!thumbnail_webp.empty())
        write_atomically(path(sha256, extension, PhotoVariant::thumbnail), thumbnail_webp);
    write_atomically(image_path, image);
}

std::optional<std::string> PhotoFiles::read(std::string_view sha256, std::string_view extension,
                                            PhotoVariant variant) const {
    std::ifstream in(path(sha256, extension, variant), std::ios::binary);
    if (!in) return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void PhotoFiles::remove(std::string_view sha256, std::string_view extension) {
    std::error_code ec;
    std::filesystem::remove(path(sha256, extension, PhotoVariant::image), ec);
    std::filesystem::remove(path(sha256, extension, PhotoVariant::thumbnail), ec);
}

std::size_t PhotoFiles::sweep_orphans(
    const std::function<bool(std::string_view sha256)>& is_recorded) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(m_root, ec)) return 0;
    std::size_t removed = 0;
    // Collected first: removing entries while iterating a directory is unspecified.
    std::vector<fs::path> orphans;
    for (fs::recursive_directory_iterator it(m_root, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        const std::string name = it->path().filename().string();
        if (name.find(".partial") != std::string::npos) {
            orphans.push_back(it->path());
            continue;
        }
        // <sha256>.<extension> or <sha256>.thumb.webp: orphaned when no record names the hash.
        const std::string hash = name.substr(0, name.find('.'));
        if (hash.size() == 64 && !is_recorded(hash)) orphans.push_back(it->path());
    }
    for (const auto& path : orphans)
        if (fs::remove(path, ec)) ++removed;
    return removed;
}

}  // namespace sightline::store
