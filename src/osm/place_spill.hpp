#pragma once
// Searchable places parked on disk between reading them and writing them out: a place's context
// ("Stari grad") is only known once every place of the file has been read, and a country has
// over a million of them.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/file_descriptor.hpp"
#include "model/map_data.hpp"

namespace sightline::osm {

/// An append-only file of places, read back in the order they were pushed. The file is created
/// in `dir` and unlinked at once: nothing is left behind, even when the process is killed.
/// Records are packed into a buffer of 1 MiB written with one call, and read back a buffer at a
/// time (per-field stdio calls were 3 % of a country import's CPU).
/// Throws sightline::Exception when the file cannot be created, written or read (disk full).
class PlaceSpill {
  public:
    explicit PlaceSpill(const std::filesystem::path& dir);
    PlaceSpill(const PlaceSpill&) = delete;
    PlaceSpill& operator=(const PlaceSpill&) = delete;

    void push(const model::Place& place);
    [[nodiscard]] std::uint64_t size() const noexcept { return m_count; }
    /// Every place pushed so far, in order; `visit` may change the place it is given.
    void for_each(const std::function<void(model::Place&)>& visit);

  private:
    void append(const void* data, std::size_t size);
    void append_string(const std::string& text);
    void write_buffer();

    core::FileDescriptor m_fd;
    std::filesystem::path m_dir;
    std::vector<char> m_buffer;      ///< records not written yet
    std::uint64_t m_file_bytes = 0;  ///< written so far
    std::uint64_t m_count = 0;
};

}  // namespace sightline::osm
