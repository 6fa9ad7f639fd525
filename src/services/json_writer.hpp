#pragma once
// A minimal streaming JSON writer appending to a std::string. Used on hot paths (camera lists,
// exports) where building a DOM first would double the work. The caller keeps the structure
// balanced; commas are inserted automatically.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_string.hpp"

namespace sightline::services {

using sightline::append_json_string;  // core/json_string.hpp

class JsonWriter {
  public:
    explicit JsonWriter(std::string& out) : m_out(out) {}

    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    /// Object key; the next call writes its value.
    JsonWriter& key(std::string_view name);
    JsonWriter& value(std::string_view text);
    JsonWriter& value(const char* text) { return value(std::string_view(text)); }
    JsonWriter& value(std::int64_t number);
    JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
    /// Finite doubles in shortest round-trip form; NaN/inf become null.
    JsonWriter& value(double number);
    /// Fixed decimals (coordinates: 7 decimals is ~1 cm, OSM's precision).
    JsonWriter& value_fixed(double number, int decimals);
    JsonWriter& value(bool flag);
    JsonWriter& null();
    /// Already-serialised JSON.
    JsonWriter& raw(std::string_view json);

  private:
    void separator();
    /// value_fixed's digits without to_chars where no rounding tie is near; false: not written.
    bool append_fixed_fast(double number, int decimals);
    std::string& m_out;
    std::vector<bool> m_first;  ///< per open container: no element written yet
    bool m_after_key = false;
};

}  // namespace sightline::services
