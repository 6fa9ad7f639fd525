#include "services/csv_import.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/core.h>

#include "core/clock.hpp"

namespace sightline::services {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

}  // namespace

std::optional<double> parse_csv_number(std::string_view text) {
    text = trim(text);
    std::string normalised(text);
    // Decimal commas are common in European open data ("44,8125").
    if (normalised.find('.') == std::string::npos)
        std::replace(normalised.begin(), normalised.end(), ',', '.');
    double v = 0;
    auto [ptr, ec] = std::from_chars(normalised.data(), normalised.data() + normalised.size(), v);
    if (normalised.empty() || ec != std::errc{} || ptr != normalised.data() + normalised.size() ||
        !std::isfinite(v))
        return std::nullopt;
    return v;
}

std::optional<std::size_t> find_csv_column(const std::vector<std::string>& header,
                                           std::initializer_list<std::string_view> names) {
    for (std::size_t i = 0; i < header.size(); ++i)
        for (auto name : names)
            if (lower(trim(header[i])) == lower(name)) return i;
    return std::nullopt;
}

namespace {
auto find_column(const std::vector<std::string>& header,
                 std::initializer_list<std::string_view> names) {
    return find_csv_column(header, names);
}
auto parse_coordinate(std::string_view text) {
    return parse_csv_number(text);
}
}  // namespace

Result<std::vector<std::vector<std::string>>> parse_csv(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 byte order mark
    std::string_view first_line = text.substr(0, text.find('\n'));
    char sep = std::count(first_line.begin(), first_line.end(), ';') >
                       std::count(first_line.begin(), first_line.end(), ',')
                   ? ';'
                   : ',';
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool in_quotes = false;
    bool field_started = false;
    std::size_t line = 1;
    auto end_field = [&] {
        row.push_back(std::move(field));
        field.clear();
        field_started = false;
    };
    auto end_row = [&] {
        end_field();
        if (!(row.size() == 1 && row[0].empty())) rows.push_back(std::move(row));
        row.clear();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_quotes) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    in_quotes = false;
                }
            } else {
                if (c == '\n') ++line;
                field += c;
            }
        } else if (c == '"' && !field_started) {
            in_quotes = true;
            field_started = true;
        } else if (c == sep) {
            end_field();
        } else if (c == '\n') {
            ++line;
            end_row();
        } else if (c == '\r') {
            // CRLF line ends: the \n ends the row.
        } else {
            field += c;
            field_started = true;
        }
    }
    if (in_quotes)
        return fail(Errc::invalid_argument, fmt::format("CSV: unterminated quote (line {})", line));
    if (field_started || !row.empty()) end_row();
    return rows;
}

Result<std::vector<model::NewCamera>> cameras_from_csv(std::string_view text,
                                                       const CsvMapping& mapping,
                                                       std::vector<std::string>* unmapped_columns) {
    auto rows = parse_csv(text);
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return fail(Errc::invalid_argument, "CSV: the file is empty");
    const auto& header = rows->front();

    auto resolve = [&](const std::optional<std::string>& name,
                       std::initializer_list<std::string_view> defaults,
                       std::string_view what) -> Result<std::size_t> {
        std::optional<std::size_t> index;
        if (name) {
            std::string wanted = lower(*name);
            index = find_column(header, {std::string_view(wanted)});
        } else {
            index = find_column(header, defaults);
        }
        if (!index)
            return fail(Errc::invalid_argument,
                        fmt::format("CSV: no {} column{}; name it with --{} COLUMN", what,
                                    name ? " '" + *name + "'" : std::string(), what));
        return *index;
    };
    auto lat = resolve(mapping.lat_column, {"lat", "latitude", "y"}, "lat");
    if (!lat) return std::unexpected(lat.error());
    auto lon = resolve(mapping.lon_column, {"lon", "lng", "long", "longitude", "x"}, "lon");
    if (!lon) return std::unexpected(lon.error());

    std::vector<std::pair<std::string, std::size_t>> tag_indices;
    for (const auto& [key, column] : mapping.tag_columns) {
        std::string wanted = lower(column);
        auto index = find_column(header, {std::string_view(wanted)});
        if (!index)
            return fail(Errc::invalid_argument,
                        fmt::format("CSV: no column '{}' for tag {}", column, key));
        tag_indices.emplace_back(key, *index);
    }
    if (unmapped_columns) {
        for (std::size_t i = 0; i < header.size(); ++i) {
            bool used = i == *lat || i == *lon;
            for (const auto& [key, index] : tag_indices)
                used = used || index == i;
            if (!used) unmapped_columns->push_back(header[i]);
        }
    }

    std::vector<model::NewCamera> cameras;
    for (std::size_t r = 1; r < rows->size(); ++r) {
        const auto& row = (*rows)[r];
        auto where = [&](std::string_view what) {
            return fail(Errc::invalid_argument, fmt::format("CSV row {}: {}", r + 1, what));
        };
        auto field = [&](std::size_t i) -> std::string_view {
            return i < row.size() ? trim(row[i]) : "";
        };
        auto la = parse_coordinate(field(*lat));
        auto lo = parse_coordinate(field(*lon));
        if (!la || !lo) return where("latitude/longitude is not a number");
        model::NewCamera camera;
        camera.location = {*la, *lo};
        if (!camera.location.is_valid()) return where("latitude/longitude out of range");
        camera.status = mapping.status;
        camera.tags = mapping.constant_tags;
        camera.tags.try_emplace("man_made", "surveillance");
        for (const auto& [key, index] : tag_indices) {
            auto value = field(index);
            if (!value.empty()) camera.tags[key] = std::string(value);
        }
        if (auto ok = model::validate_tags(camera.tags); !ok) return where(ok.error().message);
        cameras.push_back(std::move(camera));
    }
    return cameras;
}

Result<CsvImportSummary> import_csv(store::Store& store, std::string_view text,
                                    const CsvMapping& mapping, std::string_view actor,
                                    std::string_view source_name) {
    CsvImportSummary summary;
    auto cameras = cameras_from_csv(text, mapping, &summary.unmapped_columns);
    if (!cameras) return std::unexpected(cameras.error());
    // The history detail names the list: the cameras' source (SourceStore::camera_sources).
    std::string reason = source_name.empty() ? std::string("import-csv")
                                             : fmt::format("import-csv: {}", source_name);
    auto ids =
        store.insert_cameras(*cameras, store::Decision{std::string(actor), reason, unix_now()});
    if (!ids) return std::unexpected(ids.error());
    summary.imported = static_cast<std::int64_t>(ids->size());
    return summary;
}

}  // namespace sightline::services
