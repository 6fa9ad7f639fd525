#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "model/ids.hpp"

namespace sightline::model {

enum class Role { moderator, admin };

std::string_view to_string(Role role) noexcept;
Result<Role> parse_role(std::string_view text);

/// A moderator or admin account. Reporters have no accounts.
struct User {
    UserId id;
    std::string name;
    Role role = Role::moderator;
    bool disabled = false;
    std::string password_hash;  ///< argon2id, libsodium's crypto_pwhash_str format
    std::int64_t created_at = 0;
};

/// 1-64 characters of [A-Za-z0-9_.-].
Status validate_user_name(std::string_view name);

/// A login session. Only the SHA-256 of the cookie token is stored.
struct SessionRecord {
    std::string token_hash;  ///< hex
    UserId user_id;
    std::string csrf_token;
    std::int64_t expires_at = 0;  ///< unix seconds
};

/// An append-only record of a moderation or administration action.
struct AuditEvent {
    std::int64_t id = 0;
    std::int64_t at = 0;  ///< unix seconds
    std::string actor;    ///< user name, or "cli"
    std::string
        action;  ///< accept, merge, reject, remove_camera, user_add, user_disable, import_csv
    std::string subject;  ///< "report/12", "camera/5", "user/alice"
    std::string reason;
};

}  // namespace sightline::model
