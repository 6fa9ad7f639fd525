#pragma once
// The JSON text stored in `tags` and `directions` columns. The writer is deterministic (Tags
// is sorted by key; no whitespace) so equal tags give equal bytes. The reader is the hot path
// of camera listings: a hand-written decoder for the flat string->string objects we write,
// with nlohmann::json as the fallback for anything else (numbers, nesting, odd escapes).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/ids.hpp"
#include "model/tags.hpp"

namespace sightline::store::encoding {

/// `{"key":"value",...}`; UTF-8 passes through unchanged, control characters are escaped.
std::string write_tags(const model::Tags& tags);
/// Parses a tags column. Non-string values are kept as their JSON text. Throws
/// sightline::Exception if the text is not a JSON object (a corrupt row).
model::Tags read_tags(std::string_view json);

/// A comma-separated list of report ids ("3,1,2", what group_concat / string_agg give), sorted;
/// nullopt if it is not one.
std::optional<std::vector<model::ReportId>> read_id_list(std::string_view text);

/// `[135,22.5]`; non-finite numbers are dropped.
std::string write_directions(const std::vector<double>& directions_deg);
/// Parses a directions column; throws sightline::Exception if it is not an array of numbers.
std::vector<double> read_directions(std::string_view json);

}  // namespace sightline::store::encoding
