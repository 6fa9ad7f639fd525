#include "model/user.hpp"

namespace sightline::model {

std::string_view to_string(Role role) noexcept {
    return role == Role::admin ? "admin" : "moderator";
}

Result<Role> parse_role(std::string_view text) {
    if (text == "moderator") return Role::moderator;
    if (text == "admin") return Role::admin;
    return fail(Errc::invalid_argument, "role must be moderator or admin");
}

Status validate_user_name(std::string_view name) {
    if (name.empty() || name.size() > 64)
        return fail(Errc::invalid_argument, "user name must be 1 to 64 characters");
    for (char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c == '-';
        if (!ok)
            return fail(Errc::invalid_argument,
                        "user name may contain only letters, digits, '_', '.' and '-'");
    }
    return {};
}

}  // namespace sightline::model
