#include "store/postgres/change_follower.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <memory>

#include <fmt/core.h>

#include "core/log.hpp"
#include "store/postgres/connection.hpp"

namespace sightline::store::postgres {

Counters read_counters(Connection& db) {
    auto rows = db.run(
        "SELECT name, value FROM counters WHERE name IN "
        "('camera_version', 'map_version', 'survey_version')");
    Counters c;
    for (int i = 0; i < rows.size(); ++i) {
        auto name = rows.text(i, 0);
        auto value = rows.int64(i, 1);
        if (name == "camera_version") c.camera_version = value;
        if (name == "map_version") c.map_version = value;
        if (name == "survey_version") c.survey_version = value;
    }
    return c;
}

ChangeFollower::ChangeFollower(std::string conninfo, std::chrono::milliseconds poll)
    : m_conninfo(std::move(conninfo)), m_poll(poll) {
    // The first values before anyone asks: the caller has just connected, so this works.
    try {
        Connection db(m_conninfo);
        advance(read_counters(db));
    } catch (const std::exception&) {
        // The thread keeps trying.
    }
    m_thread = std::jthread([this](std::stop_token stop) { run(std::move(stop)); });
}

ChangeFollower::~ChangeFollower() = default;

Counters ChangeFollower::counters() const noexcept {
    return {m_camera.load(), m_map.load(), m_survey.load()};
}

void ChangeFollower::refresh(Connection& db) {
    advance(read_counters(db));
}

void ChangeFollower::advance(const Counters& seen) noexcept {
    auto raise = [](std::atomic<std::int64_t>& value, std::int64_t to) {
        auto now = value.load();
        while (now < to && !value.compare_exchange_weak(now, to)) {
        }
    };
    raise(m_camera, seen.camera_version);
    raise(m_map, seen.map_version);
    raise(m_survey, seen.survey_version);
}

void ChangeFollower::run(std::stop_token stop) {
    constexpr auto slice = std::chrono::milliseconds(200);  // how soon a stop is noticed
    std::unique_ptr<Connection> db;
    auto next_poll = std::chrono::steady_clock::now();
    bool warned = false;
    while (!stop.stop_requested()) {
        if (!db || !db->ok()) {
            m_listening = false;
            db.reset();
            try {
                db = std::make_unique<Connection>(m_conninfo);
                db->execute("LISTEN sightline_changes");
                advance(read_counters(*db));  // whatever happened while we were away
                m_listening = true;
                if (warned) log::info("change feed: listening again");
                warned = false;
            } catch (const std::exception& e) {
                db.reset();
                if (!warned) log::warn(fmt::format("change feed: {}", e.what()));
                warned = true;
                for (int i = 0; i < 5 && !stop.stop_requested(); ++i)
                    std::this_thread::sleep_for(slice);
                continue;
            }
        }
        pollfd fd{PQsocket(db->handle()), POLLIN, 0};
        int ready = ::poll(&fd, 1, static_cast<int>(slice.count()));
        bool notified = false;
        if (ready > 0) {
            if (PQconsumeInput(db->handle()) == 0) {
                db.reset();  // the link broke: reconnect on the next turn
                continue;
            }
            while (PGnotify* note = PQnotifies(db->handle())) {
                notified = true;
                PQfreemem(note);
            }
        }
        auto now = std::chrono::steady_clock::now();
        if (notified || now >= next_poll) {
            try {
                advance(read_counters(*db));
            } catch (const std::exception&) {
                db.reset();
                continue;
            }
            next_poll = now + m_poll;
        }
    }
}

}  // namespace sightline::store::postgres
