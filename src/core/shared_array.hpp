#pragma once
// An immutable array that snapshots share: it owns its values, or views values that live
// elsewhere (a memory-mapped file) and keeps their owner alive. Copies are cheap (they share);
// make_mutable() copies the values first unless this copy is their only owner, so a snapshot
// that was published never changes under its readers.

#include <cstddef>
#include <memory>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

namespace sightline::core {

template <typename T>
class SharedArray {
    static_assert(std::is_trivially_copyable_v<T>, "views of raw bytes need trivially copyable T");

  public:
    SharedArray() = default;
    explicit SharedArray(std::vector<T> values)
        : m_owned(std::make_shared<std::vector<T>>(std::move(values))),
          m_view(m_owned->data(), m_owned->size()) {}
    /// Views `values`, which stay valid as long as `owner` lives.
    SharedArray(std::span<const T> values, std::shared_ptr<const void> owner)
        : m_owner(std::move(owner)), m_view(values) {}

    [[nodiscard]] const T* data() const noexcept { return m_view.data(); }
    [[nodiscard]] std::size_t size() const noexcept { return m_view.size(); }
    [[nodiscard]] bool empty() const noexcept { return m_view.empty(); }
    [[nodiscard]] const T& operator[](std::size_t i) const noexcept { return m_view[i]; }
    [[nodiscard]] const T& back() const noexcept { return m_view.back(); }
    [[nodiscard]] auto begin() const noexcept { return m_view.begin(); }
    [[nodiscard]] auto end() const noexcept { return m_view.end(); }
    [[nodiscard]] std::span<const T> span() const noexcept { return m_view; }
    /// Whether the values live in this process's memory (not in a mapped file).
    [[nodiscard]] bool owned() const noexcept { return m_owned != nullptr; }

    /// The values, writable: copied first unless this copy already owns them alone.
    std::span<T> make_mutable() {
        if (!m_owned || m_owned.use_count() > 1) {
            m_owned = std::make_shared<std::vector<T>>(m_view.begin(), m_view.end());
            m_owner.reset();
        }
        m_view = {m_owned->data(), m_owned->size()};
        return {m_owned->data(), m_owned->size()};
    }

  private:
    std::shared_ptr<std::vector<T>> m_owned;
    std::shared_ptr<const void> m_owner;
    std::span<const T> m_view;
};

}  // namespace sightline::core
