#include "osm/pbf_blobs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <protozero/pbf_reader.hpp>

#include <cerrno>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>

#include <fmt/core.h>

namespace sightline::osm {

namespace {

[[noreturn]] void fail_io(const std::filesystem::path& path, const char* what) {
    throw sightline::Exception(
        fmt::format("{}: {}: {}", path.string(), what, std::strerror(errno)));
}

int open_for_reading(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail_io(path, "cannot open");
    return fd;
}

void append_blob(int fd, const std::filesystem::path& path, const PbfBlob& blob,
                 std::string& bytes) {
    const auto at = bytes.size();
    bytes.resize(at + blob.bytes);
    if (core::read_at(fd, bytes.data() + at, blob.bytes, blob.offset) !=
        static_cast<std::int64_t>(blob.bytes))
        throw sightline::Exception(fmt::format("{}: cannot read {} bytes at offset {}",
                                               path.string(), blob.bytes, blob.offset));
}

}  // namespace

// libosmium (2.18) compares a PBF BlobHeader's type with strncmp(expected, type.data(),
// type.size()) without checking that the field is there: a header without one passes a null
// pointer (undefined behaviour, found by tests/fuzz/osm_pbf_fuzz.cpp) and an empty one matches
// any expected type. Such a header is refused here; everything else (sizes, truncation,
// decoding) is left to libosmium and its messages. One pread per blob (its length and a header
// of the usual size): a country's thousands of blobs are listed in milliseconds.
Result<std::vector<PbfBlob>> list_pbf_blobs(const std::filesystem::path& path) {
    const core::FileDescriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    struct stat status {};
    if (!file.valid() || ::fstat(file.get(), &status) != 0)
        return fail(Errc::not_found, "cannot open the file");
    const auto file_bytes = static_cast<std::uint64_t>(status.st_size);
    constexpr std::uint32_t max_blob_header_bytes = 64 * 1024;  // as libosmium
    constexpr std::size_t first_read = 64;  // a BlobHeader is ~14 bytes ("OSMData", a size)
    std::vector<PbfBlob> blobs;
    std::uint64_t offset = 0;
    std::string frame;  // the 4-byte length, then the BlobHeader
    while (true) {
        frame.resize(first_read);
        const auto got = core::read_at(file.get(), frame.data(), first_read, offset);
        frame.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
        if (frame.size() < 4) break;  // the end, or a read error: libosmium reports what follows
        const auto byte = [&frame](std::size_t i) {
            return std::uint32_t{static_cast<unsigned char>(frame[i])};
        };
        const std::uint32_t size = byte(0) << 24 | byte(1) << 16 | byte(2) << 8 | byte(3);
        if (size > max_blob_header_bytes) break;
        if (frame.size() < 4 + size) {
            const std::size_t had = frame.size();
            frame.resize(4 + size);
            if (core::read_at(file.get(), frame.data() + had, frame.size() - had, offset + had) !=
                static_cast<std::int64_t>(frame.size() - had))
                break;
        }
        bool has_type = false;
        bool is_header = false;
        std::int32_t data_bytes = 0;
        try {
            protozero::pbf_reader reader(frame.data() + 4, size);
            while (reader.next()) {
                if (reader.tag() == 1 &&
                    reader.wire_type() == protozero::pbf_wire_type::length_delimited) {
                    const auto type = reader.get_view();
                    has_type = !type.empty();
                    is_header = std::string_view(type.data(), type.size()) == "OSMHeader";
                } else if (reader.tag() == 3 &&
                           reader.wire_type() == protozero::pbf_wire_type::varint) {
                    data_bytes = reader.get_int32();
                } else {
                    reader.skip();
                }
            }
        } catch (const std::exception&) {
            break;
        }
        if (!has_type)
            return fail(Errc::invalid_argument, "PBF format error: BlobHeader without a type");
        if (data_bytes <= 0) break;
        const std::uint64_t bytes = 4 + std::uint64_t{size} + std::uint64_t(data_bytes);
        if (offset + bytes > file_bytes) break;  // the blob is not whole
        blobs.push_back({.offset = offset, .bytes = bytes, .is_header = is_header});
        offset += bytes;
    }
    return blobs;
}

std::string read_pbf_blobs(const std::filesystem::path& path, std::span<const PbfBlob> blobs) {
    const core::FileDescriptor file{open_for_reading(path)};
    std::string bytes;
    for (const auto& blob : blobs)
        append_blob(file.get(), path, blob, bytes);
    return bytes;
}

PbfBlobCopy::PbfBlobCopy(const std::filesystem::path& path, std::span<const PbfBlob> blobs,
                         const std::filesystem::path& dir) {
    std::string name = (dir / "sightline-blobs-XXXXXX").string();
    m_fd = core::FileDescriptor(::mkstemp(name.data()));
    if (!m_fd.valid()) fail_io(dir, "cannot create a temporary file");
    ::unlink(name.c_str());
    const core::FileDescriptor file{open_for_reading(path)};
    std::string bytes;
    for (const auto& blob : blobs) {
        bytes.clear();
        append_blob(file.get(), path, blob, bytes);
        if (!core::write_all_at(m_fd.get(), bytes.data(), bytes.size(), m_bytes))
            fail_io(dir, "cannot write a temporary file");
        m_bytes += bytes.size();
    }
}

std::string PbfBlobCopy::name() const {
    return fmt::format("/proc/self/fd/{}", m_fd.get());
}

}  // namespace sightline::osm
