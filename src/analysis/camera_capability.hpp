#pragma once
// What a camera can see, from its tags and a catalogue of models: the sectors it covers and the
// distance at which each IEC 62676-4 DORI level is reached. Formulas and defaults with their
// sources: docs/camera-model.md.

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "geo/lat_lon.hpp"
#include "model/tags.hpp"

namespace sightline::analysis {

/// IEC 62676-4 levels, from the coarsest to the finest detail.
enum class DoriLevel { detect = 0, observe = 1, recognise = 2, identify = 3 };
constexpr std::size_t dori_level_count = 4;
/// Pixels per metre of scene width that each level needs (IEC 62676-4:2014, table).
constexpr std::array<double, dori_level_count> dori_pixels_per_metre{25.0, 62.5, 125.0, 250.0};

std::string_view to_string(DoriLevel level) noexcept;
Result<DoriLevel> parse_dori_level(
    std::string_view text);  ///< "observe", "recognise"/"recognize", ...

/// One row of the model catalogue (data/camera_models.csv, compiled into the binary).
struct CameraModelSpec {
    std::string manufacturer;  ///< as in OSM's camera:manufacturer / manufacturer
    std::string model;         ///< as in camera:model / model; empty for a generic class
    std::string camera_type;   ///< fixed, dome, panning, ALPR: the class it stands for
    int horizontal_pixels = 0;
    double hfov_min_deg = 0;  ///< tele end (equal to max for a fixed lens)
    double hfov_max_deg = 0;  ///< wide end
    double ir_range_m = 0;
    std::string source;  ///< datasheet or reasoning behind the numbers
};

class CameraCatalogue {
  public:
    /// The catalogue compiled into the binary.
    static const CameraCatalogue& builtin();
    /// Parses the CSV form (header: manufacturer,model,camera_type,horizontal_pixels,
    /// hfov_min_deg,hfov_max_deg,ir_range_m,source).
    static Result<CameraCatalogue> from_csv(std::string_view csv);

    /// The model named by the tags (case-insensitive on manufacturer and model), or nullptr.
    [[nodiscard]] const CameraModelSpec* find(std::string_view manufacturer,
                                              std::string_view model) const;
    /// The conservative generic class for a camera kind (fixed, dome, panning, ALPR, unknown);
    /// the unknown class (or a built-in 1080p/90 deg fallback) for any other kind.
    [[nodiscard]] const CameraModelSpec& generic_for(std::string_view camera_kind) const;
    [[nodiscard]] const std::vector<CameraModelSpec>& models() const noexcept { return models_; }

  private:
    std::vector<CameraModelSpec> models_;
};

/// A wedge of the horizontal plane: centre direction in degrees clockwise from north, full
/// opening angle in degrees (360 = full circle).
struct Sector {
    double direction_deg = 0;
    double width_deg = 360;
};

struct CameraCapability {
    geo::LatLon location;
    double mount_height_m = 0;
    std::vector<Sector> sectors;  ///< at least one
    /// Ground distance (metres) up to which each DORI level is reached, decreasing with level.
    std::array<double, dori_level_count> range_m{};
    /// How it was derived: "catalogue Huawei IPC6625-Z30", "generic dome", followed by
    /// "; range override" and/or "; hfov override" when those tags were used.
    std::string basis;
};

/// Pure function of position, tags and catalogue. Honours the per-camera overrides
/// `sightline:range_m` (the observe distance; the other levels scale by the DORI ratios) and
/// `sightline:hfov_deg` on any camera. Reach uses the tele end of a zoom lens; dome, panning
/// and direction-less cameras cover the full circle (docs/camera-model.md). Fails with
/// invalid_argument only on values it cannot read (camera:direction, height, the overrides).
Result<CameraCapability> camera_capability(geo::LatLon location, const model::Tags& tags,
                                           const CameraCatalogue& catalogue);

}  // namespace sightline::analysis
