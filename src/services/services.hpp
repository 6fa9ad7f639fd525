#pragma once
// Everything the HTTP endpoints and CLI commands call, wired to one store.

#include "services/analysis_service.hpp"
#include "services/area_report_service.hpp"
#include "services/auth_service.hpp"
#include "services/campaign_service.hpp"
#include "services/district_service.hpp"
#include "services/moderation_service.hpp"
#include "services/photo_service.hpp"
#include "services/report_service.hpp"
#include "services/routing_service.hpp"
#include "services/search_service.hpp"
#include "services/source_service.hpp"
#include "store/map_store.hpp"
#include "store/source_store.hpp"
#include "store/store.hpp"

namespace sightline::services {

struct ServiceOptions {
    AuthOptions auth;
    ReportOptions reports;
    PhotoOptions photos;
    /// Where photo bytes live (Backend::photo_storage()); null: photos are refused.
    store::PhotoStorage* photo_storage = nullptr;
    AnalysisOptions analysis;
    RoutingOptions routing;
    CampaignOptions campaigns;
};

struct Services {
    Services(store::Store& s, store::MapStore& m, store::CampaignStore& c, store::SourceStore& src,
             const ServiceOptions& options)
        : store(s),
          source_store(src),
          map(m),
          auth(s, options.auth),
          photos(s, options.photo_storage, options.photos),
          reports(s, photos, options.reports, &m),
          moderation(s),
          analysis(s, m, options.analysis),
          districts(s, m, analysis),
          area_reports(s, m, analysis, districts, history_growth(s)),
          routing(s, m, analysis, options.routing),
          search(s, m),
          campaigns(c, m, options.campaigns),
          sources(s, src, search) {}

    store::Store& store;
    store::SourceStore& source_store;  ///< official lists, and where each camera is known from
    store::MapStore& map;  ///< OSM imports: streets, areas, cameras changed since the import
    AuthService auth;
    PhotoService photos;  ///< before reports, which use it
    ReportService reports;
    ModerationService moderation;
    AnalysisService analysis;        ///< coverage and exposure (viewshed cache)
    DistrictService districts;       ///< figures per district (after analysis, which it uses)
    AreaReportService area_reports;  ///< what the printable report shows (after districts)
    RoutingService routing;          ///< walking routes (after analysis, which it uses)
    SearchService search;            ///< places by name, and the nearest address to a point
    CampaignService campaigns;       ///< survey campaigns, the survey layer, surveyed share
    SourceService sources;           ///< official lists against the crowd (after search)
};

}  // namespace sightline::services
