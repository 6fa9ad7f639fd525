#pragma once
// Searchable places parked on disk between reading them and writing them out: a place's context
// ("Stari grad") is only known once every place of the file has been read, and a country has
// over a million of them.

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "model/map_data.hpp"

namespace sightline::osm {

/// An append-only file of places, read back in the order they were pushed. The file is created
/// in `dir` and unlinked at once: nothing is left behind, even when the process is killed.
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
    struct FileCloser {
        void operator()(std::FILE* file) const noexcept { std::fclose(file); }
    };
    void write_string(const std::string& text);
    bool read_string(std::string& text);

    std::unique_ptr<char[]> m_buffer;  // stdio buffer: one write call per MiB, not per place;
                                       // declared first, so it outlives the FILE that uses it
    std::unique_ptr<std::FILE, FileCloser> m_file;
    std::filesystem::path m_dir;
    std::uint64_t m_count = 0;
};

}  // namespace sightline::osm
