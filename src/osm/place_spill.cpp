#include "osm/place_spill.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/core.h>

#include "core/error.hpp"

namespace sightline::osm {
namespace {

constexpr std::size_t buffer_bytes = 1 << 20;

[[noreturn]] void fail_io(const std::filesystem::path& dir, const char* what) {
    throw sightline::Exception(fmt::format("temporary file of places in {}: {}: {}", dir.string(),
                                           what, std::strerror(errno)));
}

// Reads the file from its start, a buffer at a time; take() hands out the next `size` bytes.
class SpillReader {
  public:
    SpillReader(int fd, std::uint64_t file_bytes, const std::filesystem::path& dir)
        : m_fd(fd), m_file_bytes(file_bytes), m_dir(dir), m_buffer(buffer_bytes) {}

    const char* take(std::size_t size) {
        if (m_end - m_begin < size) refill(size);
        const char* at = m_buffer.data() + m_begin;
        m_begin += size;
        return at;
    }

  private:
    void refill(std::size_t size) {
        std::size_t left = m_end - m_begin;
        std::memmove(m_buffer.data(), m_buffer.data() + m_begin, left);
        m_begin = 0;
        m_end = left;
        if (m_buffer.size() < size) m_buffer.resize(size);
        while (m_end < size) {
            const auto want = static_cast<std::size_t>(
                std::min<std::uint64_t>(m_buffer.size() - m_end, m_file_bytes - m_offset));
            if (want == 0) {
                errno = EIO;  // the file is shorter than what was written to it
                fail_io(m_dir, "cannot read back");
            }
            const auto got = core::read_at(m_fd, m_buffer.data() + m_end, want, m_offset);
            if (got != static_cast<std::int64_t>(want)) {
                if (got >= 0) errno = EIO;  // the file is shorter than what was written to it
                fail_io(m_dir, "cannot read back");
            }
            m_end += want;
            m_offset += want;
        }
    }

    int m_fd;
    std::uint64_t m_file_bytes;
    const std::filesystem::path& m_dir;
    std::vector<char> m_buffer;
    std::size_t m_begin = 0;
    std::size_t m_end = 0;
    std::uint64_t m_offset = 0;
};

template <typename T>
T take_value(SpillReader& reader) {
    T value;
    std::memcpy(&value, reader.take(sizeof value), sizeof value);
    return value;
}

void take_string(SpillReader& reader, std::string& text) {
    const auto size = take_value<std::uint32_t>(reader);
    text.assign(reader.take(size), size);
}

}  // namespace

PlaceSpill::PlaceSpill(const std::filesystem::path& dir) : m_dir(dir) {
    std::string name = (dir / "sightline-places-XXXXXX").string();
    m_fd = core::FileDescriptor(::mkstemp(name.data()));
    if (!m_fd.valid()) fail_io(dir, "cannot create");
    ::unlink(name.c_str());
    m_buffer.reserve(buffer_bytes);
}

void PlaceSpill::append(const void* data, std::size_t size) {
    const auto* bytes = static_cast<const char*>(data);
    m_buffer.insert(m_buffer.end(), bytes, bytes + size);
}

void PlaceSpill::append_string(const std::string& text) {
    const auto size = static_cast<std::uint32_t>(text.size());
    append(&size, sizeof size);
    append(text.data(), text.size());
}

void PlaceSpill::write_buffer() {
    if (!core::write_all_at(m_fd.get(), m_buffer.data(), m_buffer.size(), m_file_bytes))
        fail_io(m_dir, "cannot write");
    m_file_bytes += m_buffer.size();
    m_buffer.clear();
}

void PlaceSpill::push(const model::Place& place) {
    const auto kind = static_cast<std::uint8_t>(place.kind);
    const double point[2] = {place.location.lat, place.location.lon};
    const auto names = static_cast<std::uint32_t>(place.names.size());
    append(&kind, sizeof kind);
    append(point, sizeof point);
    append(&names, sizeof names);
    for (const auto* text :
         {&place.name, &place.housenumber, &place.street, &place.type, &place.context})
        append_string(*text);
    for (const auto& name : place.names)
        append_string(name);
    ++m_count;
    if (m_buffer.size() >= buffer_bytes) write_buffer();
}

void PlaceSpill::for_each(const std::function<void(model::Place&)>& visit) {
    write_buffer();
    SpillReader reader(m_fd.get(), m_file_bytes, m_dir);
    model::Place place;
    for (std::uint64_t i = 0; i < m_count; ++i) {
        place.kind = static_cast<model::PlaceKind>(take_value<std::uint8_t>(reader));
        place.location.lat = take_value<double>(reader);
        place.location.lon = take_value<double>(reader);
        place.names.resize(take_value<std::uint32_t>(reader));
        for (auto* text :
             {&place.name, &place.housenumber, &place.street, &place.type, &place.context})
            take_string(reader, *text);
        for (auto& name : place.names)
            take_string(reader, name);
        visit(place);
    }
}

}  // namespace sightline::osm
