#include "model/source.hpp"

#include <string>

namespace sightline::model {

std::string_view to_string(EntryState state) noexcept {
    switch (state) {
        case EntryState::matched:
            return "matched";
        case EntryState::unmatched:
            return "unmatched";
        case EntryState::ambiguous:
            return "ambiguous";
    }
    return "unmatched";
}

Result<EntryState> parse_entry_state(std::string_view text) {
    for (auto s : {EntryState::matched, EntryState::unmatched, EntryState::ambiguous})
        if (to_string(s) == text) return s;
    return fail(Errc::invalid_argument, "unknown entry state '" + std::string(text) + "'");
}

}  // namespace sightline::model
