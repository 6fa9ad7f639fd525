#include "store/camera_text_stream.hpp"

#include <limits>
#include <utility>

namespace sightline::store {

CameraTextStream::CameraTextStream(Store& store, std::string header, std::vector<Pass> passes,
                                   Row row, std::string footer)
    : m_store(store),
      m_header(std::move(header)),
      m_passes(std::move(passes)),
      m_row(std::move(row)),
      m_footer(std::move(footer)),
      m_after(std::numeric_limits<std::int64_t>::min()) {}

std::string CameraTextStream::next() {
    std::string out;
    if (m_done) return out;
    if (!m_started) {
        m_started = true;
        out = std::move(m_header);
    }
    while (out.size() < piece_bytes && m_pass < m_passes.size()) {
        const Pass& pass = m_passes[m_pass];
        const auto page = m_store.camera_page(pass.order, m_after, page_size);
        for (const auto& camera : page) {
            if (!pass.include || pass.include(camera)) m_row(out, camera, m_count++);
        }
        if (!page.empty())
            m_after = pass.order == CameraOrder::id ? page.back().id.value : page.back().osm->id;
        if (page.size() < static_cast<std::size_t>(page_size)) {
            ++m_pass;
            m_after = std::numeric_limits<std::int64_t>::min();
        }
    }
    if (m_pass == m_passes.size() && out.size() < piece_bytes) {
        out += m_footer;
        m_done = true;
    }
    return out;
}

std::int64_t CameraTextStream::drain(const std::function<void(std::string_view)>& sink) {
    for (std::string piece = next(); !piece.empty(); piece = next())
        sink(piece);
    return m_count;
}

}  // namespace sightline::store
