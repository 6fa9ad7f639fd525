#include "store/encoding/json_columns.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <optional>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/json_string.hpp"

namespace sightline::store::encoding {
namespace {

void append_utf8(std::string& out, unsigned long cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// A cursor over JSON text for the fast path. Every method returns false on anything it does
// not handle; the caller then falls back to nlohmann::json.
class FastReader {
  public:
    explicit FastReader(std::string_view text) : m_text(text) {}

    void skip_space() {
        while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\n' ||
                                         m_text[m_pos] == '\r' || m_text[m_pos] == '\t'))
            ++m_pos;
    }
    bool consume(char c) {
        skip_space();
        if (m_pos < m_text.size() && m_text[m_pos] == c) {
            ++m_pos;
            return true;
        }
        return false;
    }
    bool at_end() {
        skip_space();
        return m_pos == m_text.size();
    }

    // Reads a string. Without escapes (the common case) `out` views the JSON text itself;
    // otherwise the unescaped bytes are built in `scratch` and `out` views that.
    bool read_string(std::string_view& out, std::string& scratch) {
        if (!consume('"')) return false;
        std::size_t start = m_pos;
        std::size_t end = find_special(m_pos);
        if (end == std::string_view::npos) return false;
        if (m_text[end] == '"') {
            out = m_text.substr(start, end - start);
            m_pos = end + 1;
            return true;
        }
        scratch.assign(m_text.data() + start, end - start);
        m_pos = end;
        while (true) {
            std::size_t next = find_special(m_pos);
            if (next == std::string_view::npos) return false;
            scratch.append(m_text.data() + m_pos, next - m_pos);
            m_pos = next + 1;
            if (m_text[next] == '"') {
                out = scratch;
                return true;
            }
            if (!read_escape(scratch)) return false;
        }
    }

    bool read_number(double& value) {
        skip_space();
        const char* first = m_text.data() + m_pos;
        const char* last = m_text.data() + m_text.size();
        auto [ptr, ec] = std::from_chars(first, last, value);
        if (ec != std::errc{} || ptr == first) return false;
        m_pos += static_cast<std::size_t>(ptr - first);
        return true;
    }

  private:
    bool read_hex4(unsigned long& value) {
        if (m_text.size() - m_pos < 4) return false;
        value = 0;
        for (int i = 0; i < 4; ++i) {
            char h = m_text[m_pos++];
            value <<= 4;
            if (h >= '0' && h <= '9') {
                value |= static_cast<unsigned long>(h - '0');
            } else if (h >= 'a' && h <= 'f') {
                value |= static_cast<unsigned long>(h - 'a' + 10);
            } else if (h >= 'A' && h <= 'F') {
                value |= static_cast<unsigned long>(h - 'A' + 10);
            } else {
                return false;
            }
        }
        return true;
    }

    bool read_escape(std::string& out) {
        if (m_pos >= m_text.size()) return false;
        switch (m_text[m_pos++]) {
            case '"':
                out += '"';
                return true;
            case '\\':
                out += '\\';
                return true;
            case '/':
                out += '/';
                return true;
            case 'b':
                out += '\b';
                return true;
            case 'f':
                out += '\f';
                return true;
            case 'n':
                out += '\n';
                return true;
            case 'r':
                out += '\r';
                return true;
            case 't':
                out += '\t';
                return true;
            case 'u': {
                unsigned long cp = 0;
                if (!read_hex4(cp)) return false;
                if (cp >= 0xDC00 && cp <= 0xDFFF) return false;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    unsigned long low = 0;
                    if (m_text.substr(m_pos, 2) != "\\u") return false;
                    m_pos += 2;
                    if (!read_hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                }
                append_utf8(out, cp);
                return true;
            }
            default:
                return false;
        }
    }

    // Index of the next '"' or '\\' at or after `from`, or npos.
    std::size_t find_special(std::size_t from) const noexcept {
        for (std::size_t i = from; i < m_text.size(); ++i)
            if (m_text[i] == '"' || m_text[i] == '\\') return i;
        return std::string_view::npos;
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
};

std::optional<model::Tags> fast_read_tags(std::string_view json) {
    FastReader in(json);
    model::Tags tags;
    if (!in.consume('{')) return std::nullopt;
    if (in.consume('}')) return in.at_end() ? std::optional(std::move(tags)) : std::nullopt;
    std::string key_scratch;
    std::string value_scratch;
    std::string_view key;
    std::string_view value;
    do {
        if (!in.read_string(key, key_scratch) || !in.consume(':') ||
            !in.read_string(value, value_scratch))
            return std::nullopt;
        // Our writer emits sorted keys, so the end hint makes each insert O(1).
        tags.emplace_hint(tags.end(), key, value);
    } while (in.consume(','));
    if (!in.consume('}') || !in.at_end()) return std::nullopt;
    return tags;
}

std::optional<std::vector<double>> fast_read_directions(std::string_view json) {
    FastReader in(json);
    std::vector<double> out;
    if (!in.consume('[')) return std::nullopt;
    if (in.consume(']')) return in.at_end() ? std::optional(std::move(out)) : std::nullopt;
    do {
        double value = 0;
        if (!in.read_number(value)) return std::nullopt;
        out.push_back(value);
    } while (in.consume(','));
    if (!in.consume(']') || !in.at_end()) return std::nullopt;
    return out;
}

}  // namespace

std::string write_tags(const model::Tags& tags) {
    std::string out;
    std::size_t size = 2;
    for (const auto& [key, value] : tags)
        size += key.size() + value.size() + 6;
    out.reserve(size);
    out += '{';
    bool first = true;
    for (const auto& [key, value] : tags) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, key);
        out += ':';
        append_json_string(out, value);
    }
    out += '}';
    return out;
}

model::Tags read_tags(std::string_view json) {
    if (auto fast = fast_read_tags(json)) return std::move(*fast);
    auto parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded() || !parsed.is_object())
        throw sightline::Exception(
            fmt::format("corrupt tags column: not a JSON object: {:.80}", json));
    model::Tags tags;
    for (const auto& [key, value] : parsed.items())
        tags.insert_or_assign(
            key, value.is_string()
                     ? value.get<std::string>()
                     : value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return tags;
}

std::string write_directions(const std::vector<double>& directions_deg) {
    std::string out = "[";
    for (double d : directions_deg) {
        if (!std::isfinite(d)) continue;
        if (out.size() > 1) out += ',';
        out += fmt::format("{}", d);
    }
    out += ']';
    return out;
}

std::vector<double> read_directions(std::string_view json) {
    if (auto fast = fast_read_directions(json)) return std::move(*fast);
    auto parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded() || !parsed.is_array())
        throw sightline::Exception(
            fmt::format("corrupt directions column: not a JSON array: {:.80}", json));
    std::vector<double> out;
    for (const auto& value : parsed) {
        if (!value.is_number())
            throw sightline::Exception("corrupt directions column: not a number in the array");
        out.push_back(value.get<double>());
    }
    return out;
}

std::optional<std::vector<model::ReportId>> read_id_list(std::string_view text) {
    std::vector<model::ReportId> ids;
    const char* p = text.data();
    const char* end = text.data() + text.size();
    while (p < end) {
        std::int64_t value = 0;
        auto [next, ec] = std::from_chars(p, end, value);
        if (ec != std::errc{}) return std::nullopt;
        ids.push_back(model::ReportId{value});
        p = next;
        if (p < end && *p == ',') ++p;
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

}  // namespace sightline::store::encoding
