// The import's store writes on their own thread: everything arrives, in order, a failure of the
// store reaches the reader, and nothing arrives after it.
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "osm/background_sink.hpp"

namespace sightline::osm {
namespace {

// Records what it receives as "s:ID", "a:ID", "p:NAME", and whether a call ran on the caller's
// thread; can fail at the Nth call and can be slow.
class RecordingSink final : public model::MapDataSink {
  public:
    explicit RecordingSink(int fail_at = -1, std::chrono::microseconds delay = {})
        : m_fail_at(fail_at), m_delay(delay) {}
    void add_street(const model::Street& s) override {
        record("s:" + std::to_string(s.osm_way_id));
    }
    void add_area(const model::Area& a) override { record("a:" + std::to_string(a.osm_id)); }
    void add_place(const model::Place& p) override { record("p:" + p.name); }
    void add_camera(const model::OsmCamera& c) override { record("c:" + std::to_string(c.osm.id)); }

    std::vector<std::string> received;  ///< read it only once the worker stopped or drained
    std::atomic<std::size_t> count{0};
    std::atomic<bool> called_on_caller_thread{false};
    std::thread::id caller = std::this_thread::get_id();

  private:
    void record(std::string what) {
        if (std::this_thread::get_id() == caller) called_on_caller_thread = true;
        if (m_delay.count() > 0) std::this_thread::sleep_for(m_delay);
        if (static_cast<int>(received.size()) == m_fail_at) throw std::runtime_error("disk full");
        received.push_back(std::move(what));
        ++count;
    }
    int m_fail_at;
    std::chrono::microseconds m_delay;
};

model::Street street(std::int64_t id) {
    model::Street s;
    s.osm_way_id = id;
    s.points = {{44.81, 20.46}, {44.82, 20.47}};
    return s;
}

TEST(BackgroundSink, DeliversEverythingInOrderOnAnotherThread) {
    RecordingSink target;
    std::vector<std::string> sent;
    {
        BackgroundSink sink(target, /*batch_size=*/3, /*max_batches=*/2);
        for (int i = 0; i < 100; ++i) {
            if (i % 4 == 3) {
                model::OsmCamera c;
                c.osm.id = i;
                sink.add_camera(c);
                sent.push_back("c:" + std::to_string(i));
            } else if (i % 4 == 0) {
                sink.add_street(street(i));
                sent.push_back("s:" + std::to_string(i));
            } else if (i % 4 == 1) {
                model::Area a;
                a.osm_id = i;
                sink.add_area(a);
                sent.push_back("a:" + std::to_string(i));
            } else {
                model::Place p;
                p.name = "place " + std::to_string(i);
                sink.add_place(p);
                sent.push_back("p:place " + std::to_string(i));
            }
        }
        sink.drain();
        EXPECT_EQ(target.received, sent) << "drain() returns once all of it arrived";
    }
    EXPECT_FALSE(target.called_on_caller_thread);
}

// A sink that derives something from each place (a store: its words) has it done on the
// caller's thread, and gets what it derived with the place on the worker.
TEST(BackgroundSink, PreparesPlacesOnTheCallersThreadAndWritesThemOnTheWorker) {
    class PreparingSink final : public model::MapDataSink {
      public:
        void add_camera(const model::OsmCamera&) override {}
        void add_street(const model::Street&) override {}
        void add_area(const model::Area&) override {}
        void add_place(const model::Place& p) override {
            written.push_back("unprepared " + p.name);
        }
        model::PreparedPlace prepare_place(model::Place place) const override {
            const bool on_caller = std::this_thread::get_id() == caller;
            std::string words = place.name + (on_caller ? " on caller" : " on worker");
            return {std::move(place), std::move(words), "names"};
        }
        void add_prepared_place(const model::PreparedPlace& p) override {
            const bool on_caller = std::this_thread::get_id() == caller;
            written.push_back(p.place.name + "|" + p.words + "|" + p.names +
                              (on_caller ? "|written on caller" : "|written on worker"));
        }
        std::thread::id caller = std::this_thread::get_id();
        std::vector<std::string> written;  ///< read it only once drained
    } target;
    BackgroundSink sink(target, 2, 2);
    std::vector<std::string> expected;
    for (int i = 0; i < 5; ++i) {
        model::Place p;
        p.name = "place " + std::to_string(i);
        sink.add_place(p);
        expected.push_back(p.name + "|" + p.name + " on caller|names|written on worker");
    }
    sink.drain();
    EXPECT_EQ(target.written, expected);
}

TEST(BackgroundSink, AFailureOfTheTargetReachesTheCallerAndStopsDelivery) {
    RecordingSink target(/*fail_at=*/10);
    BackgroundSink sink(target, 4, 2);
    bool thrown = false;
    try {
        for (int i = 0; i < 1000; ++i)
            sink.add_street(street(i));
        sink.drain();
    } catch (const std::runtime_error& e) {
        thrown = true;
        EXPECT_STREQ(e.what(), "disk full");
    }
    EXPECT_TRUE(thrown);
    EXPECT_EQ(target.received.size(), 10u) << "nothing after the failure";
    EXPECT_THROW(sink.drain(), std::runtime_error) << "and it stays failed";
}

TEST(BackgroundSink, DroppedWithoutDrainDeliversNoMoreAndJoins) {
    RecordingSink target(-1, std::chrono::microseconds(200));
    {
        BackgroundSink sink(target, 1, 1000);
        for (int i = 0; i < 500; ++i)
            sink.add_street(street(i));
    }  // a truncated file: the reader gives up, the writer then rolls back
    EXPECT_LT(target.received.size(), 500u);
    const auto delivered = target.received.size();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(target.received.size(), delivered) << "the worker has stopped";
}

TEST(BackgroundSink, ASlowTargetHoldsTheCallerBackInsteadOfQueueingWithoutBound) {
    RecordingSink target(-1, std::chrono::microseconds(300));
    BackgroundSink sink(target, 2, 2);
    for (int i = 0; i < 40; ++i)
        sink.add_street(street(i));
    // At most two queued batches of two, one batch being delivered and one being filled.
    EXPECT_GE(target.count.load(), 40u - 2 * 2 - 2 - 2);
    sink.drain();
    EXPECT_EQ(target.count.load(), 40u);
}

}  // namespace
}  // namespace sightline::osm
