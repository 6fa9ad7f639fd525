// sightline serve: the HTTP API (and later tiles and the web app) over the data folder.

#include <malloc.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <fmt/core.h>

#include "cli/command.hpp"
#include "cli/commands_list.hpp"
#include "core/log.hpp"
#include "http/endpoints/endpoints.hpp"
#include "http/server.hpp"
#include "services/services.hpp"
#include "services/viewshed_tiles.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "tiles/tile_service.hpp"

namespace sightline::cli {
namespace {

struct ListenAddress {
    std::string host;
    std::uint16_t port = 0;
};

Result<ListenAddress> parse_listen(std::string_view text) {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
        return fail(Errc::invalid_argument, "--listen must be HOST:PORT, e.g. 127.0.0.1:8080");
    std::string host(text.substr(0, colon));
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    std::string_view port_text = text.substr(colon + 1);
    unsigned port = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (host.empty() || port_text.empty() || ec != std::errc{} ||
        ptr != port_text.data() + port_text.size() || port > 65535)
        return fail(Errc::invalid_argument,
                    "--listen must be HOST:PORT with a port from 0 to 65535");
    return ListenAddress{host, static_cast<std::uint16_t>(port)};
}

Result<double> parse_non_negative(std::string_view text, std::string_view what) {
    double v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size() || !(v >= 0) ||
        v > 1e9)
        return fail(Errc::invalid_argument, fmt::format("{} must be a non-negative number", what));
    return v;
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
               "accepting, finish requests in flight and exit.\n\n" +
               format_options(specs());
    }
    Status parse(const std::vector<std::string>& args) override {
        auto parsed = parse_args(args, specs());
        if (!parsed) return std::unexpected(parsed.error());
        if (!parsed->positionals.empty())
            return fail(Errc::invalid_argument,
                        fmt::format("unexpected argument '{}'", parsed->positionals[0]));
        m_data = data_dir_from(*parsed);
        std::string listen = "127.0.0.1:8080";
        if (const char* env = std::getenv("SIGHTLINE_LISTEN"); env && *env) listen = env;
        if (auto v = parsed->value("listen")) listen = *v;
        auto address = parse_listen(listen);
        if (!address) return std::unexpected(address.error());
        m_options.host = address->host;
        m_options.port = address->port;
        if (auto v = parsed->value("threads")) {
            auto n = parse_non_negative(*v, "--threads");
            if (!n || *n > 256) return fail(Errc::invalid_argument, "--threads must be 0 to 256");
            m_options.io_threads = static_cast<int>(*n);
        }
        if (auto v = parsed->value("report-rate")) {
            auto n = parse_non_negative(*v, "--report-rate");
            if (!n) return std::unexpected(n.error());
            m_service_options.reports.per_hour = *n;
            m_service_options.reports.burst = std::max(1.0, std::min(*n, 10.0));
        }
        m_api.secure_cookies = parsed->has("secure-cookies");
        m_options.access_log = !parsed->has("no-access-log");
        m_api.web_dir = parsed->value("web").value_or(default_web_dir());
        return {};
    }
    int run() override {
        // Responses of a few hundred kB (camera lists, tiles) would each get a fresh mmap and
        // fault every page in: measured as ~40 % of a 1,000-camera request. Keep such buffers in
        // the heap so they are reused across requests.
        mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024);
        mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
        auto store = store::open_sqlite_store(m_data);
        m_service_options.photo_dir = std::filesystem::path(m_data) / "photos";
        services::Services services(*store, *store, m_service_options);
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
        tiles::TileService tile_service(*store, *store, tile_options);
        http::ApiContext ctx{services, metrics, m_api, &tile_service};
        http::Router router;
        http::register_routes(router, ctx);
        http::Server server(m_options, router, metrics);
        std::uint16_t port = server.listen();
        std::string host = m_options.host.find(':') != std::string::npos
                               ? "[" + m_options.host + "]"
                               : m_options.host;
        fmt::print("listening on http://{}:{}\n", host, port);
        std::fflush(stdout);
        log::info(fmt::format("serving data={} schema={}",
                              std::filesystem::absolute(m_data).string(), store->schema_version()));
        // Build the walking graph now, not on the first route request (joined before services
        // go away; a route request meanwhile waits for it).
        std::jthread routing_graph([&services] {
            if (auto ready = services.routing.prepare(); !ready) {
                log::warn(fmt::format("routing graph: {}", ready.error().message));
                return;
            }
            auto stats = services.routing.stats();
            log::info(fmt::format("routing graph: {} nodes, {} edges in {:.2f} s", stats.nodes,
                                  stats.edges, stats.build_s));
        });
        server.run();
        log::info("stopped");
        return 0;
    }

  private:
    static std::vector<OptionSpec> specs() {
        return {data_option(),
                {"listen", "HOST:PORT",
                 "address to listen on (env SIGHTLINE_LISTEN; default 127.0.0.1:8080; port 0 picks "
                 "one)"},
                {"threads", "N", "I/O threads (default: hardware threads)"},
                {"report-rate", "N",
                 "anonymous reports allowed per client per hour (default 30; 0 = unlimited)"},
                {"secure-cookies", "",
                 "mark the session cookie Secure (when TLS terminates at a proxy)"},
                {"no-access-log", "", "do not log one line per request"},
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
    std::string m_data;
    http::ServerOptions m_options;
    http::ApiOptions m_api;
    services::ServiceOptions m_service_options;
};

}  // namespace

std::unique_ptr<Command> make_serve_command() {
    return std::make_unique<ServeCommand>();
}

}  // namespace sightline::cli
