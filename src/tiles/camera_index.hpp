#pragma once
// An in-memory snapshot of the cameras for tile rendering: what the cameras layer shows of each
// non-removed camera, sorted into a z16 grid so a tile's cameras are a few binary searches
// away. Reading a tile from the store costs a SQLite R*Tree query plus decoding every camera's
// JSON tags; from the snapshot it is a scan of packed records (docs/benchmarks.md).

#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "store/store.hpp"
#include "tiles/camera_layer.hpp"

namespace sightline::tiles {

class CameraIndex {
  public:
    /// Reads every camera (Store::for_each_camera) and records the camera version it belongs
    /// to. Returns null if the cameras changed while it read (the snapshot would mix versions)
    /// or `stop` was requested. Store failures throw as the store does.
    static std::shared_ptr<const CameraIndex> build(store::Store& store, std::stop_token stop = {});

    /// Store::camera_version() the snapshot is exact for.
    [[nodiscard]] std::int64_t version() const noexcept { return m_version; }
    [[nodiscard]] std::size_t size() const noexcept { return m_records.size(); }
    /// Approximate heap use.
    [[nodiscard]] std::size_t memory_bytes() const noexcept;

    /// Cameras with min <= position <= max (unit-square Web Mercator), ordered by id like the
    /// store's queries. The views point into the index and live as long as it does.
    [[nodiscard]] std::vector<CameraFeature> query(geo::WorldPoint min, geo::WorldPoint max) const;

  private:
    struct Record {
        std::uint32_t cell = 0;  ///< z16 cell: row * 65536 + column
        std::uint32_t type = 0;  ///< index into m_strings (0: "")
        std::uint32_t mount = 0;
        std::uint32_t direction = 0;
        geo::WorldPoint position;
        std::int64_t id = 0;
        double first_direction_deg = 0;
        double angle_deg = 0;
        std::int32_t confirmations = 0;
        /// last_verified in whole days since 1970 (floor): exact against a cut-off at the start
        /// of a day, and it fits where the record had padding.
        std::int32_t last_verified_day = 0;
        model::CameraStatus status = model::CameraStatus::verified;
        bool has_first_direction = false;
        bool has_angle = false;
    };

    std::int64_t m_version = 0;
    std::vector<Record> m_records;  ///< sorted by (cell, id)
    std::vector<std::string> m_strings;
};

}  // namespace sightline::tiles
