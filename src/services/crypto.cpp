#include "services/crypto.hpp"

#include <mutex>

#include <fmt/core.h>
#include <sodium.h>

namespace sightline::services {

void init_crypto() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (sodium_init() < 0) throw Exception("libsodium failed to initialise");
    });
}

std::string random_token(std::size_t bytes) {
    init_crypto();
    std::string raw(bytes, '\0');
    randombytes_buf(raw.data(), raw.size());
    std::string hex(bytes * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                   raw.size());
    hex.pop_back();
    sodium_memzero(raw.data(), raw.size());
    return hex;
}

std::string sha256_hex(std::string_view data) {
    init_crypto();
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    std::string hex(sizeof digest * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), digest, sizeof digest);
    hex.pop_back();
    return hex;
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<std::string> hash_password(std::string_view password) {
    init_crypto();
    if (password.size() < min_password_length)
        return fail(Errc::invalid_argument,
                    fmt::format("password must be at least {} characters", min_password_length));
    if (password.size() > max_password_length)
        return fail(Errc::invalid_argument,
                    fmt::format("password must be at most {} bytes", max_password_length));
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(
            out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw Exception("password hashing ran out of memory");
    return std::string(out);
}

bool verify_password(const std::string& hash, std::string_view password) {
    init_crypto();
    if (password.size() > max_password_length) return false;
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace sightline::services
