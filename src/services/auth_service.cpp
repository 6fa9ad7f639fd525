#include "services/auth_service.hpp"

#include <cctype>
#include <functional>
#include <string>

#include "core/clock.hpp"
#include "services/crypto.hpp"

namespace sightline::services {
namespace {
constexpr std::string_view bad_login = "wrong user name or password";

// User names match case-insensitively in the store, so the throttle must too: otherwise "Mod"
// would get a fresh allowance after "mod" was throttled.
std::uint64_t name_key(std::string_view name) {
    std::string folded(name);
    for (char& c : folded)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return std::hash<std::string>{}(folded);
}
}  // namespace

AuthService::AuthService(store::Store& store, AuthOptions options)
    : m_store(store),
      m_options(options),
      m_name_failures(options.login_failures_burst, options.login_failures_per_hour),
      m_client_failures(options.login_failures_burst * 4, options.login_failures_per_hour * 4),
      m_dummy_hash(*hash_password(random_token(16))) {}

Result<LoginResult> AuthService::login(std::string_view name, std::string_view password,
                                       std::uint64_t client_key) {
    double now_mono = monotonic_seconds();
    if (m_name_failures.retry_after_s(name_key(name), now_mono) > 0 ||
        m_client_failures.retry_after_s(client_key, now_mono) > 0)
        return fail(Errc::rate_limited, "too many failed logins; try again later");

    auto user = m_store.find_user_by_name(name);
    bool ok = user ? verify_password(user->password_hash, password)
                   : (verify_password(m_dummy_hash, password), false);
    if (!ok || user->disabled) {
        m_name_failures.allow(name_key(name), now_mono);
        m_client_failures.allow(client_key, now_mono);
        return fail(Errc::unauthorized, std::string(bad_login));
    }

    LoginResult result;
    result.session_token = random_token(32);
    result.csrf_token = random_token(32);
    result.user = *user;
    std::int64_t now = unix_now();
    result.expires_at = now + m_options.session_lifetime_s;
    m_store.delete_expired_sessions(now);
    auto stored = m_store.insert_session(model::SessionRecord{
        sha256_hex(result.session_token), user->id, result.csrf_token, result.expires_at});
    if (!stored) return std::unexpected(stored.error());
    return result;
}

Status AuthService::logout(std::string_view session_token) {
    return m_store.delete_session(sha256_hex(session_token));
}

Result<Principal> AuthService::authenticate(std::optional<std::string_view> session_token) {
    if (!session_token || session_token->empty()) return fail(Errc::unauthorized, "log in first");
    std::string hash = sha256_hex(*session_token);
    auto session = m_store.find_session(hash, unix_now());
    if (!session) return fail(Errc::unauthorized, "session expired or unknown; log in again");
    auto user = m_store.find_user(session->user_id);
    if (!user || user->disabled) return fail(Errc::unauthorized, "account disabled");
    return Principal{*user, session->csrf_token, hash};
}

Result<Principal> AuthService::authorize(
    std::optional<std::string_view> session_token, model::Role minimum,
    std::optional<std::optional<std::string_view>> csrf_header) {
    auto principal = authenticate(session_token);
    if (!principal) return principal;
    if (csrf_header) {
        const auto& header = *csrf_header;
        if (!header || !constant_time_equal(*header, principal->csrf_token))
            return fail(Errc::forbidden, "missing or wrong X-CSRF-Token header");
    }
    if (minimum == model::Role::admin && principal->user.role != model::Role::admin)
        return fail(Errc::forbidden, "this needs an admin account");
    return principal;
}

Result<model::UserId> AuthService::add_user(std::string_view name, model::Role role,
                                            std::string_view password, std::string_view actor) {
    if (auto ok = model::validate_user_name(name); !ok) return std::unexpected(ok.error());
    auto hash = hash_password(password);
    if (!hash) return std::unexpected(hash.error());
    return m_store.insert_user(std::string(name), role, *hash,
                               store::Decision{std::string(actor), "", unix_now()});
}

Status AuthService::set_disabled(std::string_view name, bool disabled, std::string_view actor) {
    return m_store.set_user_disabled(name, disabled,
                                     store::Decision{std::string(actor), "", unix_now()});
}

std::vector<model::User> AuthService::list_users() {
    return m_store.list_users();
}

}  // namespace sightline::services
