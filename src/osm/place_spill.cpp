#include "osm/place_spill.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include <fmt/core.h>

#include "core/error.hpp"

namespace sightline::osm {
namespace {

constexpr std::size_t buffer_bytes = 1 << 20;

[[noreturn]] void fail_io(const std::filesystem::path& dir, const char* what) {
    throw sightline::Exception(fmt::format("temporary file of places in {}: {}: {}", dir.string(),
                                           what, std::strerror(errno)));
}

}  // namespace

PlaceSpill::PlaceSpill(const std::filesystem::path& dir)
    : m_buffer(std::make_unique<char[]>(buffer_bytes)), m_dir(dir) {
    std::string name = (dir / "sightline-places-XXXXXX").string();
    int fd = ::mkstemp(name.data());
    if (fd < 0) fail_io(dir, "cannot create");
    ::unlink(name.c_str());
    m_file.reset(::fdopen(fd, "w+b"));
    if (!m_file) {
        ::close(fd);
        fail_io(dir, "cannot open");
    }
    std::setvbuf(m_file.get(), m_buffer.get(), _IOFBF, buffer_bytes);
}

void PlaceSpill::write_string(const std::string& text) {
    auto size = static_cast<std::uint32_t>(text.size());
    if (std::fwrite(&size, sizeof size, 1, m_file.get()) != 1 ||
        (size > 0 && std::fwrite(text.data(), size, 1, m_file.get()) != 1))
        fail_io(m_dir, "cannot write");
}

bool PlaceSpill::read_string(std::string& text) {
    std::uint32_t size = 0;
    if (std::fread(&size, sizeof size, 1, m_file.get()) != 1) return false;
    text.resize(size);
    return size == 0 || std::fread(text.data(), size, 1, m_file.get()) == 1;
}

void PlaceSpill::push(const model::Place& place) {
    auto kind = static_cast<std::uint8_t>(place.kind);
    double point[2] = {place.location.lat, place.location.lon};
    auto names = static_cast<std::uint32_t>(place.names.size());
    if (std::fwrite(&kind, sizeof kind, 1, m_file.get()) != 1 ||
        std::fwrite(point, sizeof point, 1, m_file.get()) != 1 ||
        std::fwrite(&names, sizeof names, 1, m_file.get()) != 1)
        fail_io(m_dir, "cannot write");
    for (const auto* text :
         {&place.name, &place.housenumber, &place.street, &place.type, &place.context})
        write_string(*text);
    for (const auto& name : place.names)
        write_string(name);
    ++m_count;
}

void PlaceSpill::for_each(const std::function<void(model::Place&)>& visit) {
    if (std::fflush(m_file.get()) != 0) fail_io(m_dir, "cannot write");
    std::rewind(m_file.get());
    model::Place place;
    for (std::uint64_t i = 0; i < m_count; ++i) {
        std::uint8_t kind = 0;
        double point[2];
        std::uint32_t names = 0;
        bool ok = std::fread(&kind, sizeof kind, 1, m_file.get()) == 1 &&
                  std::fread(point, sizeof point, 1, m_file.get()) == 1 &&
                  std::fread(&names, sizeof names, 1, m_file.get()) == 1;
        for (auto* text :
             {&place.name, &place.housenumber, &place.street, &place.type, &place.context})
            ok = ok && read_string(*text);
        place.names.resize(ok ? names : 0);
        for (auto& name : place.names)
            ok = ok && read_string(name);
        if (!ok) fail_io(m_dir, "cannot read back");
        place.kind = static_cast<model::PlaceKind>(kind);
        place.location = {point[0], point[1]};
        visit(place);
    }
    // Later pushes append after what was read.
    if (std::fseek(m_file.get(), 0, SEEK_END) != 0) fail_io(m_dir, "cannot seek");
}

}  // namespace sightline::osm
