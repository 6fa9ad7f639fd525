#pragma once
// Small wrappers over libsodium: secrets, hashes and password hashing (argon2id).

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace sightline::services {

/// Initialises libsodium; idempotent and thread-safe. Throws sightline::Exception on failure.
void init_crypto();

/// `bytes` random bytes from the OS CSPRNG, as lower-case hex (2 x bytes characters).
std::string random_token(std::size_t bytes = 32);
/// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);
/// Compares in time independent of where the inputs differ (lengths are not secret).
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

/// Password rules: 10 to 1024 bytes.
constexpr std::size_t min_password_length = 10;
constexpr std::size_t max_password_length = 1024;

/// argon2id hash in libsodium's self-describing string format (parameters: OPSLIMIT_INTERACTIVE,
/// MEMLIMIT_INTERACTIVE). invalid_argument if the password breaks the rules.
Result<std::string> hash_password(std::string_view password);
/// True if `password` matches `hash` (constant time inside libsodium).
bool verify_password(const std::string& hash, std::string_view password);

}  // namespace sightline::services
