#pragma once
// Everything the HTTP endpoints and CLI commands call, wired to one store.

#include "services/auth_service.hpp"
#include "services/moderation_service.hpp"
#include "services/report_service.hpp"
#include "store/map_store.hpp"
#include "store/store.hpp"

namespace sightline::services {

struct ServiceOptions {
    AuthOptions auth;
    ReportOptions reports;
};

struct Services {
    Services(store::Store& s, store::MapStore& m, const ServiceOptions& options)
        : store(s), map(m), auth(s, options.auth), reports(s, options.reports), moderation(s) {}

    store::Store& store;
    store::MapStore& map;  ///< OSM imports: streets, areas, cameras changed since the import
    AuthService auth;
    ReportService reports;
    ModerationService moderation;
};

}  // namespace sightline::services
