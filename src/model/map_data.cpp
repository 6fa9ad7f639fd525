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

}  // namespace sightline::model
