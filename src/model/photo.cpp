#include "model/photo.hpp"

#include <bit>

namespace sightline::model {

bool is_sha256_hex(std::string_view text) noexcept {
    if (text.size() != 64) return false;
    for (char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

int hamming_distance(std::uint64_t a, std::uint64_t b) noexcept {
    return std::popcount(a ^ b);
}

}  // namespace sightline::model
