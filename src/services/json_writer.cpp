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
// Most numbers written with N decimals (coordinates, metres) are far from a rounding tie at the
// N-th decimal: for them, number * 10^N rounded to an integer gives the digits to_chars would,
// at a fraction of its cost (to_chars works out the exact decimal expansion).
bool JsonWriter::append_fixed_fast(double number, int decimals) {
    static constexpr double powers_of_ten[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                               1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    if (decimals < 0 || decimals > 15) return false;
    // Below 2^40 the product is within 2^-13 of the exact one (10^N is exact, the product off by
    // half an ulp at most), and a fraction more than 1e-3 from a half rounds the same both ways.
    const double scaled = std::fabs(number) * powers_of_ten[decimals];
    if (!(scaled < 0x1p40)) return false;
    const double whole = std::floor(scaled);
    const double fraction = scaled - whole;  // exact below 2^52
    if (std::fabs(fraction - 0.5) <= 1e-3) return false;
    const auto rounded = static_cast<std::uint64_t>(whole) + (fraction > 0.5 ? 1 : 0);
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, rounded).ptr;
    const auto length = static_cast<int>(end - digits);
    if (std::signbit(number)) m_out += '-';  // as to_chars: -0.0 and -0.00001 keep their sign
    if (decimals == 0) {
        m_out.append(digits, end);
    } else if (length <= decimals) {
        m_out += "0.";
        m_out.append(static_cast<std::size_t>(decimals - length), '0');
        m_out.append(digits, end);
    } else {
        m_out.append(digits, end - decimals);
        m_out += '.';
        m_out.append(end - decimals, end);
    }
    return true;
}

JsonWriter& JsonWriter::value_fixed(double number, int decimals) {
    separator();
    if (!std::isfinite(number)) {
        m_out += "null";
        return *this;
    }
    if (append_fixed_fast(number, decimals)) return *this;
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
