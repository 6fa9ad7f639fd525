#pragma once
// A document about every camera (an open-data export) made a piece at a time from keyset pages of
// the store, so that making it holds one page of cameras and one piece of text, whatever the
// number of cameras: the HTTP server sends each piece as a chunk and asks for the next only once
// the client has read it, and the CLI writes each to its file.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/camera.hpp"
#include "store/store.hpp"

namespace sightline::store {

class CameraTextStream {
  public:
    /// One walk over the cameras in `order`, writing those `include` accepts.
    struct Pass {
        CameraOrder order = CameraOrder::id;
        std::function<bool(const model::Camera&)> include;
    };
    /// Appends one camera; `index` counts the cameras written before it (0 for the first).
    using Row =
        std::function<void(std::string& out, const model::Camera& camera, std::int64_t index)>;

    static constexpr std::size_t piece_bytes = 64 * 1024;
    static constexpr int page_size = 512;

    CameraTextStream(Store& store, std::string header, std::vector<Pass> passes, Row row,
                     std::string footer);

    /// The next piece, about piece_bytes long (a page may make it longer); empty once the
    /// document is complete. Cameras changed while the stream runs may or may not be in it.
    std::string next();
    /// Cameras written so far.
    [[nodiscard]] std::int64_t count() const noexcept { return m_count; }
    /// Writes every piece to `sink`; returns count().
    std::int64_t drain(const std::function<void(std::string_view)>& sink);

  private:
    Store& m_store;
    std::string m_header;
    std::vector<Pass> m_passes;
    Row m_row;
    std::string m_footer;
    std::size_t m_pass = 0;
    std::int64_t m_after = 0;
    bool m_started = false;
    bool m_done = false;
    std::int64_t m_count = 0;
};

}  // namespace sightline::store
