// PostgresStore: users (see postgres_store.hpp).
#include "store/postgres/postgres_store.hpp"

#include "store/postgres/not_yet.hpp"

#pragma GCC diagnostic ignored "-Wunused-parameter"  // until written

namespace sightline::store {

Result<model::UserId> PostgresStore::insert_user(const std::string& name, model::Role role,
                                                 const std::string& password_hash,
                                                 const Decision& decision) {
    postgres::not_yet("insert_user");
}

Result<model::User> PostgresStore::find_user(model::UserId id) {
    postgres::not_yet("find_user");
}

Result<model::User> PostgresStore::find_user_by_name(std::string_view name) {
    postgres::not_yet("find_user_by_name");
}

std::vector<model::User> PostgresStore::list_users() {
    postgres::not_yet("list_users");
}

Status PostgresStore::set_user_disabled(std::string_view name, bool disabled,
                                        const Decision& decision) {
    postgres::not_yet("set_user_disabled");
}

Status PostgresStore::insert_session(const model::SessionRecord& session) {
    postgres::not_yet("insert_session");
}

Result<model::SessionRecord> PostgresStore::find_session(const std::string& token_hash,
                                                         std::int64_t now) {
    postgres::not_yet("find_session");
}

Status PostgresStore::delete_session(const std::string& token_hash) {
    postgres::not_yet("delete_session");
}

void PostgresStore::delete_expired_sessions(std::int64_t now) {
    postgres::not_yet("delete_expired_sessions");
}

std::vector<model::AuditEvent> PostgresStore::list_audit(int limit,
                                                         std::optional<std::int64_t> before_id) {
    postgres::not_yet("list_audit");
}

Stats PostgresStore::stats() {
    postgres::not_yet("stats");
}

}  // namespace sightline::store
