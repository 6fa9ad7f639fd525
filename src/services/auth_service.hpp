#pragma once
// Moderator accounts, login sessions and CSRF. Session cookies carry a random token; the store
// keeps only its SHA-256. Failed logins are throttled in memory per (client, user name) and per
// client, never per name alone, so nobody can lock a moderator out (LoginThrottle, ADR 007).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "model/user.hpp"
#include "services/login_throttle.hpp"
#include "store/store.hpp"

namespace sightline::services {

struct AuthOptions {
    std::int64_t session_lifetime_s = 12 * 3600;
    int login_free_attempts = 5;          ///< failures per (client, name) before waits begin
    int login_free_attempts_client = 20;  ///< failures per client, all names together
    /// Failed-login counters shared with the other servers (Backend::shared_login_counters());
    /// null: this server counts in memory.
    store::LoginCounters* shared_login_counters = nullptr;
};

/// The logged-in user behind a request.
struct Principal {
    model::User user;
    std::string csrf_token;
    std::string session_hash;
};

struct LoginResult {
    std::string session_token;  ///< goes into the cookie; never stored
    std::string csrf_token;
    model::User user;
    std::int64_t expires_at = 0;
};

class AuthService {
  public:
    AuthService(store::Store& store, AuthOptions options = {});

    /// unauthorized for a wrong name or password or a disabled account (one message for all);
    /// rate_limited after too many failures of this client (for this name, or for all names);
    /// login_wait_s() then says for how long.
    Result<LoginResult> login(std::string_view name, std::string_view password,
                              std::uint64_t client_key);
    /// Seconds before this client may try this name again (0: now), for Retry-After.
    double login_wait_s(std::string_view name, std::uint64_t client_key);
    Status logout(std::string_view session_token);
    /// unauthorized if the token is missing, unknown, expired or its user is disabled.
    Result<Principal> authenticate(std::optional<std::string_view> session_token);
    /// authenticate() + role check + CSRF check (when `csrf_header` is required, i.e. the
    /// request changes state). forbidden on a missing or wrong CSRF token or a too-low role.
    Result<Principal> authorize(std::optional<std::string_view> session_token, model::Role minimum,
                                std::optional<std::optional<std::string_view>> csrf_header);

    /// Creates an account (CLI). `actor` is recorded in the audit log.
    Result<model::UserId> add_user(std::string_view name, model::Role role,
                                   std::string_view password, std::string_view actor);
    Status set_disabled(std::string_view name, bool disabled, std::string_view actor);
    std::vector<model::User> list_users();

  private:
    [[nodiscard]] double throttle_now() const;
    store::Store& m_store;
    AuthOptions m_options;
    LoginThrottle m_throttle;
    std::string m_dummy_hash;  ///< verified against for unknown names, so timing does not tell
};

}  // namespace sightline::services
