#include "store/encoding/place_words.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include <fmt/core.h>

#include "search/text.hpp"

namespace sightline::store::encoding {

std::pair<int, int> place_cell(geo::LatLon p) {
    return {static_cast<int>(std::floor((p.lat + 90) / place_cell_deg)),
            static_cast<int>(std::floor((p.lon + 180) / place_cell_deg))};
}

std::string place_cell_word(int row, int column) {
    return fmt::format("{}{}x{}", cell_word_prefix, row, column);
}

std::array<std::string, 4> cell_words_near(geo::LatLon p) {
    const auto [row, column] = place_cell(p);
    const double lat_in = (p.lat + 90) / place_cell_deg - row;
    const double lon_in = (p.lon + 180) / place_cell_deg - column;
    const int other_row = row + (lat_in < 0.5 ? -1 : 1);
    const int other_column = column + (lon_in < 0.5 ? -1 : 1);
    return {place_cell_word(row, column), place_cell_word(other_row, column),
            place_cell_word(row, other_column), place_cell_word(other_row, other_column)};
}

bool is_landmark_place(const model::Place& place) {
    static constexpr std::array<std::string_view, 11> types{
        "city",   "town",  "village",      "suburb", "city_district", "borough",
        "county", "state", "municipality", "island", "country"};
    return place.kind == model::PlaceKind::place &&
           std::find(types.begin(), types.end(), place.type) != types.end();
}

std::string place_words(const model::Place& place) {
    std::vector<std::string> words;
    auto add = [&words](std::string_view text) {
        for (auto& w : search::index_words(text))
            if (std::find(words.begin(), words.end(), w) == words.end())
                words.push_back(std::move(w));
    };
    add(place.name);
    for (const auto& n : place.names)
        add(n);
    if (!place.street.empty()) add(place.street);
    for (auto& number : search::housenumber_list(place.housenumber))
        if (std::find(words.begin(), words.end(), number) == words.end())
            words.push_back(std::move(number));
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) out += ' ';
        out += w;
    }
    if (!out.empty()) {
        const auto [row, column] = place_cell(place.location);
        out += ' ';
        out += place_cell_word(row, column);
        if (is_landmark_place(place)) {
            out += ' ';
            out += landmark_word;
        }
    }
    return out;
}

std::string place_names_column(const model::Place& place) {
    std::string names;
    for (const auto& n : place.names) {
        if (n == place.name) continue;  // read_place_names() gives the name back first
        if (!names.empty()) names += '\n';
        for (char c : n)
            names += c == '\n' ? ' ' : c;
    }
    return names;
}

model::PreparedPlace prepare_place(model::Place place) {
    model::PreparedPlace out;
    if (place.location.is_valid() && !place.name.empty()) {
        out.words = place_words(place);
        if (!out.words.empty()) out.names = place_names_column(place);
    }
    out.place = std::move(place);
    return out;
}

void read_place_names(model::Place& place, std::string_view names) {
    if (place.kind != model::PlaceKind::address) place.names.push_back(place.name);
    while (!names.empty()) {
        const auto end = names.find('\n');
        if (end != 0) place.names.emplace_back(names.substr(0, end));
        if (end == std::string_view::npos) break;
        names.remove_prefix(end + 1);
    }
}

model::PlaceKind place_kind_from(std::string_view text) {
    if (text == "address") return model::PlaceKind::address;
    if (text == "street") return model::PlaceKind::street;
    if (text == "place") return model::PlaceKind::place;
    return model::PlaceKind::poi;
}

}  // namespace sightline::store::encoding
