#pragma once
// What several servers on one database need to keep their caches right: the change counters
// (camera_version, map_version, survey_version) of the `counters` table, held in memory so that
// reading them costs nothing on the hot paths (tiles, bbox answers, routes), and kept current
// three ways:
//   - a trigger on `counters` sends NOTIFY sightline_changes on every commit that bumps one; a
//     thread LISTENs on its own connection and re-reads the counters when one arrives;
//   - the same thread re-reads them every `poll` anyway, so a lost notification (or one sent
//     while it was reconnecting) is caught up within that time;
//   - a write of this process calls refresh() after its commit, so it reads its own writes.
// The values only grow: an older read never moves a counter back.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

namespace sightline::store::postgres {

class Connection;

struct Counters {
    std::int64_t camera_version = 0;
    std::int64_t map_version = 0;
    std::int64_t survey_version = 0;
};

class ChangeFollower {
  public:
    /// Starts the listening thread (it connects by itself and retries every second while the
    /// database is down).
    ChangeFollower(std::string conninfo, std::chrono::milliseconds poll);
    ChangeFollower(const ChangeFollower&) = delete;
    ChangeFollower& operator=(const ChangeFollower&) = delete;
    ~ChangeFollower();

    [[nodiscard]] Counters counters() const noexcept;
    /// Reads the counters on `db` now (after this process committed a change).
    void refresh(Connection& db);
    /// True while the listening connection is up.
    [[nodiscard]] bool listening() const noexcept { return m_listening.load(); }

  private:
    void run(std::stop_token stop);
    void advance(const Counters& seen) noexcept;

    std::string m_conninfo;
    std::chrono::milliseconds m_poll;
    std::atomic<std::int64_t> m_camera{0};
    std::atomic<std::int64_t> m_map{0};
    std::atomic<std::int64_t> m_survey{0};
    std::atomic<bool> m_listening{false};
    std::jthread m_thread;  // last: stopped and joined before the members above go
};

/// Reads the three counters with one query.
Counters read_counters(Connection& db);

}  // namespace sightline::store::postgres
