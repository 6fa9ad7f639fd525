#include "osm/places.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>

#include "geo/distance.hpp"

namespace sightline::osm {
namespace {

std::string_view value_of(const TagPairs& tags, std::string_view key) {
    for (const auto& [k, v] : tags)
        if (k == key) return v;
    return {};
}

bool one_of(std::string_view value, std::initializer_list<std::string_view> options) {
    return std::find(options.begin(), options.end(), value) != options.end();
}

// Keys whose values are other names of the same thing.
bool is_name_key(std::string_view key) {
    return key == "name" || key.starts_with("name:") || key == "alt_name" ||
           key.starts_with("alt_name:") || key == "old_name" || key.starts_with("old_name:") ||
           key == "official_name" || key.starts_with("official_name:") || key == "short_name" ||
           key.starts_with("short_name:") || key == "loc_name" || key == "int_name";
}

void collect_names(const TagPairs& tags, std::vector<std::string>& names) {
    for (const auto& [key, value] : tags) {
        if (!is_name_key(key) || value.empty()) continue;
        // name:etymology, name:wikidata and such are not names.
        if (key.ends_with(":etymology") || key.ends_with(":wikidata") ||
            key.ends_with(":wikipedia") || key.ends_with(":pronunciation"))
            continue;
        // ';' separates several names in one value (alt_name=A;B).
        std::string_view rest = value;
        while (!rest.empty()) {
            const auto semi = rest.find(';');
            std::string_view part = rest.substr(0, semi);
            while (!part.empty() && part.front() == ' ')
                part.remove_prefix(1);
            while (!part.empty() && part.back() == ' ')
                part.remove_suffix(1);
            if (!part.empty() && std::find(names.begin(), names.end(), part) == names.end())
                names.emplace_back(part);
            if (semi == std::string_view::npos) break;
            rest.remove_prefix(semi + 1);
        }
    }
}

// The tag that makes named things points of interest, and its value as the place's type.
std::string_view poi_type(const TagPairs& tags) {
    for (std::string_view key : {"amenity", "shop", "tourism", "leisure", "historic", "office",
                                 "craft", "healthcare", "public_transport", "man_made"}) {
        const auto value = value_of(tags, key);
        if (value.empty() || value == "no") continue;
        if (key == "man_made" && value == "surveillance") continue;  // cameras are not places
        if (key == "public_transport" && value == "stop_position") continue;  // the platform is
        return value;
    }
    if (const auto railway = value_of(tags, "railway");
        one_of(railway, {"station", "halt", "tram_stop", "subway_entrance"}))
        return railway;
    if (const auto highway = value_of(tags, "highway"); highway == "bus_stop") return highway;
    if (const auto aeroway = value_of(tags, "aeroway"); one_of(aeroway, {"aerodrome", "terminal"}))
        return aeroway;
    if (const auto building = value_of(tags, "building");
        one_of(building,
               {"train_station", "church", "cathedral", "mosque", "synagogue", "temple", "hospital",
                "school", "university", "stadium", "government", "civic", "public", "museum"}))
        return building;
    return {};
}

}  // namespace

bool may_be_place(std::string_view key) {
    return key == "name" || key == "addr:housenumber";
}

std::optional<model::Place> place_from_tags(const TagPairs& tags) {
    const auto name = value_of(tags, "name");
    if (!name.empty()) {
        model::Place place;
        if (const auto kind = value_of(tags, "place"); !kind.empty()) {
            place.kind = model::PlaceKind::place;
            place.type = std::string(kind);
        } else if (const auto type = poi_type(tags); !type.empty()) {
            place.kind = model::PlaceKind::poi;
            place.type = std::string(type);
        } else {
            place.kind = model::PlaceKind::address;  // decided below: a named thing with no type
        }
        if (place.kind != model::PlaceKind::address) {
            place.name = std::string(name);
            collect_names(tags, place.names);
            // `names` holds the other names only: a country has millions of places.
            std::erase(place.names, place.name);
            // Its address finds it too ("Knez Mihailova 5" finds the cafe there).
            const auto number = value_of(tags, "addr:housenumber");
            auto street = value_of(tags, "addr:street");
            if (street.empty()) street = value_of(tags, "addr:place");
            if (!number.empty() && !street.empty() && number.size() <= 32) {
                place.housenumber = std::string(number);
                place.street = std::string(street);
            }
            return place;
        }
    }
    const auto number = value_of(tags, "addr:housenumber");
    auto street = value_of(tags, "addr:street");
    if (street.empty()) street = value_of(tags, "addr:place");
    if (number.empty() || street.empty() || number.size() > 32 || street.size() > 200)
        return std::nullopt;
    model::Place address;
    address.kind = model::PlaceKind::address;
    address.type = "address";
    address.housenumber = std::string(number);
    address.street = std::string(street);
    address.name = address.street + " " + address.housenumber;
    return address;
}

std::vector<model::Place> street_places(const std::vector<model::Street>& streets, double gap_m) {
    // Pieces by name; then, within a name, groups of pieces that reach each other within gap_m
    // (union-find over pieces, compared by their end points and middles).
    std::map<std::string_view, std::vector<const model::Street*>> by_name;
    for (const auto& street : streets)
        if (!street.name.empty() && street.points.size() >= 2)
            by_name[street.name].push_back(&street);

    std::vector<model::Place> out;
    for (const auto& [name, pieces] : by_name) {
        const std::size_t n = pieces.size();
        std::vector<std::size_t> parent(n);
        for (std::size_t i = 0; i < n; ++i)
            parent[i] = i;
        auto find = [&parent](std::size_t i) {
            while (parent[i] != i)
                i = parent[i] = parent[parent[i]];
            return i;
        };
        auto probes = [](const model::Street& s) {
            return std::array<geo::LatLon, 3>{s.points.front(), s.points[s.points.size() / 2],
                                              s.points.back()};
        };
        // Quadratic in the pieces of one name: a name has a few hundred pieces at most, except in
        // country-size files, where a coarse grid keeps it near linear.
        std::unordered_map<std::int64_t, std::vector<std::size_t>> grid;
        const double cell_deg = gap_m / 111'000.0 * 2;
        auto cell_of = [cell_deg](geo::LatLon p) {
            return (static_cast<std::int64_t>(std::floor(p.lat / cell_deg)) << 32) ^
                   static_cast<std::int64_t>(std::floor(p.lon / cell_deg) + 1e9);
        };
        for (std::size_t i = 0; i < n; ++i)
            for (const auto& p : probes(*pieces[i])) {
                const auto cell = cell_of(p);
                auto& here = grid[cell];
                if (here.empty() || here.back() != i) here.push_back(i);
            }
        for (std::size_t i = 0; i < n; ++i) {
            for (const auto& p : probes(*pieces[i])) {
                const auto base_lat = static_cast<std::int64_t>(std::floor(p.lat / cell_deg));
                const auto base_lon = std::floor(p.lon / cell_deg);
                for (int dlat = -1; dlat <= 1; ++dlat)
                    for (int dlon = -1; dlon <= 1; ++dlon) {
                        const auto cell = ((base_lat + dlat) << 32) ^
                                          static_cast<std::int64_t>(base_lon + dlon + 1e9);
                        auto it = grid.find(cell);
                        if (it == grid.end()) continue;
                        for (std::size_t j : it->second) {
                            if (find(i) == find(j)) continue;
                            bool near = false;
                            for (const auto& q : probes(*pieces[j]))
                                near = near || geo::distance_m(p, q) <= gap_m;
                            if (near) parent[find(i)] = find(j);
                        }
                    }
            }
        }
        std::map<std::size_t, std::vector<const model::Street*>> groups;
        for (std::size_t i = 0; i < n; ++i)
            groups[find(i)].push_back(pieces[i]);
        for (const auto& [root, group] : groups) {
            const model::Street* longest = group.front();
            double longest_m = -1;
            for (const auto* piece : group) {
                double length = 0;
                for (std::size_t k = 1; k < piece->points.size(); ++k)
                    length += geo::distance_m(piece->points[k - 1], piece->points[k]);
                if (length > longest_m) {
                    longest_m = length;
                    longest = piece;
                }
            }
            model::Place place;
            place.kind = model::PlaceKind::street;
            place.type = longest->highway;
            place.name = std::string(name);
            place.location = longest->points[longest->points.size() / 2];
            out.push_back(std::move(place));
        }
    }
    return out;
}

void add_context(std::vector<model::Place>& places, double radius_m) {
    // Reach of each kind of place, smallest kinds first: the smallest place whose reach covers a
    // point names its surroundings (the quarter rather than the city it is in).
    struct Reach {
        std::string_view type;
        double metres;
    };
    static constexpr std::array<Reach, 9> reach{{{"neighbourhood", 1000},
                                                 {"quarter", 1500},
                                                 {"hamlet", 1000},
                                                 {"suburb", 3000},
                                                 {"village", 2500},
                                                 {"city_district", 4000},
                                                 {"borough", 4000},
                                                 {"town", 5000},
                                                 {"city", 10000}}};
    auto rank_of = [](std::string_view type) -> std::optional<std::size_t> {
        for (std::size_t i = 0; i < reach.size(); ++i)
            if (reach[i].type == type) return i;
        return std::nullopt;
    };
    std::vector<std::pair<const model::Place*, std::size_t>> areas;
    for (const auto& p : places)
        if (p.kind == model::PlaceKind::place)
            if (auto rank = rank_of(p.type)) areas.emplace_back(&p, *rank);
    if (areas.empty()) return;
    const double largest_m = std::min(radius_m, reach.back().metres);
    const double cell_deg = largest_m / 111'000.0;
    std::unordered_map<std::int64_t, std::vector<std::pair<const model::Place*, std::size_t>>> grid;
    auto key = [](std::int64_t a, std::int64_t b) { return (a << 32) ^ (b & 0xffffffff); };
    auto cell = [cell_deg](double degrees) {
        return static_cast<std::int64_t>(std::floor(degrees / cell_deg));
    };
    for (const auto& area : areas)
        grid[key(cell(area.first->location.lat), cell(area.first->location.lon))].push_back(area);
    for (auto& p : places) {
        const auto lat = cell(p.location.lat);
        const auto lon = cell(p.location.lon);
        const model::Place* best = nullptr;
        std::size_t best_rank = 0;
        double best_m = 0;
        // A degree of longitude is shorter than one of latitude: look one more cell east and west.
        for (std::int64_t dlat = -1; dlat <= 1; ++dlat)
            for (std::int64_t dlon = -2; dlon <= 2; ++dlon) {
                auto it = grid.find(key(lat + dlat, lon + dlon));
                if (it == grid.end()) continue;
                for (const auto& [area, rank] : it->second) {
                    if (area == &p || area->name == p.name) continue;
                    const double d = geo::distance_m(p.location, area->location);
                    if (d > std::min(reach[rank].metres, radius_m)) continue;
                    if (!best || rank < best_rank || (rank == best_rank && d < best_m)) {
                        best = area;
                        best_rank = rank;
                        best_m = d;
                    }
                }
            }
        if (best) p.context = best->name;
    }
}

}  // namespace sightline::osm
