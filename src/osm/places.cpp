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
    StreetPlaceBuilder builder(gap_m);
    for (const auto& street : streets)
        builder.add(street);
    return builder.places();
}

void StreetPlaceBuilder::add(const model::Street& street) {
    if (street.name.empty() || street.points.size() < 2) return;
    Piece piece;
    const auto& points = street.points;
    piece.probes = {points.front(), points[points.size() / 2], points.back()};
    for (std::size_t k = 1; k < points.size(); ++k)
        piece.length_m += geo::distance_m(points[k - 1], points[k]);
    auto known = std::find(m_highways.begin(), m_highways.end(), street.highway);
    piece.highway = static_cast<std::uint32_t>(known - m_highways.begin());
    if (known == m_highways.end()) m_highways.push_back(street.highway);
    auto it = m_by_name.find(std::string_view(street.name));
    if (it == m_by_name.end()) it = m_by_name.emplace(street.name, std::vector<Piece>{}).first;
    it->second.push_back(piece);
}

std::vector<model::Place> StreetPlaceBuilder::places() const {
    // Pieces by name; then, within a name, groups of pieces that reach each other within gap_m
    // (union-find over pieces, compared by their end points and middles).
    const double gap_m = m_gap_m;
    std::vector<model::Place> out;
    for (const auto& [name, pieces] : m_by_name) {
        const std::size_t n = pieces.size();
        std::vector<std::size_t> parent(n);
        for (std::size_t i = 0; i < n; ++i)
            parent[i] = i;
        auto find = [&parent](std::size_t i) {
            while (parent[i] != i)
                i = parent[i] = parent[parent[i]];
            return i;
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
            for (const auto& p : pieces[i].probes) {
                const auto cell = cell_of(p);
                auto& here = grid[cell];
                if (here.empty() || here.back() != i) here.push_back(i);
            }
        for (std::size_t i = 0; i < n; ++i) {
            for (const auto& p : pieces[i].probes) {
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
                            for (const auto& q : pieces[j].probes)
                                near = near || geo::distance_m(p, q) <= gap_m;
                            if (near) parent[find(i)] = find(j);
                        }
                    }
            }
        }
        std::map<std::size_t, std::vector<const Piece*>> groups;
        for (std::size_t i = 0; i < n; ++i)
            groups[find(i)].push_back(&pieces[i]);
        for (const auto& [root, group] : groups) {
            const Piece* longest = group.front();
            double longest_m = -1;
            for (const auto* piece : group) {
                if (piece->length_m > longest_m) {
                    longest_m = piece->length_m;
                    longest = piece;
                }
            }
            model::Place place;
            place.kind = model::PlaceKind::street;
            place.type = m_highways[longest->highway];
            place.name = name;
            place.location = longest->probes[1];
            out.push_back(std::move(place));
        }
    }
    return out;
}

namespace {

// Reach of each kind of place, smallest kinds first: the smallest place whose reach covers a
// point names its surroundings (the quarter rather than the city it is in).
struct Reach {
    std::string_view type;
    double metres;
};
constexpr std::array<Reach, 9> reach{{{"neighbourhood", 1000},
                                      {"quarter", 1500},
                                      {"hamlet", 1000},
                                      {"suburb", 3000},
                                      {"village", 2500},
                                      {"city_district", 4000},
                                      {"borough", 4000},
                                      {"town", 5000},
                                      {"city", 10000}}};

std::optional<std::size_t> rank_of(std::string_view type) {
    for (std::size_t i = 0; i < reach.size(); ++i)
        if (reach[i].type == type) return i;
    return std::nullopt;
}

std::int64_t grid_key(std::int64_t a, std::int64_t b) {
    return (a << 32) ^ (b & 0xffffffff);
}

}  // namespace

void add_context(std::vector<model::Place>& places, double radius_m) {
    PlaceContext context(radius_m);
    for (const auto& p : places)
        context.consider(p);
    for (auto& p : places)
        context.fill(p);
}

void PlaceContext::consider(const model::Place& place) {
    if (place.kind != model::PlaceKind::place) return;
    auto rank = rank_of(place.type);
    if (!rank) return;
    const double cell_deg = std::min(m_radius_m, reach.back().metres) / 111'000.0;
    auto cell = [cell_deg](double degrees) {
        return static_cast<std::int64_t>(std::floor(degrees / cell_deg));
    };
    m_grid[grid_key(cell(place.location.lat), cell(place.location.lon))].push_back(
        m_candidates.size());
    m_candidates.push_back({place.name, place.location, *rank});
}

void PlaceContext::fill(model::Place& p) const {
    if (m_candidates.empty()) return;
    const double cell_deg = std::min(m_radius_m, reach.back().metres) / 111'000.0;
    auto cell = [cell_deg](double degrees) {
        return static_cast<std::int64_t>(std::floor(degrees / cell_deg));
    };
    const auto lat = cell(p.location.lat);
    const auto lon = cell(p.location.lon);
    const Candidate* best = nullptr;
    double best_m = 0;
    // A degree of longitude is shorter than one of latitude: look one more cell east and west.
    for (std::int64_t dlat = -1; dlat <= 1; ++dlat)
        for (std::int64_t dlon = -2; dlon <= 2; ++dlon) {
            auto it = m_grid.find(grid_key(lat + dlat, lon + dlon));
            if (it == m_grid.end()) continue;
            for (std::size_t index : it->second) {
                const Candidate& area = m_candidates[index];
                // The same name also leaves out the place itself.
                if (area.name == p.name) continue;
                const double d = geo::distance_m(p.location, area.location);
                if (d > std::min(reach[area.rank].metres, m_radius_m)) continue;
                if (!best || area.rank < best->rank || (area.rank == best->rank && d < best_m)) {
                    best = &area;
                    best_m = d;
                }
            }
        }
    if (best) p.context = best->name;
}

}  // namespace sightline::osm
