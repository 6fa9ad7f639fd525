// sightline serve: the HTTP API (and later tiles and the web app) over the data folder.

#include <malloc.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include <fmt/core.h>

#include "cli/command.hpp"
#include "cli/commands_list.hpp"
#include "cli/data_folder_lock.hpp"
#include "core/log.hpp"
#include "http/endpoints/endpoints.hpp"
#include "http/server.hpp"
#include "services/camera_json.hpp"
#include "services/media_scrub.hpp"
#include "services/scrub_jobs.hpp"
#include "services/services.hpp"
#include "services/survey_tiles.hpp"
#include "services/viewshed_tiles.hpp"
#include "tiles/tile_service.hpp"

namespace sightline::cli {
namespace {

struct ListenAddress {
    std::string host;
    std::uint16_t port = 0;
};

// Limits of the options (their --help and docs/cli/README.md say the same).
constexpr std::int64_t max_io_threads = 256;
constexpr double max_rate_per_hour = 1e9;
constexpr std::int64_t max_scrub_bytes = std::int64_t{1} << 40;
constexpr std::int64_t max_frame_side = std::int64_t{1} << 16;
constexpr std::int64_t max_frame_pixels = std::int64_t{1} << 32;

Result<ListenAddress> parse_listen(std::string_view text) {
    auto colon = text.rfind(':');
    std::string host(text.substr(0, colon == std::string_view::npos ? 0 : colon));
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (colon == std::string_view::npos || host.empty())
        return fail(Errc::invalid_argument, "--listen must be HOST:PORT, e.g. 127.0.0.1:8080");
    auto port = parse_integer("--listen port", text.substr(colon + 1), 0, 65535);
    if (!port) return std::unexpected(port.error());
    return ListenAddress{host, static_cast<std::uint16_t>(*port)};
}

// "3840x2160" or a number of pixels.
Result<std::int64_t> parse_pixels(std::string_view text) {
    auto x = text.find('x');
    if (x == std::string_view::npos)
        return parse_integer("--scrub-max-pixels", text, 1, max_frame_pixels);
    auto w = parse_integer("--scrub-max-pixels width", text.substr(0, x), 1, max_frame_side);
    if (!w) return std::unexpected(w.error());
    auto h = parse_integer("--scrub-max-pixels height", text.substr(x + 1), 1, max_frame_side);
    if (!h) return std::unexpected(h.error());
    return *w * *h;
}

class ServeCommand final : public Command {
  public:
    std::string_view name() const override { return "serve"; }
    std::string_view summary() const override { return "run the HTTP server (JSON API)"; }
    std::string help() const override {
        return "Usage: sightline serve [--data DIR] [--listen HOST:PORT]\n\n"
               "Serves the JSON API under /api/v1/ (document: /api/v1/openapi.json), /healthz and\n"
               "/metrics. Prints 'listening on http://HOST:PORT' once ready. SIGTERM or SIGINT "
               "stop\n"
               "accepting, finish requests in flight and exit. POST /api/v1/scrub makes photos "
               "and\nvideos safe to share; its jobs live in DATA/scrub-jobs (never backed up) and "
               "are\ndeleted after the download or after an hour. GET "
               "/api/v1/export/cameras.gpkg keeps its\nGeoPackage files in DATA/dumps (one per "
               "camera version; emptied at start, never backed up).\n\n" +
               format_options(specs());
    }
    Status parse(const std::vector<std::string>& args) override {
        auto parsed = parse_args(args, specs());
        if (!parsed) return std::unexpected(parsed.error());
        if (!parsed->positionals.empty())
            return fail(Errc::invalid_argument,
                        fmt::format("unexpected argument '{}'", parsed->positionals[0]));
        m_data = data_dir_from(*parsed);
        auto store_url = store_url_from(*parsed);
        if (!store_url) return std::unexpected(store_url.error());
        m_store_url = *store_url;
        std::string listen = "127.0.0.1:8080";
        if (const char* env = std::getenv("SIGHTLINE_LISTEN"); env && *env) listen = env;
        if (auto v = parsed->value("listen")) listen = *v;
        auto address = parse_listen(listen);
        if (!address) return std::unexpected(address.error());
        m_options.host = address->host;
        m_options.port = address->port;
        if (auto v = parsed->value("threads")) {
            auto n = parse_integer("--threads", *v, 0, max_io_threads);
            if (!n) return std::unexpected(n.error());
            m_options.io_threads = static_cast<int>(*n);
        }
        if (auto v = parsed->value("workers")) {
            auto n = parse_integer("--workers", *v, 0, max_io_threads);
            if (!n) return std::unexpected(n.error());
            m_options.worker_threads = static_cast<int>(*n);
        }
        if (auto v = parsed->value("report-rate")) {
            auto n = parse_number("--report-rate", *v, 0, max_rate_per_hour);
            if (!n) return std::unexpected(n.error());
            m_service_options.reports.per_hour = *n;
            m_service_options.reports.burst = std::max(1.0, std::min(*n, 10.0));
        }
        if (auto v = parsed->value("survey-stale-after")) {
            auto n = parse_integer("--survey-stale-after", *v, 1, 36'500);
            if (!n) return std::unexpected(n.error());
            m_service_options.campaigns.stale_after_s = *n * 24 * 3600;
        }
        if (auto v = parsed->value("stale-after")) {
            auto n = parse_integer("--stale-after", *v, 1, 36'500);
            if (!n) return std::unexpected(n.error());
            m_api.stale_after_days = static_cast<int>(*n);
        }
        if (auto v = parsed->value("read-timeout")) {
            auto n = parse_integer("--read-timeout", *v, 1, 3600);
            if (!n) return std::unexpected(n.error());
            m_options.read_timeout = std::chrono::seconds(*n);
        }
        if (auto status = parse_scrub_options(*parsed); !status) return status;
        if (auto v = parsed->value("max-connections")) {
            auto n = parse_integer("--max-connections", *v, 16, 1'000'000);
            if (!n) return std::unexpected(n.error());
            m_options.max_connections = static_cast<std::size_t>(*n);
        }
        if (auto v = parsed->value("heavy-threads")) {
            auto n = parse_integer("--heavy-threads", *v, 1, 256);
            if (!n) return std::unexpected(n.error());
            m_options.heavy_queue.threads = static_cast<int>(*n);
        }
        if (auto v = parsed->value("heavy-queue")) {
            auto n = parse_integer("--heavy-queue", *v, 1, 100'000);
            if (!n) return std::unexpected(n.error());
            m_options.heavy_queue.capacity = static_cast<std::size_t>(*n);
        }
        if (auto v = parsed->value("heavy-per-client")) {
            auto n = parse_integer("--heavy-per-client", *v, 1, 100'000);
            if (!n) return std::unexpected(n.error());
            m_options.heavy_queue.per_client = static_cast<std::size_t>(*n);
        }
        if (auto v = parsed->value("min-upload-rate")) {
            auto n = parse_integer("--min-upload-rate", *v, 0, 1'000'000'000);
            if (!n) return std::unexpected(n.error());
            m_options.min_body_bytes_per_second = static_cast<std::size_t>(*n);
        }
        for (const auto& text : parsed->all("trusted-proxy")) {
            auto range = http::AddressRange::parse(text);
            if (!range)
                return fail(Errc::invalid_argument, "--trusted-proxy: " + range.error().message);
            m_options.trusted_proxies.push_back(*range);
        }
        m_api.secure_cookies = parsed->has("secure-cookies");
        m_options.access_log = !parsed->has("no-access-log");
        m_api.web_dir = parsed->value("web").value_or(default_web_dir());
        return {};
    }
    int run() override {
        lock_data_folder_for_serve(m_data);
        // Responses of a few hundred kB (camera lists, tiles) would each get a fresh mmap and
        // fault every page in: measured as ~40 % of a 1,000-camera request. Keep such buffers in
        // the heap so they are reused across requests.
        mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024);
        mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
        auto store = store::open_store(m_store_url);
        m_service_options.photo_storage = &store->photo_storage();
        // Several servers on one database count failed logins together and hash client
        // addresses alike (ADR 018); one server keeps both in memory.
        m_service_options.auth.shared_login_counters = store->shared_login_counters();
        m_options.client_key_secret = store->shared_client_key_secret().value_or("");
        // With PostgreSQL a handler mostly waits for the database (a commit is an fsync on
        // another machine): more of them keep the pool's connections busy.
        if (m_options.worker_threads == 0 && m_store_url.kind == store::StoreKind::postgresql)
            m_options.worker_threads =
                static_cast<int>(std::max(8u, std::thread::hardware_concurrency()));
        m_service_options.routing.prepared_file = std::filesystem::path(m_data) / "routing.bin";
        services::Services services(*store, *store, *store, *store, m_service_options);
        if (const std::size_t swept = services.photos.sweep_orphan_files(); swept > 0)
            log::info(fmt::format("removed {} orphan photo files", swept));
        http::Metrics metrics;
        metrics.add_gauges("sightline_reports", "Reports by status.", [&store] {
            std::vector<std::pair<std::string, double>> out;
            for (const auto& [status, n] : store->stats().reports_by_status)
                out.emplace_back(fmt::format("sightline_reports{{status=\"{}\"}}", status),
                                 static_cast<double>(n));
            return out;
        });
        tiles::TileOptions tile_options;
        tile_options.viewsheds = services::viewshed_tile_provider(services.analysis);
        tile_options.surveys = services::survey_tile_provider(services.campaigns);
        tile_options.survey_version = services::survey_tile_version(services.campaigns);
        tile_options.stale_after_s = std::int64_t{m_api.stale_after_days} * 86'400;
        // The snapshot answers GET /api/v1/cameras?bbox= too (issue 13).
        tile_options.camera_features = services::append_camera_feature;
        tiles::TileService tile_service(*store, *store, tile_options);
        add_camera_snapshot_gauges(metrics, tile_service, *store);
        // Declared before the server, so that it outlives every upload the server holds.
        services::ScrubJobs scrub_jobs(scrub_job_options(), scrub_work());
        add_scrub_gauges(metrics, scrub_jobs);
        services::GeoPackageDumps dumps(std::filesystem::path(m_data) / "dumps");
        http::ApiContext ctx{services, metrics, m_api, &tile_service, &scrub_jobs, &dumps};
        http::Router router;
        http::register_routes(router, ctx);
        http::Server server(m_options, router, metrics);
        std::uint16_t port = server.listen();
        std::string host = m_options.host.find(':') != std::string::npos
                               ? "[" + m_options.host + "]"
                               : m_options.host;
        fmt::print("listening on http://{}:{}\n", host, port);
        std::fflush(stdout);
        log::info(fmt::format("serving store={} schema={} cache={}", store->describe(),
                              store->schema_version(), std::filesystem::absolute(m_data).string()));
        // Build the walking graph now, not on the first route request (joined before services
        // go away; a route request meanwhile waits for it).
        // The camera snapshot for tiles too: without it the first low-zoom tile of a country
        // reads every camera from the store.
        // A store that cannot be reached now (PostgreSQL restarting) fails these early
        // preparations, not the server: the caches are then made on first use.
        std::jthread camera_snapshot([&tile_service] {
            try {
                tile_service.prepare();
            } catch (const std::exception& e) {
                log::warn(fmt::format("camera snapshot: {}", e.what()));
            }
        });
        std::jthread routing_graph([&services, &store] {
            try {
                if (auto ready = services.routing.prepare(); !ready) {
                    log::warn(fmt::format("routing graph: {}", ready.error().message));
                    return;
                }
            } catch (const std::exception& e) {
                log::warn(fmt::format("routing graph: {}", e.what()));
                return;
            }
            auto stats = services.routing.stats();
            log::info(fmt::format("routing graph: {} nodes, {} edges {} in {:.2f} s", stats.nodes,
                                  stats.edges, stats.loaded ? "loaded" : "built", stats.build_s));
            // Then the district figures (half a minute on a country), so that the first visit
            // of the districts page does not wait for them; stopped with the server.
            try {
                auto started = std::chrono::steady_clock::now();
                if (auto table = services.districts.table(); table && !(*table)->districts.empty())
                    log::info(fmt::format(
                        "district figures: {} districts in {:.2f} s", (*table)->districts.size(),
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
                            .count()));
            } catch (const std::exception& e) {
                log::warn(fmt::format("district figures: {}", e.what()));
            }
            // The figures read the whole map; RSS would count those pages once more for each
            // reader's memory map that holds them (the routing build gives back its own).
            store->release_read_maps();
        });
        server.run();
        services.districts.stop();
        log::info("stopped");
        return 0;
    }

  private:
    Status parse_scrub_options(const ParsedArgs& parsed) {
        auto& video = m_scrub.video.limits;
        if (auto v = parsed.value("scrub-max-bytes")) {
            auto n = parse_size("--scrub-max-bytes", *v, 1, max_scrub_bytes);
            if (!n) return std::unexpected(n.error());
            video.max_bytes = static_cast<std::uintmax_t>(*n);
        }
        if (auto v = parsed.value("scrub-max-duration")) {
            auto n = parse_integer("--scrub-max-duration", *v, 1, 24 * 3600);
            if (!n) return std::unexpected(n.error());
            video.max_duration_s = static_cast<double>(*n);
        }
        if (auto v = parsed.value("scrub-max-pixels")) {
            auto n = parse_pixels(*v);
            if (!n) return std::unexpected(n.error());
            video.max_pixels = *n;
        }
        if (auto v = parsed.value("scrub-queue")) {
            auto n = parse_integer("--scrub-queue", *v, 1, 1000);
            if (!n) return std::unexpected(n.error());
            m_scrub_queue = static_cast<std::size_t>(*n);
        }
        if (auto v = parsed.value("scrub-workers")) {
            auto n = parse_integer("--scrub-workers", *v, 1, 64);
            if (!n) return std::unexpected(n.error());
            m_scrub_workers = static_cast<int>(*n);
        }
        if (auto v = parsed.value("scrub-rate")) {
            auto n = parse_number("--scrub-rate", *v, 0, max_rate_per_hour);
            if (!n) return std::unexpected(n.error());
            m_api.scrub_per_hour = *n;
        }
        // A photo is decoded in memory: it keeps the photo limits (20 MB, 50 megapixels)
        // whatever the upload limit. Nobody asked for a thumbnail.
        m_scrub.photo.thumbnail_size = 0;
        return {};
    }

    services::ScrubJobOptions scrub_job_options() const {
        return {.dir = std::filesystem::path(m_data) / "scrub-jobs",
                .max_jobs = m_scrub_queue,
                .workers = m_scrub_workers,
                .max_upload_bytes = m_scrub.video.limits.max_bytes};
    }

    // One face detector for the jobs, loaded by the first job (a server that never scrubs
    // never pays for the model).
    services::ScrubWork scrub_work() const {
        struct Detector {
            std::once_flag once;
            std::unique_ptr<faces::FaceDetector> detector;
        };
        auto shared = std::make_shared<Detector>();
        return [shared, options = m_scrub](
                   const std::filesystem::path& input, const std::filesystem::path& output_stem,
                   const services::ScrubSettings& settings,
                   const services::MediaProgressFn& progress, const std::atomic<bool>& cancel) {
            std::call_once(shared->once,
                           [&] { shared->detector = std::make_unique<faces::FaceDetector>(); });
            auto job_options = options;
            if (settings.drop_audio) job_options.video.audio = video::AudioMode::drop;
            return services::scrub_media_file(input, output_stem, *shared->detector, job_options,
                                              progress, &cancel);
        };
    }

    // Whether the camera snapshot is current (else tiles and bbox listings read the store), its
    // cameras and its memory.
    static void add_camera_snapshot_gauges(http::Metrics& metrics, tiles::TileService& tiles,
                                           store::Store& store) {
        for (auto [name, help] : {std::pair<std::string_view, std::string_view>{
                                      "current",
                                      "1 when the in-memory camera snapshot is exact "
                                      "for the store's camera version."},
                                  {"cameras", "Cameras in the in-memory camera snapshot."},
                                  {"bytes", "Approximate heap use of the camera snapshot."}}) {
            std::string metric = fmt::format("sightline_camera_snapshot_{}", name);
            metrics.add_gauges(metric, std::string(help), [&tiles, &store, metric, name] {
                auto s = tiles.camera_snapshot(store.camera_version());
                double value = !s                  ? 0.0
                               : name == "current" ? 1.0
                               : name == "cameras" ? static_cast<double>(s->size())
                                                   : static_cast<double>(s->memory_bytes());
                return std::vector<std::pair<std::string, double>>{{metric, value}};
            });
        }
    }

    static void add_scrub_gauges(http::Metrics& metrics, const services::ScrubJobs& jobs) {
        metrics.add_gauges("sightline_scrub_jobs", "Media scrub jobs by state.", [&jobs] {
            auto counts = jobs.counts();
            std::vector<std::pair<std::string, double>> out;
            for (auto [state, n] : {std::pair{"uploading", counts.uploading},
                                    {"queued", counts.queued},
                                    {"running", counts.running},
                                    {"done", counts.done},
                                    {"failed", counts.failed}})
                out.emplace_back(fmt::format("sightline_scrub_jobs{{state=\"{}\"}}", state),
                                 static_cast<double>(n));
            return out;
        });
    }

    static std::vector<OptionSpec> specs() {
        return {data_option(),
                store_option(),
                {"listen", "HOST:PORT",
                 "address to listen on, PORT 0 to 65535 (env SIGHTLINE_LISTEN; default "
                 "127.0.0.1:8080; port 0 picks one)"},
                {"threads", "N", "I/O threads, 0 to 256 (default 0: hardware threads)"},
                {"workers", "N",
                 "threads that run handlers, 0 to 256 (default 0: hardware threads, at least 2; "
                 "with a PostgreSQL store at least 8, as each waits for its commit)"},
                {"report-rate", "N",
                 "anonymous reports and camera checks allowed per client per hour, 0 to "
                 "1000000000 (default 30; 0 = unlimited)"},
                {"stale-after", "DAYS",
                 "a camera nobody confirmed for this many days is stale (drawn faded, said on its "
                 "page), 1 to 36500 (default 365)"},
                {"survey-stale-after", "DAYS",
                 "a campaign task surveyed longer ago counts as stale: drawn so, and no longer "
                 "in the surveyed share (1 to 36500; default 365)"},
                {"secure-cookies", "",
                 "always mark the session cookie Secure (without it: when a trusted proxy says "
                 "the client used https)"},
                {"trusted-proxy", "CIDR",
                 "a reverse proxy (address or range) whose Forwarded / X-Forwarded-For / "
                 "X-Forwarded-Proto headers are believed; from others they are ignored "
                 "(repeatable)",
                 true},
                {"no-access-log", "", "do not log one line per request"},
                {"max-connections", "N",
                 "open connections at most, 16 to 1000000; more get 503 + Retry-After (default: "
                 "half the descriptor limit)"},
                {"read-timeout", "S",
                 "seconds a request header may take to arrive, and seconds a body may go "
                 "without progress; 1 to 3600 (default 30)"},
                {"min-upload-rate", "BYTES",
                 "slowest upload accepted, bytes per second averaged over each read timeout, 0 "
                 "to 1000000000; slower ones get 408 (default 256; 0 = no floor)"},
                {"heavy-threads", "N",
                 "threads for expensive requests: photo uploads, photo inspection, coverage, "
                 "exposure, routes; 1 to 256 (default: hardware threads, at least 2)"},
                {"heavy-queue", "N",
                 "expensive requests queued or running at once, 1 to 100000; more get 503 + "
                 "Retry-After (default 32)"},
                {"heavy-per-client", "N",
                 "expensive requests one client may have queued or running, 1 to 100000; more "
                 "get 503 (default 4)"},
                {"scrub-max-bytes", "N",
                 "largest file POST /api/v1/scrub accepts, bytes or with K/M/G, 1 to 1024G "
                 "(default 1G); photos also keep their own limit of 20 MB"},
                {"scrub-max-duration", "S",
                 "longest video to scrub, in seconds, 1 to 86400 (default 1800)"},
                {"scrub-max-pixels", "WxH",
                 "largest video frame, WxH (each 1 to 65536) or a pixel count up to 4294967296 "
                 "(default 3840x2160)"},
                {"scrub-queue", "N",
                 "scrub jobs uploading, waiting or running at once, 1 to 1000; more get 503 "
                 "(default 8)"},
                {"scrub-workers", "N", "threads running scrub jobs, 1 to 64 (default 1)"},
                {"scrub-rate", "N",
                 "scrub uploads allowed per client per hour, 0 to 1000000000 (default 60; 0 = "
                 "unlimited)"},
                {"web", "DIR", "the built web app (default: the web folder next to the binary)"}};
    }
    // The build puts the bundled app in web/ beside the executable; a missing folder is not an
    // error here: / then explains that the app is not built.
    static std::string default_web_dir() {
        std::error_code ec;
        auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
        if (ec) return {};
        return (exe.parent_path() / "web").string();
    }
    std::string m_data;  // local folder: the SQLite store by default, and per-server caches
    store::StoreUrl m_store_url;
    http::ServerOptions m_options;
    http::ApiOptions m_api;
    services::ServiceOptions m_service_options;
    services::MediaScrubOptions m_scrub;
    std::size_t m_scrub_queue = 8;
    int m_scrub_workers = 1;
};

}  // namespace

std::unique_ptr<Command> make_serve_command() {
    return std::make_unique<ServeCommand>();
}

}  // namespace sightline::cli
