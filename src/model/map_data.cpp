#include "model/map_data.hpp"

namespace sightline::model {

std::string_view to_string(AreaKind kind) noexcept {
    switch (kind) {
        case AreaKind::building:
            return "building";
        case AreaKind::water:
            return "water";
        case AreaKind::park:
            return "park";
    }
    return "building";
}

std::string_view to_string(PlaceKind kind) noexcept {
    switch (kind) {
        case PlaceKind::address:
            return "address";
        case PlaceKind::street:
            return "street";
        case PlaceKind::place:
            return "place";
        case PlaceKind::poi:
            return "poi";
    }
    return "poi";
}

}  // namespace sightline::model
