#pragma once
// A MapDataSink that hands what it receives to another sink on its own thread, so the store's
// writes (SQLite B-trees and R*Trees, or PostgreSQL's COPY) run beside the reading and
// assembling of the extract instead of after each piece (docs/adr/011-streaming-import.md).

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <variant>
#include <vector>

#include "model/map_data_sink.hpp"

namespace sightline::osm {

/// Forwards streets, areas and places, in the order received, to `target` on one worker thread.
/// They travel in batches through a queue of at most `max_batches`, so memory stays bounded
/// when the target is the slower side (the reader then waits). `drain()` waits until the target
/// has received everything; an exception thrown by the target (disk full) is rethrown by the
/// next add_* or by drain(), and nothing after it reaches the target. Destroying the sink
/// without drain() drops what was not delivered yet and joins the worker. Not for use from
/// several threads at once. The target's add_* are only ever called from the worker, one call at
/// a time; its prepare_place() (the words of a place) on the caller's thread, beside them.
class BackgroundSink final : public model::MapDataSink {
  public:
    explicit BackgroundSink(model::MapDataSink& target, std::size_t batch_size = 512,
                            std::size_t max_batches = 8);
    ~BackgroundSink() override;
    BackgroundSink(const BackgroundSink&) = delete;
    BackgroundSink& operator=(const BackgroundSink&) = delete;

    void add_camera(const model::OsmCamera& camera) override;
    void add_street(const model::Street& street) override;
    void add_area(const model::Area& area) override;
    void add_place(const model::Place& place) override;

    /// Delivers everything received so far and waits for it; rethrows the target's exception.
    void drain();

  private:
    using Item = std::variant<model::Street, model::Area, model::PreparedPlace, model::OsmCamera>;
    using Batch = std::vector<Item>;

    void add(Item item);
    void send_batch();  ///< queues m_batch (waits while the queue is full)
    void free_spent(std::unique_lock<std::mutex>& lock);  ///< m_spent's items, lock released
    void rethrow_failure();                               ///< m_mutex held
    void work();

    model::MapDataSink& m_target;
    const std::size_t m_batch_size;
    const std::size_t m_max_batches;
    Batch m_batch;  ///< being filled by the caller

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Batch> m_queue;
    /// Delivered batches, still holding their items: the caller's thread, which allocated them,
    /// frees them. glibc frees another thread's memory under its arena's lock, which took 4% of
    /// the worker's time while it wrote a country's places (the slower side then).
    std::vector<Batch> m_spent;
    bool m_delivering = false;  ///< the worker holds a batch it took from the queue
    bool m_stopping = false;
    std::exception_ptr m_failure;
    std::thread m_worker;  ///< last: started once everything above exists
};

}  // namespace sightline::osm
