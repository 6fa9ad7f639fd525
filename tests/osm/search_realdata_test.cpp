// Search on the real extracts (issue 15): addresses and named places sampled from the files
// themselves with osmium-tool, queried over HTTP from a server on the imported extract. An
// address ("street number") or a name that occurs once in the file must come first, within 30 m
// of where the file puts it, for at least 95 % of the sample. Belgrade: the same in Latin.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "geo/distance.hpp"
#include "osm/realdata_support.hpp"
#include "search/text.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace sightline {
namespace {

namespace fs = std::filesystem;
using testing::HttpClient;
using testing::run_cli;
using testing::run_program;
using testing::ServerProcess;
using testing::TempDir;

std::string osmium_program() {
    return osm_realdata::find_program("osmium");
}

// "%20%" escapes of OPL back to UTF-8.
std::string opl_decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        const auto end = text.find('%', i + 1);
        if (end == std::string_view::npos) break;
        const auto code = static_cast<std::uint32_t>(
            std::stoul(std::string(text.substr(i + 1, end - i - 1)), nullptr, 16));
        if (code < 0x80) {
            out += static_cast<char>(code);
        } else if (code < 0x800) {
            out += static_cast<char>(0xC0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else if (code < 0x10000) {
            out += static_cast<char>(0xE0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (code >> 18));
            out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        }
        i = end;
    }
    return out;
}

// One object of an OPL listing: its type ('n', 'w', 'r'), tags, and a node's location.
struct OplObject {
    char type = 'n';
    std::map<std::string, std::string> tags;
    std::optional<geo::LatLon> location;
};

// The objects of `osmium tags-filter FILE FILTER -f opl -R` (without the nodes of matched ways).
std::vector<OplObject> objects_with(const fs::path& file, const std::string& filter) {
    auto result = run_program(osmium_program(), {"tags-filter", file.string(), filter, "-f", "opl",
                                                 "-o", "-", "--no-progress", "-R"});
    std::vector<OplObject> objects;
    if (result.exit_code != 0) {
        ADD_FAILURE() << "osmium tags-filter " << filter << " exited " << result.exit_code << ": "
                      << result.err;
        return objects;
    }
    std::istringstream lines(result.out);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty()) continue;
        OplObject object;
        object.type = line[0];
        std::optional<double> x, y;
        std::istringstream fields(line);
        std::string field;
        while (fields >> field) {
            if (field[0] == 'T' && field.size() > 1) {
                std::string_view rest(field);
                rest.remove_prefix(1);
                while (!rest.empty()) {
                    const auto comma = rest.find(',');
                    const auto pair = rest.substr(0, comma);
                    const auto eq = pair.find('=');
                    if (eq != std::string_view::npos)
                        object.tags[opl_decode(pair.substr(0, eq))] =
                            opl_decode(pair.substr(eq + 1));
                    if (comma == std::string_view::npos) break;
                    rest.remove_prefix(comma + 1);
                }
            } else if (field[0] == 'x' && field.size() > 1) {
                x = std::stod(field.substr(1));
            } else if (field[0] == 'y' && field.size() > 1) {
                y = std::stod(field.substr(1));
            }
        }
        if (x && y) object.location = geo::LatLon{*y, *x};
        objects.push_back(std::move(object));
    }
    return objects;
}

std::string url_encode(std::string_view text) {
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_')
            out += static_cast<char>(c);
        else
            out += fmt::format("%{:02X}", c);
    }
    return out;
}

struct Probe {
    std::string query;
    geo::LatLon expected;
};

// Share of probes whose first hit lies within 30 m of the expected point.
double share_found(HttpClient& client, const std::vector<Probe>& probes,
                   std::vector<std::string>& misses) {
    int found = 0;
    for (const auto& probe : probes) {
        auto response = client.get("/api/v1/search?limit=1&q=" + url_encode(probe.query));
        if (response.status != 200) {
            misses.push_back(fmt::format("{} -> {}", probe.query, response.status));
            continue;
        }
        const auto features = response.json()["features"];
        if (!features.empty()) {
            const auto& c = features[0]["geometry"]["coordinates"];
            const double d =
                geo::distance_m({c[1].get<double>(), c[0].get<double>()}, probe.expected);
            if (d <= 30) {
                ++found;
                continue;
            }
            misses.push_back(fmt::format("{} -> {} ({:.0f} m)", probe.query,
                                         features[0]["properties"]["label"].get<std::string>(), d));
        } else {
            misses.push_back(probe.query + " -> nothing");
        }
    }
    return probes.empty() ? 1.0 : static_cast<double>(found) / static_cast<double>(probes.size());
}

// Every k-th element, at most `count`.
template <class T>
std::vector<T> sample(const std::vector<T>& all, std::size_t count) {
    if (all.size() <= count) return all;
    std::vector<T> out;
    const double step = static_cast<double>(all.size()) / static_cast<double>(count);
    for (std::size_t i = 0; i < count; ++i)
        out.push_back(all[static_cast<std::size_t>(static_cast<double>(i) * step)]);
    return out;
}

class RealDataSearch : public ::testing::TestWithParam<std::string> {};

TEST_P(RealDataSearch, AddressesAndUniqueNamesFromTheFileComeFirst) {
    const fs::path file = fs::path(SIGHTLINE_SHARED_DATA) / "osm" / GetParam();
    REQUIRE_OR_SKIP(fs::exists(file), "no " + file.string() + " (../shared/data)");
    REQUIRE_OR_SKIP(!osmium_program().empty(), "osmium-tool missing (apt-get install osmium-tool)");
    TempDir tmp;
    const auto data = tmp.path() / "data";
    auto imported = run_cli({"import", file.string(), "--data", data.string(), "--quiet"});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;

    // Addresses on nodes whose street and number occur once in the file (nodes, buildings and
    // other objects together). A list ("39;38") is asked for by its first number, as people do.
    auto first_number = [](const std::string& value) {
        return value.substr(0, value.find_first_of(";,"));
    };
    std::map<std::pair<std::string, std::string>, int> address_count;
    const auto addressed = objects_with(file, "nwr/addr:housenumber");
    for (const auto& object : addressed) {
        auto street = object.tags.find("addr:street");
        if (street == object.tags.end()) continue;
        const auto number = first_number(object.tags.at("addr:housenumber"));
        if (!number.empty())
            ++address_count[{search::fold(street->second), search::normalize_housenumber(number)}];
    }
    std::vector<Probe> address_probes;
    for (const auto& object : addressed) {
        auto street = object.tags.find("addr:street");
        if (object.type != 'n' || !object.location || street == object.tags.end()) continue;
        const auto number = first_number(object.tags.at("addr:housenumber"));
        if (address_count[{search::fold(street->second), search::normalize_housenumber(number)}] !=
            1)
            continue;
        address_probes.push_back({street->second + " " + number, *object.location});
    }
    address_probes = sample(address_probes, 150);

    // Places and points of interest on nodes whose name occurs once among all named objects
    // (ways and relations count too: a station node named like its square).
    std::map<std::string, int> name_count;
    for (const auto& object : objects_with(file, "nwr/name"))
        if (auto name = object.tags.find("name"); name != object.tags.end())
            ++name_count[search::fold(name->second)];
    std::vector<Probe> name_probes;
    for (const auto& object : objects_with(file, "n/place,amenity,shop,tourism")) {
        const auto name = object.tags.find("name");
        if (!object.location || name == object.tags.end() ||
            name_count[search::fold(name->second)] != 1)
            continue;
        if (search::index_words(name->second).empty()) continue;
        name_probes.push_back({name->second, *object.location});
    }
    name_probes = sample(name_probes, 150);
    ASSERT_GE(address_probes.size() + name_probes.size(), 20u) << "too little to sample";

    ServerProcess server(data, {"--report-rate", "0", "--no-access-log"});
    HttpClient client(server.port());
    std::vector<std::string> misses;
    const double addresses_found = share_found(client, address_probes, misses);
    const double names_found = share_found(client, name_probes, misses);
    std::string shown;
    for (std::size_t i = 0; i < misses.size() && i < 15; ++i)
        shown += "\n  " + misses[i];
    EXPECT_GE(addresses_found, 0.95) << address_probes.size() << " addresses; misses:" << shown;
    EXPECT_GE(names_found, 0.95) << name_probes.size() << " names; misses:" << shown;
    fmt::print("{}: {:.1f} % of {} addresses and {:.1f} % of {} names first within 30 m\n",
               GetParam(), 100 * addresses_found, address_probes.size(), 100 * names_found,
               name_probes.size());
    RecordProperty("addresses", static_cast<int>(address_probes.size()));
    RecordProperty("names", static_cast<int>(name_probes.size()));

    if (GetParam().starts_with("belgrade")) {
        // The same addresses typed in Latin.
        std::vector<Probe> latin;
        for (const auto& probe : address_probes)
            latin.push_back({search::serbian_to_latin(probe.query), probe.expected});
        std::vector<std::string> latin_misses;
        EXPECT_GE(share_found(client, latin, latin_misses), 0.95)
            << (latin_misses.empty() ? "" : latin_misses.front());
    }
}

INSTANTIATE_TEST_SUITE_P(Extracts, RealDataSearch,
                         ::testing::Values("munich_center.osm.pbf", "porto.osm.pbf",
                                           "helsinki_center.osm.pbf", "belgrade_center.osm"),
                         [](const auto& info) {
                             std::string name = info.param.substr(0, info.param.find('.'));
                             std::replace(name.begin(), name.end(), '_', ' ');
                             name.erase(std::remove(name.begin(), name.end(), ' '), name.end());
                             return name;
                         });

}  // namespace
}  // namespace sightline
