// The browser app: its built files from ApiOptions::web_dir. The pages the app routes itself
// (/, /camera/{id}, /report, /safe, /moderation, /stats, /districts, /district/{id}, /campaigns,
// /campaign/{id}) all answer index.html, which no other site may frame; /embed answers
// embed.html, the bare map for iframes on any site; /assets/{file...} serves the bundle, whose
// names carry a content hash and so never change; /sw.js is the service worker of the offline
// field mode, at the root so that its scope covers every page.

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <sstream>

#include <fmt/format.h>

#include "http/accept_encoding.hpp"
#include "http/endpoints/endpoints.hpp"
#include "http/response.hpp"

namespace sightline::http {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view not_built_message =
    "the web app is not built: run `make server` (it bundles web/ next to the binary) or pass "
    "`sightline serve --web DIR`";

struct ContentType {
    std::string_view extension;
    std::string_view type;
};
constexpr std::array<ContentType, 14> content_types{{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".webp", "image/webp"},
    {".ico", "image/x-icon"},
    {".ttf", "font/ttf"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
    {".webmanifest", "application/manifest+json"},
}};

std::optional<std::string_view> content_type_of(std::string_view name) {
    for (const auto& entry : content_types)
        if (name.ends_with(entry.extension)) return entry.type;
    return std::nullopt;
}

// A relative path of plain names only: no "..", ".", empty or hidden segments, no backslashes
// or NULs. Checked on the decoded path, so %2e%2e and %2f cannot slip through.
bool is_safe_relative_path(std::string_view path) {
    if (path.empty() || path.size() > 255) return false;
    std::size_t start = 0;
    while (start <= path.size()) {
        auto slash = path.find('/', start);
        auto segment = path.substr(
            start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        if (segment.empty() || segment.front() == '.') return false;
        for (char c : segment)
            if (c == '\\' || c == '\0' || static_cast<unsigned char>(c) < 0x20) return false;
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return true;
}

// esbuild names bundled files "name-HASH.ext" with an 8-character upper-case hash.
bool has_content_hash(std::string_view name) {
    auto slash = name.rfind('/');
    if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
    auto dot = name.find('.');
    auto stem = name.substr(0, dot);
    auto dash = stem.rfind('-');
    if (dash == std::string_view::npos || stem.size() - dash - 1 != 8) return false;
    for (char c : stem.substr(dash + 1))
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
    return true;
}

std::optional<std::string> read_file(const fs::path& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream out;
    out << in.rdbuf();
    return std::move(out).str();
}

Response serve_file(const fs::path& path, std::string_view content_type,
                    std::string_view cache_control) {
    auto body = read_file(path);
    if (!body) return error_response(404, "not_found", "no such file");
    Response res;
    res.content_type = std::string(content_type);
    res.body = std::move(*body);
    res.with_header("Cache-Control", std::string(cache_control));
    res.with_header("X-Content-Type-Options", "nosniff");
    return res;
}

// Whether other sites may show a page in a frame: the app may not (clickjacking of its forms
// and moderation), the embed (/embed) exists to be framed and changes nothing.
enum class Framing { refused, allowed };

// The app loads only its own scripts, styles, fonts, tiles and photos.
constexpr std::string_view own_sources_only =
    "default-src 'self'; img-src 'self' data: blob:; worker-src 'self' blob:; child-src blob:; "
    "style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'";

Response page(const ApiContext& ctx, std::string_view file, Framing framing) {
    if (ctx.options.web_dir.empty() || !fs::is_directory(ctx.options.web_dir))
        return error_response(404, "not_found", not_built_message);
    auto res = serve_file(fs::path(ctx.options.web_dir) / std::string(file),
                          "text/html; charset=utf-8", "no-cache");
    if (res.status == 404) return error_response(404, "not_found", not_built_message);
    // frame-ancestors * would still refuse file: and data: parents; the embed names none.
    res.with_header("Content-Security-Policy",
                    framing == Framing::refused
                        ? fmt::format("{}; frame-ancestors 'none'", own_sources_only)
                        : std::string(own_sources_only));
    res.with_header("Referrer-Policy", "no-referrer");
    return res;
}

// web/build.mjs stores the bundle's text files compressed too (NAME.br, NAME.gz, best first):
// the first one the client accepts is sent as it is, no compression per request.
struct StoredCoding {
    std::string_view suffix;
    std::string_view coding;
};
constexpr std::array<StoredCoding, 2> stored_codings{{{".br", "br"}, {".gz", "gzip"}}};

// Which of the stored codings the client accepts, as a key part ("bg", "g", ...): responses
// are kept in memory per file and per such set.
std::string accepted_codings(const Request& req) {
    std::string accepted;
    for (const auto& stored : stored_codings)
        if (accepts_coding(req.header("accept-encoding"), stored.coding))
            accepted += stored.coding.front();
    return accepted;
}

Response asset(const Request& req, const ApiContext& ctx) {
    if (ctx.options.web_dir.empty()) return error_response(404, "not_found", not_built_message);
    auto file = req.path_param("file").value_or("");
    if (!is_safe_relative_path(file))
        return error_response(400, "invalid_argument", "asset paths are plain relative names");
    auto type = content_type_of(file);
    if (!type) return error_response(404, "not_found", "no such asset");
    const fs::path root = fs::path(ctx.options.web_dir) / "assets";
    // Belt and braces: the resolved file must still be inside the assets folder (symlinks).
    std::error_code ec;
    auto base = fs::weakly_canonical(root, ec);
    auto target = fs::weakly_canonical(root / std::string(file), ec);
    if (ec) return error_response(404, "not_found", "no such asset");
    auto [end, _] = std::mismatch(base.begin(), base.end(), target.begin(), target.end());
    if (end != base.end()) return error_response(400, "invalid_argument", "outside the assets");
    const std::string_view cache_control =
        has_content_hash(file) ? "public, max-age=31536000, immutable" : "public, max-age=300";
    for (const auto& stored : stored_codings) {
        if (!accepts_coding(req.header("accept-encoding"), stored.coding)) continue;
        fs::path compressed = target;
        compressed += std::string(stored.suffix);
        if (!fs::is_regular_file(compressed, ec)) continue;
        auto res = serve_file(compressed, *type, cache_control);
        if (res.status != 200) continue;
        res.with_header("Content-Encoding", std::string(stored.coding));
        res.with_header("Vary", "Accept-Encoding");
        return res;
    }
    auto res = serve_file(target, *type, cache_control);
    if (res.status == 200) res.with_header("Vary", "Accept-Encoding");
    return res;
}

// Assets whose names carry a content hash never change: once read from disk they are kept in
// memory (up to max_bytes in all) and answered on the I/O thread without a worker.
class ImmutableAssets {
  public:
    static constexpr std::size_t max_bytes = 64 * 1024 * 1024;

    std::optional<Response> find(const Request& req) const {
        const auto key = key_of(req);
        std::shared_lock lock(m_mutex);
        auto it = m_files.find(key);
        if (it == m_files.end()) return std::nullopt;
        return *it->second;
    }
    void keep(const Request& req, const Response& response) {
        if (response.status != 200 || !has_content_hash(req.path_param("file").value_or("")))
            return;
        auto key = key_of(req);
        std::lock_guard lock(m_mutex);
        if (m_bytes + response.body.size() > max_bytes || m_files.contains(key)) return;
        m_bytes += response.body.size();
        m_files.emplace(std::move(key), std::make_shared<const Response>(response));
    }

  private:
    // The file and the stored codings the client accepts: the same file can be answered in
    // several codings.
    static std::string key_of(const Request& req) {
        return std::string(req.path_param("file").value_or("")) + '|' + accepted_codings(req);
    }

    mutable std::shared_mutex m_mutex;
    std::map<std::string, std::shared_ptr<const Response>, std::less<>> m_files;
    std::size_t m_bytes = 0;
};

}  // namespace

void register_web_routes(Router& router, ApiContext& ctx) {
    for (const char* path : {"/", "/camera/{id}", "/report", "/safe", "/moderation", "/stats",
                             "/districts", "/district/{id}", "/campaigns", "/campaign/{id}"})
        router.add("GET", path,
                   [&ctx](const Request&) { return page(ctx, "index.html", Framing::refused); });
    router.add("GET", "/embed",
               [&ctx](const Request&) { return page(ctx, "embed.html", Framing::allowed); });
    // A service worker controls the pages under its own folder only: the offline field mode's
    // (web/src/sw.js, which names the bundle's hashed files) is served from the root. no-cache:
    // a new build's worker replaces the old one on the next visit.
    router.add("GET", "/sw.js", [&ctx](const Request&) {
        if (ctx.options.web_dir.empty())
            return error_response(404, "not_found", std::string(not_built_message));
        return serve_file(fs::path(ctx.options.web_dir) / "sw.js", "text/javascript; charset=utf-8",
                          "no-cache");
    });
    auto assets = std::make_shared<ImmutableAssets>();
    router.add("GET", "/assets/{file...}", [&ctx, assets](const Request& req) {
        Response response = asset(req, ctx);
        assets->keep(req, response);
        return response;
    });
    router.add_fast_path("GET", "/assets/{file...}",
                         [assets](const Request& req) { return assets->find(req); });
}

}  // namespace sightline::http
