#pragma once
// A file of typed arrays ("sections") that is memory-mapped when read, for data that is costly to
// compute and read-only once made (the prepared routing data). Layout: a header (magic, format
// version, section count, a checksum of everything after the header, file size), each section
// aligned to 64 bytes, then the section table at the end (so sections can be written as they are
// made). Opening checks the magic, the version, that every section lies inside the file,
// and the checksum (read with pread, so checking does not make the mapping resident); a file
// that fails any check is refused, never used. Sections are native-endian: the file is a cache
// for this machine, not an exchange format.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/error.hpp"

namespace sightline::core {

/// Writes a section file while its sections are made: each add() goes to disk at once, so a
/// writer of large arrays never holds them all (the prepared routing data is built table by
/// table). The file appears under its name only at commit(); until then it is a temporary file
/// of this writer beside it, removed if the writer is destroyed uncommitted.
class SectionFileStream {
  public:
    /// `magic`: 8 characters naming the kind of file; `version`: its format version.
    static Result<SectionFileStream> create(const std::filesystem::path& path,
                                            std::string_view magic, std::uint32_t version);
    SectionFileStream(SectionFileStream&& other) noexcept;
    SectionFileStream& operator=(SectionFileStream&&) = delete;
    SectionFileStream(const SectionFileStream&) = delete;
    ~SectionFileStream();

    /// Writes a section now (`values` may be freed afterwards). Not thread-safe.
    template <typename T>
    Status add(std::uint32_t id, std::span<const T> values) {
        static_assert(std::is_trivially_copyable_v<T>);
        return add_bytes(id, sizeof(T), values.size(),
                         {reinterpret_cast<const std::byte*>(values.data()), values.size_bytes()});
    }
    /// Writes the section table and header, syncs the file and renames it over the path, so
    /// readers see the old file or the whole new one.
    Status commit();

  private:
    friend class SectionFileWriter;
    SectionFileStream() = default;
    Status add_bytes(std::uint32_t id, std::size_t element_size, std::size_t count,
                     std::span<const std::byte> bytes);
    struct State;
    std::unique_ptr<State> m_state;
};

/// Collects views of arrays and writes them as one section file (a SectionFileStream).
class SectionFileWriter {
  public:
    /// `magic`: 8 characters naming the kind of file; `version`: its format version.
    SectionFileWriter(std::string_view magic, std::uint32_t version);

    /// Adds a section viewing `values`, which must stay valid until write() returns (nothing is
    /// copied: the arrays can be hundreds of megabytes).
    template <typename T>
    void add(std::uint32_t id, std::span<const T> values) {
        static_assert(std::is_trivially_copyable_v<T>);
        add_bytes(id, sizeof(T), values.size(),
                  {reinterpret_cast<const std::byte*>(values.data()), values.size_bytes()});
    }
    /// Adds a section holding a copy of `values` (for small ones that live on the caller's stack).
    template <typename T>
    void add_copy(std::uint32_t id, std::span<const T> values) {
        static_assert(std::is_trivially_copyable_v<T>);
        const auto* bytes = reinterpret_cast<const std::byte*>(values.data());
        auto& copy = m_copies.emplace_back(bytes, bytes + values.size_bytes());
        add_bytes(id, sizeof(T), values.size(), copy);
    }
    /// Writes the file under a temporary name, syncs it and renames it over `path`, so readers
    /// see the old file or the whole new one.
    Status write(const std::filesystem::path& path) const;

  private:
    struct Section {
        std::uint32_t id = 0;
        std::uint32_t element_size = 0;
        std::uint64_t count = 0;
        std::span<const std::byte> bytes;
    };
    void add_bytes(std::uint32_t id, std::size_t element_size, std::size_t count,
                   std::span<const std::byte> bytes);

    std::string m_magic;
    std::uint32_t m_version = 0;
    std::vector<Section> m_sections;
    std::vector<std::vector<std::byte>> m_copies;  ///< moving the outer vector keeps their bytes
};

class SectionFile : public std::enable_shared_from_this<SectionFile> {
  public:
    /// not_found when there is no file; invalid_argument when it is not a whole, intact file
    /// of this magic and version (the message says what is wrong).
    static Result<std::shared_ptr<const SectionFile>> open(const std::filesystem::path& path,
                                                           std::string_view magic,
                                                           std::uint32_t version);
    ~SectionFile();
    SectionFile(const SectionFile&) = delete;
    SectionFile& operator=(const SectionFile&) = delete;

    /// The section's values; invalid_argument when it is missing or its element size differs.
    template <typename T>
    Result<std::span<const T>> section(std::uint32_t id) const {
        static_assert(std::is_trivially_copyable_v<T>);
        auto bytes = section_bytes(id, sizeof(T));
        if (!bytes) return std::unexpected(bytes.error());
        return std::span<const T>(reinterpret_cast<const T*>(bytes->data()),
                                  bytes->size() / sizeof(T));
    }
    [[nodiscard]] std::size_t size_bytes() const noexcept { return m_size; }

  private:
    struct Entry {
        std::uint32_t id = 0;
        std::uint32_t element_size = 0;
        std::uint64_t offset = 0;
        std::uint64_t count = 0;
    };
    SectionFile() = default;
    Result<std::span<const std::byte>> section_bytes(std::uint32_t id,
                                                     std::size_t element_size) const;

    const std::byte* m_base = nullptr;
    std::size_t m_size = 0;
    std::vector<Entry> m_entries;
};

/// Drops the whole pages of `bytes` from this process's memory; touched again, they are read
/// back from the file. Only for a range of a SectionFile's (read-only) mapping, whose pages were
/// read once to be copied (a mapped file's arrays written into its successor): on memory of
/// any other kind it would lose data.
void release_mapped_pages(std::span<const std::byte> bytes) noexcept;

/// A 64-bit checksum of bytes (four interleaved multiply-xor lanes; not cryptographic).
std::uint64_t checksum64(std::span<const std::byte> bytes, std::uint64_t seed = 0);

}  // namespace sightline::core
