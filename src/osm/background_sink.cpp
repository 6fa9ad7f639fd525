#include "osm/background_sink.hpp"

#include <utility>

namespace sightline::osm {

BackgroundSink::BackgroundSink(model::MapDataSink& target, std::size_t batch_size,
                               std::size_t max_batches)
    : m_target(target),
      m_batch_size(batch_size > 0 ? batch_size : 1),
      m_max_batches(max_batches > 0 ? max_batches : 1),
      m_worker([this] { work(); }) {
    m_batch.reserve(m_batch_size);
}

BackgroundSink::~BackgroundSink() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        m_queue.clear();
    }
    m_changed.notify_all();
    m_worker.join();
}

void BackgroundSink::add_camera(const model::OsmCamera& camera) {
    add(camera);
}

void BackgroundSink::add_street(const model::Street& street) {
    add(street);
}

void BackgroundSink::add_area(const model::Area& area) {
    add(area);
}

void BackgroundSink::add_place(const model::Place& place) {
    add(m_target.prepare_place(place));
}

void BackgroundSink::add(Item item) {
    m_batch.push_back(std::move(item));
    if (m_batch.size() >= m_batch_size) send_batch();
}

void BackgroundSink::rethrow_failure() {
    if (m_failure) std::rethrow_exception(m_failure);
}

void BackgroundSink::send_batch() {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return m_queue.size() < m_max_batches || m_failure; });
    rethrow_failure();
    m_queue.push_back(std::move(m_batch));
    m_batch = Batch();
    free_spent(lock);
    m_changed.notify_all();
    m_batch.reserve(m_batch_size);
}

void BackgroundSink::free_spent(std::unique_lock<std::mutex>& lock) {
    std::vector<Batch> spent = std::move(m_spent);
    m_spent.clear();
    lock.unlock();
    for (auto& batch : spent) {
        batch.clear();  // keeps its capacity: the next batch reuses one
        if (m_batch.capacity() < batch.capacity()) std::swap(m_batch, batch);
    }
}

void BackgroundSink::drain() {
    if (!m_batch.empty()) send_batch();
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return (m_queue.empty() && !m_delivering) || m_failure; });
    rethrow_failure();
    free_spent(lock);
}

void BackgroundSink::work() {
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_changed.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
        if (m_stopping) return;
        Batch batch = std::move(m_queue.front());
        m_queue.pop_front();
        m_delivering = true;
        lock.unlock();
        m_changed.notify_all();  // room in the queue
        std::exception_ptr failure;
        try {
            for (auto& item : batch) {
                if (auto* street = std::get_if<model::Street>(&item))
                    m_target.add_street(*street);
                else if (auto* area = std::get_if<model::Area>(&item))
                    m_target.add_area(*area);
                else if (auto* place = std::get_if<model::PreparedPlace>(&item))
                    m_target.add_prepared_place(*place);
                else
                    m_target.add_camera(std::get<model::OsmCamera>(item));
            }
        } catch (...) {
            failure = std::current_exception();
        }
        lock.lock();
        m_spent.push_back(std::move(batch));
        m_delivering = false;
        if (failure) {
            m_failure = failure;
            m_queue.clear();
        }
        m_changed.notify_all();
        if (m_failure) {
            // Nothing more reaches the target; wait to be destroyed.
            m_changed.wait(lock, [this] { return m_stopping; });
            return;
        }
    }
}

}  // namespace sightline::osm
