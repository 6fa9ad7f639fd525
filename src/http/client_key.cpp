#include "http/client_key.hpp"

#include <random>

namespace sightline::http {
namespace {

constexpr std::uint64_t rotl(std::uint64_t x, int b) noexcept {
    return (x << b) | (x >> (64 - b));
}

struct SipState {
    std::uint64_t v0, v1, v2, v3;
    void round() noexcept {
        v0 += v1;
        v1 = rotl(v1, 13);
        v1 ^= v0;
        v0 = rotl(v0, 32);
        v2 += v3;
        v3 = rotl(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = rotl(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = rotl(v1, 17);
        v1 ^= v2;
        v2 = rotl(v2, 32);
    }
    void compress(std::uint64_t m) noexcept {
        v3 ^= m;
        round();
        round();
        v0 ^= m;
    }
};

// Little-endian value of data[offset, offset + n), n <= 8.
std::uint64_t load_le64(std::span<const unsigned char> data, std::size_t offset,
                        std::size_t n) noexcept {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < n; ++i)
        value |= std::uint64_t{data[offset + i]} << (8 * i);
    return value;
}

}  // namespace

std::uint64_t siphash24(std::uint64_t k0, std::uint64_t k1,
                        std::span<const unsigned char> data) noexcept {
    SipState s{k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL, k0 ^ 0x6c7967656e657261ULL,
               k1 ^ 0x7465646279746573ULL};
    std::size_t full = data.size() / 8 * 8;
    for (std::size_t i = 0; i < full; i += 8)
        s.compress(load_le64(data, i, 8));
    std::uint64_t last = (std::uint64_t{data.size()} & 0xFF) << 56;
    last |= load_le64(data, full, data.size() - full);
    s.compress(last);
    s.v2 ^= 0xFF;
    for (int i = 0; i < 4; ++i)
        s.round();
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

ClientKeyHasher::ClientKeyHasher(std::chrono::seconds rotation, std::string shared_secret)
    : m_rotation(rotation), m_shared_secret(std::move(shared_secret)) {
    rotate(std::chrono::steady_clock::now());
}

void ClientKeyHasher::rotate(std::chrono::steady_clock::time_point now) {
    m_created = now;
    if (!m_shared_secret.empty()) {
        m_day = std::chrono::duration_cast<std::chrono::days>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
        auto derive = [&](char which) {
            std::string input = m_shared_secret + '|' + std::to_string(m_day) + '|' + which;
            return siphash24(
                0x5369676874, 0x6c696e65,
                std::span(reinterpret_cast<const unsigned char*>(input.data()), input.size()));
        };
        m_k0 = derive('0');
        m_k1 = derive('1');
        return;
    }
    std::random_device device;
    auto draw = [&] { return (std::uint64_t{device()} << 32) | device(); };
    m_k0 = draw();
    m_k1 = draw();
    m_created = now;
}

std::uint64_t ClientKeyHasher::hash(std::span<const unsigned char> address) {
    std::lock_guard lock(m_mutex);
    auto now = std::chrono::steady_clock::now();
    if (!m_shared_secret.empty()) {
        const auto day = std::chrono::duration_cast<std::chrono::days>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        if (day != m_day) rotate(now);
    } else if (now - m_created >= m_rotation) {
        rotate(now);
    }
    return siphash24(m_k0, m_k1, address);
}

}  // namespace sightline::http
