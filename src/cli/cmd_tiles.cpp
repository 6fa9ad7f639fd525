// sightline tiles --out DIR: pre-renders vector tiles to files for static hosting.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>

#include <fmt/core.h>

#include "cli/command.hpp"
#include "cli/commands_list.hpp"
#include "cli/progress_bar.hpp"
#include "services/survey_tiles.hpp"
#include "services/viewshed_tiles.hpp"
#include "tiles/tile_service.hpp"
#include "tiles/tilejson.hpp"

namespace sightline::cli {
namespace {

constexpr std::int64_t default_tile_limit = 1'000'000;

Result<int> parse_zoom(const std::optional<std::string>& text, std::string_view option,
                       int fallback) {
    if (!text) return fallback;
    auto zoom = parse_integer(option, *text, 0, geo::max_tile_zoom);
    if (!zoom) return std::unexpected(zoom.error());
    return static_cast<int>(*zoom);
}

struct TileRange {
    int z;
    geo::TileId min;  ///< north-west tile
    geo::TileId max;  ///< south-east tile
    [[nodiscard]] std::int64_t count() const {
        return std::int64_t{max.x - min.x + 1} * std::int64_t{max.y - min.y + 1};
    }
};

TileRange range_of(const geo::BBox& box, int z) {
    return {z, geo::tile_of({box.north, box.west}, z), geo::tile_of({box.south, box.east}, z)};
}

class TilesCommand final : public Command {
  public:
    std::string_view name() const override { return "tiles"; }
    std::string_view summary() const override {
        return "pre-render vector tiles to files (static hosting)";
    }
    std::string help() const override {
        return "Usage: sightline tiles --out DIR [--min-zoom Z] [--max-zoom Z] [--bbox W,S,E,N]\n"
               "                       [--force] [--quiet] [--data DIR]\n\n"
               "Writes DIR/z/x/y.mvt (Mapbox Vector Tiles, uncompressed) for every tile of the "
               "zoom\n"
               "range that intersects the box, skipping tiles with nothing in them, and\n"
               "DIR/tilejson.json with a relative tile URL. The box defaults to the bounds of all\n"
               "cameras. Refuses more than 1,000,000 tiles unless --force. A progress bar goes to\n"
               "stderr when it is a terminal; the summary to stdout.\n\n" +
               format_options(specs());
    }
    Status parse(const std::vector<std::string>& args) override {
        auto parsed = parse_args(args, specs());
        if (!parsed) return std::unexpected(parsed.error());
        m_args = *parsed;
        if (!m_args.positionals.empty())
            return fail(Errc::invalid_argument,
                        fmt::format("unexpected argument '{}'", m_args.positionals[0]));
        auto out = m_args.value("out");
        if (!out || out->empty()) return fail(Errc::invalid_argument, "--out DIR is required");
        m_out = *out;
        auto min_zoom = parse_zoom(m_args.value("min-zoom"), "--min-zoom", 0);
        if (!min_zoom) return std::unexpected(min_zoom.error());
        auto max_zoom = parse_zoom(m_args.value("max-zoom"), "--max-zoom", 16);
        if (!max_zoom) return std::unexpected(max_zoom.error());
        if (*min_zoom > *max_zoom)
            return fail(Errc::invalid_argument, "--min-zoom must not be above --max-zoom");
        m_min_zoom = *min_zoom;
        m_max_zoom = *max_zoom;
        if (auto text = m_args.value("bbox")) {
            auto box = geo::parse_bbox(*text);
            if (!box) return std::unexpected(box.error());
            m_bbox = *box;
        }
        return {};
    }
    int run() override {
        auto store = open_store_from(m_args);
        auto box = m_bbox ? m_bbox : camera_bounds(*store);
        if (!box)
            return report_error(name(), Error{Errc::not_found,
                                              "there are no cameras to take the area from; give "
                                              "--bbox W,S,E,N"});
        std::vector<TileRange> ranges;
        std::int64_t total = 0;
        for (int z = m_min_zoom; z <= m_max_zoom; ++z) {
            ranges.push_back(range_of(*box, z));
            total += ranges.back().count();
        }
        if (total > default_tile_limit && !m_args.has("force"))
            return report_error(
                name(), Error{Errc::too_large,
                              fmt::format("{} tiles in zoom {} to {}: more than {}; lower "
                                          "--max-zoom, give a smaller --bbox, or add --force",
                                          total, m_min_zoom, m_max_zoom, default_tile_limit)});

        // The same viewsheds and surveys as `serve`, so the files are the tiles it would serve.
        services::AnalysisService analysis(*store, *store);
        services::CampaignService campaigns(*store, *store);
        tiles::TileOptions options;
        options.cache_bytes = 0;
        options.gzip = false;
        options.viewsheds = services::viewshed_tile_provider(analysis);
        options.surveys = services::survey_tile_provider(campaigns);
        tiles::TileService service(*store, *store, options);
        // One pass over the cameras instead of a store query per tile; if cameras change while
        // it reads, the tiles come from the store (always current) instead.
        if (total > 1) service.prepare();
        const bool progress = show_progress(m_args);
        ProgressBar bar;
        std::int64_t done = 0;
        std::int64_t written = 0;
        std::int64_t bytes = 0;
        for (const auto& range : ranges) {
            for (auto x = range.min.x; x <= range.max.x; ++x) {
                for (auto y = range.min.y; y <= range.max.y; ++y) {
                    auto tile = service.render_uncached({range.z, x, y});
                    if (!tile) return report_error(name(), tile.error());
                    if (!tile->empty()) {
                        auto dir = m_out / std::to_string(range.z) / std::to_string(x);
                        std::filesystem::create_directories(dir);
                        if (!write_file(dir / fmt::format("{}.mvt", y), *tile)) return 1;
                        ++written;
                        bytes += static_cast<std::int64_t>(tile->size());
                    }
                    ++done;
                    if (progress)
                        bar.update("", static_cast<double>(done) / static_cast<double>(total),
                                   fmt::format("{}/{} tiles", done, total), done == total);
                }
            }
        }
        bar.finish();
        std::filesystem::create_directories(m_out);
        tiles::TileJsonParams params;
        params.tile_url = "{z}/{x}/{y}.mvt";
        params.min_zoom = m_min_zoom;
        params.max_zoom = m_max_zoom;
        params.bounds = *box;
        if (!write_file(m_out / "tilejson.json", tiles::tilejson(service, params))) return 1;
        fmt::print("wrote {} tiles ({} bytes) of {} in zoom {} to {} to {}\n", written, bytes,
                   total, m_min_zoom, m_max_zoom, m_out.string());
        return 0;
    }

  private:
    static std::vector<OptionSpec> specs() {
        return {data_option(),
                store_option(),
                {"out", "DIR", "write the tiles under this folder (required)"},
                {"min-zoom", "Z", "first zoom, 0 to 22 (default 0)"},
                {"max-zoom", "Z", "last zoom, 0 to 22 (default 16)"},
                {"bbox", "W,S,E,N", "area in degrees (default: the bounds of all cameras)"},
                {"force", "", "render even more than 1,000,000 tiles"},
                {"quiet", "", "no progress bar"}};
    }

    static std::optional<geo::BBox> camera_bounds(store::Store& store) {
        auto box = geo::BBox::empty_box();
        store.for_each_camera([&box](const model::Camera& c) {
            if (c.status != model::CameraStatus::removed) box.extend(c.location);
        });
        return box.is_empty() ? std::nullopt : std::optional<geo::BBox>(box);
    }

    bool write_file(const std::filesystem::path& path, std::string_view bytes) {
        std::ofstream file(path, std::ios::binary | std::ios::trunc);
        file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        file.close();
        if (!file) {
            fmt::print(stderr, "sightline tiles: cannot write {} (disk full?)\n", path.string());
            return false;
        }
        return true;
    }

    ParsedArgs m_args;
    std::filesystem::path m_out;
    int m_min_zoom = 0;
    int m_max_zoom = 16;
    std::optional<geo::BBox> m_bbox;
};

}  // namespace

std::unique_ptr<Command> make_tiles_command() {
    return std::make_unique<TilesCommand>();
}

}  // namespace sightline::cli
