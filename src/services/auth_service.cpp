#include "services/auth_service.hpp"

#include <array>
#include <cctype>
#include <functional>
#include <string>

#include "core/clock.hpp"
#include "services/crypto.hpp"
#include "services/rate_limiter.hpp"

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

// The throttle's keys: (client, name) and the client alone; pair keys are odd, client keys even,
// so the two never collide.
struct LoginKeys {
    std::array<LoginThrottle::Limit, 2> limits;
    [[nodiscard]] std::uint64_t pair() const noexcept { return limits[0].key; }
};

LoginKeys login_keys(std::string_view name, std::uint64_t client_key, const AuthOptions& o) {
    const std::uint64_t pair = (client_key * 0x9e3779b97f4a7c15ULL ^ name_key(name)) | 1;
    const std::uint64_t client = client_key & ~1ULL;
    return {{LoginThrottle::Limit{pair, o.login_free_attempts},
             LoginThrottle::Limit{client, o.login_free_attempts_client}}};
}
}  // namespace

AuthService::AuthService(store::Store& store, AuthOptions options)
    : m_store(store),
      m_options(options),
      m_throttle(LoginThrottle::Options{}, options.shared_login_counters),
      m_dummy_hash(*hash_password(random_token(16))) {}

double AuthService::throttle_now() const {
    // Shared counters compare times of several servers: wall clock. Alone: monotonic.
    if (m_throttle.shared())
        return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    return monotonic_seconds();
}

Result<LoginResult> AuthService::login(std::string_view name, std::string_view password,
                                       std::uint64_t client_key) {
    const LoginKeys keys = login_keys(name, client_key, m_options);
    // Counted before the (slow) password check, so concurrent attempts cannot all pass.
    if (m_throttle.begin(keys.limits, throttle_now()) > 0)
        return fail(Errc::rate_limited, "too many failed logins from here; try again later");

    auto user = m_store.find_user_by_name(name);
    bool ok = user ? verify_password(user->password_hash, password)
                   : (verify_password(m_dummy_hash, password), false);
    if (!ok || user->disabled) return fail(Errc::unauthorized, std::string(bad_login));
    m_throttle.succeeded(keys.pair(), std::span(keys.limits).subspan(1));

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

double AuthService::login_wait_s(std::string_view name, std::uint64_t client_key) {
    return m_throttle.wait_s(login_keys(name, client_key, m_options).limits, throttle_now());
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
