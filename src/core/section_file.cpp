#include "core/section_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <limits>

#include <fmt/core.h>

#include "core/file_descriptor.hpp"

namespace sightline::core {
namespace {

constexpr std::size_t magic_size = 8;
constexpr std::size_t alignment = 64;

struct Header {
    char magic[magic_size];
    std::uint32_t version;
    std::uint32_t section_count;
    std::uint64_t checksum;  ///< of every byte after the header
    std::uint64_t file_size;
};
static_assert(sizeof(Header) == 32);

struct TableEntry {
    std::uint32_t id;
    std::uint32_t element_size;
    std::uint64_t offset;
    std::uint64_t count;
};
static_assert(sizeof(TableEntry) == 24);

constexpr std::uint64_t round_up(std::uint64_t n) {
    return (n + alignment - 1) / alignment * alignment;
}

/// checksum64 in pieces: all but the last piece must be a multiple of 32 bytes.
class Checksum {
  public:
    explicit Checksum(std::uint64_t seed) {
        for (std::size_t i = 0; i < m_lanes.size(); ++i)
            m_lanes[i] = seed + 0x9E3779B97F4A7C15ULL * (i + 1);
    }
    void update(std::span<const std::byte> bytes) {
        std::size_t i = 0;
        for (; i + 32 <= bytes.size(); i += 32)
            for (std::size_t lane = 0; lane < 4; ++lane) {
                std::uint64_t word;
                std::memcpy(&word, bytes.data() + i + lane * 8, 8);
                mix(m_lanes[lane], word);
            }
        for (; i < bytes.size(); ++i)  // the tail (last piece only)
            mix(m_lanes[i % 4], static_cast<std::uint64_t>(bytes[i]) + 1);
        m_length += bytes.size();
    }
    [[nodiscard]] std::uint64_t value() const {
        std::uint64_t h = m_length;
        for (auto lane : m_lanes)
            mix(h, lane);
        return h ^ (h >> 29);
    }

  private:
    static void mix(std::uint64_t& h, std::uint64_t word) {
        h ^= word;
        h *= 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 31;
    }
    std::array<std::uint64_t, 4> m_lanes{};
    std::uint64_t m_length = 0;
};

std::string errno_text(int error) {
    return std::strerror(error);
}

}  // namespace

std::uint64_t checksum64(std::span<const std::byte> bytes, std::uint64_t seed) {
    Checksum sum(seed);
    sum.update(bytes);
    return sum.value();
}

struct SectionFileStream::State {
    std::filesystem::path path;
    std::filesystem::path temp;
    std::string magic;
    std::uint32_t version = 0;
    FileDescriptor fd;
    std::uint64_t offset = 0;  ///< where the next section goes
    std::vector<TableEntry> table;
    Checksum sum{0};
    bool failed = false;
    int error = 0;

    ~State() {
        if (!temp.empty()) {
            std::error_code ec;
            std::filesystem::remove(temp, ec);
        }
    }
    /// Writes and checksums bytes at the end; every piece but the last a multiple of 32 bytes.
    bool append(std::span<const std::byte> bytes) {
        if (failed) return false;
        if (!write_all_at(fd.get(), bytes.data(), bytes.size(), offset)) {
            failed = true;
            error = errno;
            return false;
        }
        sum.update(bytes);
        offset += bytes.size();
        return true;
    }
    Status failure() const {
        return fail(Errc::unavailable,
                    fmt::format("cannot write {}: {}", temp.string(), errno_text(error)));
    }
};

Result<SectionFileStream> SectionFileStream::create(const std::filesystem::path& path,
                                                    std::string_view magic, std::uint32_t version) {
    SectionFileStream stream;
    auto state = std::make_unique<State>();
    state->path = path;
    state->magic = std::string(magic);
    state->magic.resize(magic_size, '\0');
    state->version = version;
    // A name of this writer's own: two processes on one data folder, or two threads of one
    // (a build and a background write), never write one file.
    static std::atomic<std::uint64_t> writers{0};
    const std::filesystem::path temp =
        fmt::format("{}.partial.{}.{}", path.string(), ::getpid(), writers++);
    state->fd =
        FileDescriptor(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!state->fd.valid())
        return fail(Errc::unavailable,
                    fmt::format("cannot write {}: {}", temp.string(), errno_text(errno)));
    state->temp = temp;
    // The header is written last, over these zeros; the checksum starts after it.
    static const std::array<std::byte, alignment> zeros{};
    if (!write_all_at(state->fd.get(), zeros.data(), zeros.size(), 0)) {
        state->error = errno;
        return std::unexpected(state->failure().error());
    }
    state->sum.update(std::span(zeros).subspan(sizeof(Header)));
    state->offset = alignment;
    stream.m_state = std::move(state);
    return stream;
}

SectionFileStream::SectionFileStream(SectionFileStream&& other) noexcept = default;
SectionFileStream::~SectionFileStream() = default;

Status SectionFileStream::add_bytes(std::uint32_t id, std::size_t element_size, std::size_t count,
                                    std::span<const std::byte> bytes) {
    State& s = *m_state;
    if (s.temp.empty()) return fail(Errc::invalid_argument, "the file is already committed");
    s.table.push_back({id, static_cast<std::uint32_t>(element_size), s.offset, count});
    const std::size_t whole = bytes.size() / 32 * 32;
    std::array<std::byte, 2 * alignment> last{};  // the tail and padding: a multiple of 32
    const std::size_t tail = bytes.size() - whole;
    if (tail > 0) std::memcpy(last.data(), bytes.data() + whole, tail);
    const std::size_t padded = round_up(bytes.size()) - whole;
    if (!s.append(bytes.first(whole)) || !s.append(std::span(last).first(padded)))
        return s.failure();
    return {};
}

Status SectionFileStream::commit() {
    State& s = *m_state;
    if (s.temp.empty()) return fail(Errc::invalid_argument, "the file is already committed");
    const auto table = std::as_bytes(std::span(s.table));
    if (!s.append(table)) return s.failure();
    Header header{};
    std::memcpy(header.magic, s.magic.data(), magic_size);
    header.version = s.version;
    header.section_count = static_cast<std::uint32_t>(s.table.size());
    header.checksum = s.sum.value();
    header.file_size = s.offset;
    bool ok = write_all_at(s.fd.get(), &header, sizeof header, 0);
    ok = ok && ::fsync(s.fd.get()) == 0;
    const int error = errno;
    ok = ::close(s.fd.release()) == 0 && ok;
    std::error_code ec;
    if (ok) std::filesystem::rename(s.temp, s.path, ec);
    if (!ok || ec)
        return fail(Errc::unavailable,
                    fmt::format("cannot write {}: {}", s.path.string(),
                                ok ? std::string("rename failed") : errno_text(error)));
    s.temp.clear();  // renamed: nothing to remove
    FileDescriptor dir(::open(s.path.parent_path().empty() ? "." : s.path.parent_path().c_str(),
                              O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.valid()) ::fsync(dir.get());
    return {};
}

SectionFileWriter::SectionFileWriter(std::string_view magic, std::uint32_t version)
    : m_magic(magic), m_version(version) {}

void SectionFileWriter::add_bytes(std::uint32_t id, std::size_t element_size, std::size_t count,
                                  std::span<const std::byte> bytes) {
    Section s;
    s.id = id;
    s.element_size = static_cast<std::uint32_t>(element_size);
    s.count = count;
    s.bytes = bytes;
    m_sections.push_back(std::move(s));
}

Status SectionFileWriter::write(const std::filesystem::path& path) const {
    auto stream = SectionFileStream::create(path, m_magic, m_version);
    if (!stream) return std::unexpected(stream.error());
    for (const auto& s : m_sections)
        if (auto ok = stream->add_bytes(s.id, s.element_size, s.count, s.bytes); !ok) return ok;
    return stream->commit();
}

Result<std::shared_ptr<const SectionFile>> SectionFile::open(const std::filesystem::path& path,
                                                             std::string_view magic,
                                                             std::uint32_t version) {
    const std::string name = path.string();
    FileDescriptor in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!in.valid()) {
        int error = errno;
        return fail(error == ENOENT ? Errc::not_found : Errc::unavailable,
                    fmt::format("cannot open {}: {}", name, errno_text(error)));
    }
    auto refuse = [&](std::string_view why) {
        return fail(Errc::invalid_argument, fmt::format("{} is not usable: {}", name, why));
    };
    struct stat info {};
    if (::fstat(in.get(), &info) != 0 || !S_ISREG(info.st_mode)) return refuse("not a file");
    const auto size = static_cast<std::uint64_t>(info.st_size);
    Header header{};
    if (size < sizeof header ||
        read_at(in.get(), &header, sizeof header, 0) != static_cast<std::int64_t>(sizeof header))
        return refuse("shorter than its header");
    std::string expected(magic);
    expected.resize(magic_size, '\0');
    if (std::memcmp(header.magic, expected.data(), magic_size) != 0)
        return refuse("not this kind of file");
    if (header.version != version)
        return refuse(
            fmt::format("format version {} (this build reads {})", header.version, version));
    if (header.file_size != size)
        return refuse(fmt::format("{} bytes long, its header says {}", size, header.file_size));
    if (header.section_count > 4096) return refuse("too many sections");

    // The checksum, read in pieces outside the mapping.
    Checksum sum(0);
    std::vector<std::byte> buffer(1 << 20);
    for (std::uint64_t at = sizeof header; at < size;) {
        const std::size_t want =
            static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), size - at));
        if (read_at(in.get(), buffer.data(), want, at) != static_cast<std::int64_t>(want))
            return refuse("cannot be read whole");
        sum.update(std::span(buffer).first(want));
        at += want;
    }
    if (sum.value() != header.checksum) return refuse("its checksum does not match");

    // The section table is at the end, the sections between the header and it.
    const std::uint64_t table_size = std::uint64_t{header.section_count} * sizeof(TableEntry);
    if (size - sizeof header < table_size) return refuse("its section table is cut short");
    const std::uint64_t table_at = size - table_size;
    std::vector<Entry> entries(header.section_count);
    for (std::uint32_t i = 0; i < header.section_count; ++i) {
        TableEntry t{};
        if (read_at(in.get(), &t, sizeof t, table_at + i * sizeof t) !=
            static_cast<std::int64_t>(sizeof t))
            return refuse("its section table is cut short");
        if (t.element_size == 0 || t.offset % alignment != 0 || t.offset < sizeof header ||
            t.offset > table_at || t.count > (table_at - t.offset) / t.element_size)
            return refuse(fmt::format("section {} lies outside the file", t.id));
        entries[i] = {t.id, t.element_size, t.offset, t.count};
    }

    std::shared_ptr<SectionFile> file(new SectionFile());
    if (size > 0) {
        void* base = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, in.get(), 0);
        if (base == MAP_FAILED)
            return fail(Errc::unavailable,
                        fmt::format("cannot map {}: {}", name, errno_text(errno)));
        ::madvise(base, size, MADV_RANDOM);
        file->m_base = static_cast<const std::byte*>(base);
    }
    file->m_size = size;
    file->m_entries = std::move(entries);
    return std::shared_ptr<const SectionFile>(std::move(file));
}

void release_mapped_pages(std::span<const std::byte> bytes) noexcept {
    static const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto begin = reinterpret_cast<std::uintptr_t>(bytes.data());
    const std::uintptr_t first = (begin + page - 1) / page * page;
    const std::uintptr_t last = (begin + bytes.size()) / page * page;
    if (last > first)
        ::madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);  // NOLINT
}

SectionFile::~SectionFile() {
    if (m_base != nullptr) ::munmap(const_cast<std::byte*>(m_base), m_size);
}

Result<std::span<const std::byte>> SectionFile::section_bytes(std::uint32_t id,
                                                              std::size_t element_size) const {
    for (const auto& e : m_entries) {
        if (e.id != id) continue;
        if (e.element_size != element_size)
            return fail(Errc::invalid_argument,
                        fmt::format("section {} holds {}-byte elements, not {}", id, e.element_size,
                                    element_size));
        return std::span<const std::byte>(m_base + e.offset, e.count * e.element_size);
    }
    return fail(Errc::invalid_argument, fmt::format("section {} is missing", id));
}

}  // namespace sightline::core
