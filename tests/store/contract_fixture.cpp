#include "contract_fixture.hpp"

#include <cstdlib>
#include <string_view>

#include "store/open_store.hpp"

namespace sightline::testing {

void StoreContract::SetUp() {
    if (GetParam() == BackendKind::sqlite) {
        m_dir.emplace("sightline-contract");
        m_url = "sqlite:" + (m_dir->path() / "data").string();
    } else {
        auto admin = PgDatabase::admin_url();
        if (!admin) {
            const char* ci = std::getenv("CI");
            if (ci && std::string_view(ci) == "true")
                FAIL() << PgDatabase::missing_reason() << " (CI=true)";
            GTEST_SKIP() << PgDatabase::missing_reason();
        }
        m_database.emplace(*admin);
        m_url = m_database->url();
    }
    m_store = open_again();
}

void StoreContract::TearDown() {
    m_store.reset();  // before the database is dropped
}

std::unique_ptr<store::Backend> StoreContract::open_again() const {
    auto url = store::parse_store_url(m_url);
    if (!url) throw std::runtime_error(url.error().message);
    store::OpenOptions options;
    options.connections = 4;
    return store::open_store(*url, options);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract,
                         ::testing::Values(BackendKind::sqlite, BackendKind::postgresql),
                         [](const ::testing::TestParamInfo<BackendKind>& info) {
                             return info.param == BackendKind::sqlite ? "sqlite" : "postgresql";
                         });

}  // namespace sightline::testing
