#pragma once
// Imports cameras from a CSV file (RFC 4180, UTF-8, comma or semicolon separated) whose columns
// are mapped to latitude, longitude and tags. All rows go in, or none.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "model/camera.hpp"
#include "store/store.hpp"

namespace sightline::services {

struct CsvMapping {
    std::optional<std::string> lat_column;  ///< default: lat, latitude, y (any case)
    std::optional<std::string> lon_column;  ///< default: lon, lng, long, longitude, x (any case)
    /// tag key <- column name (e.g. addr:full <- Adress)
    std::vector<std::pair<std::string, std::string>> tag_columns;
    /// constant tags on every camera (e.g. surveillance:type=camera)
    model::Tags constant_tags;
    model::CameraStatus status = model::CameraStatus::verified;
};

struct CsvImportSummary {
    std::int64_t imported = 0;
    std::vector<std::string> unmapped_columns;  ///< columns that did not become tags
};

/// Parses RFC 4180 CSV text into rows of fields. The separator is detected from the header
/// line (',' or ';'). invalid_argument on an unterminated quote.
Result<std::vector<std::vector<std::string>>> parse_csv(std::string_view text);

/// A decimal number of a CSV field: surrounding blanks ignored, a decimal comma accepted
/// ("44,8125"); nullopt for anything else (empty, junk after it, NaN, infinity).
std::optional<double> parse_csv_number(std::string_view text);
/// The index of the first header column named one of `names` (case-insensitive, blanks
/// around the header's names ignored).
std::optional<std::size_t> find_csv_column(const std::vector<std::string>& header,
                                           std::initializer_list<std::string_view> names);

/// Turns CSV text into cameras: validates every row and reports the first bad row by number.
Result<std::vector<model::NewCamera>> cameras_from_csv(
    std::string_view text, const CsvMapping& mapping,
    std::vector<std::string>* unmapped_columns = nullptr);

/// cameras_from_csv + one store transaction. `source_name` names the list in the cameras'
/// history ("import-csv: NAME"), which makes it their source (SourceStore::camera_sources).
Result<CsvImportSummary> import_csv(store::Store& store, std::string_view text,
                                    const CsvMapping& mapping, std::string_view actor,
                                    std::string_view source_name = {});

}  // namespace sightline::services
