#include "services/source_service.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "core/clock.hpp"
#include "model/tags.hpp"
#include "search/text.hpp"
#include "services/csv_import.hpp"

namespace sightline::services {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// Whether `part` occurs in `whole` as consecutive words.
bool contains_words(const std::vector<std::string>& whole, const std::vector<std::string>& part) {
    if (part.empty() || part.size() > whole.size()) return false;
    return std::search(whole.begin(), whole.end(), part.begin(), part.end()) != whole.end();
}

}  // namespace

SourceService::SourceService(store::Store& store, store::SourceStore& sources,
                             SearchService& search)
    : m_store(store), m_sources(sources), m_search(search) {}

Result<geo::LatLon> SourceService::place_address(std::string_view address, std::string& why) {
    const auto asked = search::parse_query(address);
    if (asked.housenumber.empty()) {
        why = "no house number";
        return fail(Errc::not_found, why);
    }
    SearchRequest request;
    request.text = std::string(address.substr(0, m_search.limits().max_text_bytes));
    request.limit = 1;
    auto hits = m_search.search(request);
    if (!hits || hits->empty()) {
        why = "not found";
        return fail(Errc::not_found, why);
    }
    const auto& best = hits->front();
    // The best hit only, and only when it is that address: a typo-tolerant search would
    // otherwise place the entry on a neighbouring number or a similar street.
    const auto numbers = search::housenumber_list(best.housenumber);
    const bool same_number =
        std::find(numbers.begin(), numbers.end(), asked.housenumber) != numbers.end();
    const bool same_street =
        !best.street.empty() && contains_words(asked.words, search::parse_query(best.street).words);
    if (!same_number || !same_street) {
        why = fmt::format("best match '{}' is not the same house number and street", best.label);
        return fail(Errc::not_found, why);
    }
    return best.location;
}

Result<ListImportResult> SourceService::import_list(std::string_view csv_text,
                                                    const ListImportOptions& options, bool dry_run,
                                                    std::string_view actor) {
    if (trim(options.source_name).empty())
        return fail(Errc::invalid_argument, "the list needs a name (--source NAME)");
    if (!(options.max_distance_m > 0 && options.max_distance_m <= 1000))
        return fail(Errc::invalid_argument, "max distance must be from 0 to 1000 m");
    if (!(options.max_angle_deg >= 0 && options.max_angle_deg <= 180))
        return fail(Errc::invalid_argument, "max angle must be from 0 to 180 degrees");
    auto rows = parse_csv(csv_text);
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return fail(Errc::invalid_argument, "CSV: the file is empty");
    const auto& header = rows->front();

    auto named = [&](const std::string& name, std::string_view option) -> Result<std::size_t> {
        auto index = find_csv_column(header, {std::string_view(name)});
        if (!index)
            return fail(Errc::invalid_argument,
                        fmt::format("CSV: no column '{}' (--{})", name, option));
        return *index;
    };
    std::optional<std::size_t> lat, lon, address, direction, label;
    if (options.address_column) {
        if (options.lat_column || options.lon_column)
            return fail(Errc::invalid_argument, "give --address or --lat/--lon, not both");
        auto a = named(*options.address_column, "address");
        if (!a) return std::unexpected(a.error());
        address = *a;
    } else {
        lat = options.lat_column ? find_csv_column(header, {*options.lat_column})
                                 : find_csv_column(header, {"lat", "latitude", "y"});
        lon = options.lon_column
                  ? find_csv_column(header, {*options.lon_column})
                  : find_csv_column(header, {"lon", "lng", "long", "longitude", "x"});
        if (!lat || !lon)
            return fail(Errc::invalid_argument,
                        "CSV: no latitude/longitude columns; name them with --lat COL --lon COL, "
                        "or give --address COL");
    }
    if (options.direction_column) {
        auto d = named(*options.direction_column, "direction");
        if (!d) return std::unexpected(d.error());
        direction = *d;
    } else {
        direction = find_csv_column(header, {"direction", "camera:direction"});
    }
    if (options.label_column) {
        auto l = named(*options.label_column, "label");
        if (!l) return std::unexpected(l.error());
        label = *l;
    } else {
        label = find_csv_column(header, {"name", "label"});
    }

    ListImportResult result;
    model::NewSource source;
    source.name = std::string(trim(options.source_name));
    source.file_name = options.file_name;
    source.max_distance_m = options.max_distance_m;
    source.max_angle_deg = options.max_angle_deg;
    for (std::size_t r = 1; r < rows->size(); ++r) {
        const auto& row = (*rows)[r];
        const int line = static_cast<int>(r + 1);
        auto field = [&](std::optional<std::size_t> i) -> std::string_view {
            return i && *i < row.size() ? trim(row[*i]) : std::string_view();
        };
        auto bad = [&](std::string_view what) {
            return fail(Errc::invalid_argument, fmt::format("CSV row {}: {}", line, what));
        };
        ++result.rows;
        model::SourceEntry entry;
        entry.line = line;
        entry.label = std::string(field(label));
        if (auto dir = field(direction); !dir.empty()) {
            auto parsed = model::parse_directions(dir);
            if (!parsed) return bad(parsed.error().message);
            entry.directions_deg = *parsed;
        }
        if (address) {
            entry.address = std::string(field(address));
            std::string why = "empty address";
            Result<geo::LatLon> placed = fail(Errc::not_found, why);
            if (!entry.address.empty()) placed = place_address(entry.address, why);
            if (!placed) {
                result.unplaced.push_back({line, entry.address, why});
                continue;
            }
            entry.location = *placed;
        } else {
            auto la = parse_csv_number(field(lat));
            auto lo = parse_csv_number(field(lon));
            if (!la || !lo) return bad("latitude/longitude is not a number");
            entry.location = {*la, *lo};
            if (!entry.location.is_valid()) return bad("latitude/longitude out of range");
        }
        source.entries.push_back(std::move(entry));
    }
    source.unplaced_rows = static_cast<std::int64_t>(result.unplaced.size());
    result.entries = static_cast<std::int64_t>(source.entries.size());

    model::Source stored;
    stored.name = source.name;
    stored.file_name = source.file_name;
    stored.max_distance_m = source.max_distance_m;
    stored.max_angle_deg = source.max_angle_deg;
    stored.entries = result.entries;
    stored.unplaced_rows = source.unplaced_rows;
    if (dry_run) {
        // The same matching on the unsaved entries (ids by row, as the store would give them).
        std::int64_t next = 1;
        for (auto& e : source.entries)
            e.id = next++;
        result.counts = match(stored, source.entries).counts;
        return result;
    }
    auto id = m_sources.insert_source(source, store::Decision{std::string(actor), "", unix_now()});
    if (!id) return std::unexpected(id.error());
    result.id = *id;
    auto compared = comparison(*id);
    if (!compared) return std::unexpected(compared.error());
    result.counts = compared->counts;
    return result;
}

std::vector<model::Source> SourceService::list() {
    return m_sources.list_sources();
}

std::optional<geo::BBox> SourceService::coverage_of(const std::vector<model::SourceEntry>& entries,
                                                    double max_distance_m) {
    if (entries.empty()) return std::nullopt;
    auto box = geo::BBox::empty_box();
    for (const auto& e : entries) {
        auto around = geo::BBox::around(e.location, max_distance_m);
        box.extend({around.south, around.west});
        box.extend({around.north, around.east});
    }
    return box;
}

Comparison SourceService::match(model::Source source, std::vector<model::SourceEntry> entries) {
    Comparison out;
    out.coverage = coverage_of(entries, source.max_distance_m);
    if (out.coverage) out.cameras = m_sources.crowd_cameras(*out.coverage);
    // A moderator may have decided on a crowd camera outside the coverage (the list's position
    // was far off): it is still that entry's.
    for (const auto& e : entries) {
        if (!e.decided_camera) continue;
        const bool known = std::any_of(out.cameras.begin(), out.cameras.end(),
                                       [&](const auto& c) { return c.id == *e.decided_camera; });
        if (known) continue;
        auto camera = m_store.find_camera(*e.decided_camera);
        if (!camera || camera->status == model::CameraStatus::removed ||
            (!camera->osm && camera->report_ids.empty()))
            continue;
        store::CrowdCamera c{camera->id, camera->location, {}};
        if (auto dir = model::tag(camera->tags, "camera:direction"))
            if (auto parsed = model::parse_directions(*dir)) c.directions_deg = *parsed;
        out.cameras.push_back(std::move(c));
    }

    std::vector<analysis::MatchEntry> input;
    input.reserve(entries.size());
    for (const auto& e : entries) {
        analysis::MatchEntry m{{e.id, e.location, e.directions_deg}, e.decided, std::nullopt};
        if (e.decided_camera) m.decided_camera = e.decided_camera->value;
        input.push_back(std::move(m));
    }
    std::vector<analysis::MatchPoint> cameras;
    cameras.reserve(out.cameras.size());
    for (const auto& c : out.cameras)
        cameras.push_back({c.id.value, c.location, c.directions_deg});
    analysis::ListMatchOptions options;
    options.max_distance_m = source.max_distance_m;
    options.max_angle_deg = source.max_angle_deg;
    auto matched = analysis::match_list(input, cameras, options);

    for (std::size_t i = 0; i < entries.size(); ++i) {
        auto& e = entries[i];
        const auto& m = matched.entries[i];
        e.state = m.state;
        e.camera.reset();
        if (m.camera) e.camera = model::CameraId{*m.camera};
        e.distance_m = m.distance_m;
        e.candidates.clear();
        for (auto c : m.candidates)
            e.candidates.push_back(model::CameraId{c});
        e.reason = m.reason;
        switch (e.state) {
            case model::EntryState::matched:
                ++out.counts.both;
                break;
            case model::EntryState::unmatched:
                ++out.counts.only_list;
                break;
            case model::EntryState::ambiguous:
                ++out.counts.ambiguous;
                break;
        }
    }
    for (auto c : matched.crowd_only)
        out.crowd_only.push_back(model::CameraId{c});
    out.counts.only_crowd = static_cast<std::int64_t>(out.crowd_only.size());
    out.source = std::move(source);
    out.entries = std::move(entries);
    return out;
}

Result<Comparison> SourceService::comparison(model::SourceId id) {
    auto source = m_sources.find_source(id);
    if (!source) return std::unexpected(source.error());
    // The version first: cameras changed while matching make it stale again, never newer.
    const auto version = m_store.camera_version();
    const bool stale = source->matched_version != version;
    auto compared = match(*source, m_sources.source_entries(id));
    if (stale) {
        if (auto ok = m_sources.save_matching(id, compared.entries, version); !ok)
            return std::unexpected(ok.error());
        compared.source.matched_version = version;
    }
    return compared;
}

Status SourceService::decide(model::SourceId id, std::int64_t entry,
                             std::optional<model::CameraId> camera, std::string_view actor) {
    if (camera) {
        // Only a camera of the crowd's map can be the entry.
        auto found = m_store.find_camera(*camera);
        if (!found) return std::unexpected(found.error());
        if (!found->osm && found->report_ids.empty())
            return fail(Errc::conflict,
                        "that camera is not on the crowd's map (no report or "
                        "OpenStreetMap object)");
    }
    auto ok = m_sources.decide_entry(id, entry, camera,
                                     store::Decision{std::string(actor), "", unix_now()});
    if (!ok) return ok;
    auto compared = comparison(id);
    if (!compared) return std::unexpected(compared.error());
    return {};
}

}  // namespace sightline::services
