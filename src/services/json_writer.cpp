#include "services/json_writer.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace sightline::services {

void JsonWriter::separator() {
    if (m_after_key) {
        m_after_key = false;
        return;
    }
    if (!m_first.empty()) {
        if (!m_first.back()) m_out += ',';
        m_first.back() = false;
    }
}

JsonWriter& JsonWriter::begin_object() {
    separator();
    m_out += '{';
    m_first.push_back(true);
    return *this;
}
JsonWriter& JsonWriter::end_object() {
    m_out += '}';
    m_first.pop_back();
    return *this;
}
JsonWriter& JsonWriter::begin_array() {
    separator();
    m_out += '[';
    m_first.push_back(true);
    return *this;
}
JsonWriter& JsonWriter::end_array() {
    m_out += ']';
    m_first.pop_back();
    return *this;
}
JsonWriter& JsonWriter::key(std::string_view name) {
    separator();
    append_json_string(m_out, name);
    m_out += ':';
    m_after_key = true;
    return *this;
}
JsonWriter& JsonWriter::value(std::string_view text) {
    separator();
    append_json_string(m_out, text);
    return *this;
}
JsonWriter& JsonWriter::value(std::int64_t number) {
    separator();
    fmt::format_to(std::back_inserter(m_out), "{}", number);
    return *this;
}
JsonWriter& JsonWriter::value(double number) {
    separator();
    if (std::isfinite(number))
        fmt::format_to(std::back_inserter(m_out), "{}", number);
    else
        m_out += "null";
    return *this;
}
JsonWriter& JsonWriter::value_fixed(double number, int decimals) {
    separator();
    if (!std::isfinite(number)) {
        m_out += "null";
        return *this;
    }
    // std::to_chars prints the same digits as fmt's "{:.Nf}" (both exact, ties to even), without
    // parsing a format string: a route's JSON writes thousands of coordinates.
    char buffer[128];
    const auto written =
        std::to_chars(buffer, buffer + sizeof buffer, number, std::chars_format::fixed, decimals);
    if (written.ec == std::errc())
        m_out.append(buffer, written.ptr);
    else  // too long for the buffer (a huge value)
        fmt::format_to(std::back_inserter(m_out), "{:.{}f}", number, decimals);
    return *this;
}
JsonWriter& JsonWriter::value(bool flag) {
    separator();
    m_out += flag ? "true" : "false";
    return *this;
}
JsonWriter& JsonWriter::null() {
    separator();
    m_out += "null";
    return *this;
}
JsonWriter& JsonWriter::raw(std::string_view json) {
    separator();
    m_out += json;
    return *this;
}

}  // namespace sightline::services
