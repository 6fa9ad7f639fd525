#include "services/search_service.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/core.h>

#include "geo/distance.hpp"
#include "model/camera.hpp"
#include "search/text.hpp"

namespace sightline::services {
namespace {

constexpr int candidate_limit = 300;
constexpr int typo_scan_limit = 20'000;

// How much a kind of hit is worth when the text matches equally well: with a house number an
// address is what was meant; otherwise streets and places before shops.
double kind_weight(model::PlaceKind kind, bool has_housenumber) {
    switch (kind) {
        case model::PlaceKind::address:
            return has_housenumber ? 3.0 : 0.5;
        case model::PlaceKind::street:
            return 2.0;
        case model::PlaceKind::place:
            return 2.5;
        case model::PlaceKind::poi:
            return 1.0;
    }
    return 0;
}

double place_importance(const model::Place& place) {
    if (place.kind != model::PlaceKind::place) return 0;
    if (place.type == "city") return 1.5;
    if (place.type == "town") return 1.0;
    if (place.type == "suburb" || place.type == "city_district" || place.type == "borough")
        return 0.6;
    return 0.2;
}

// The place's name in the script of the query: a Cyrillic query shows a Cyrillic name the map has
// (or Serbian transliteration of a Latin one that has no other form), a Latin query a Latin one.
std::string name_in_script(const model::Place& place, search::Script script) {
    if (search::dominant_script(place.name) == script) return place.name;
    for (const auto& n : place.names)
        if (search::dominant_script(n) == script && search::fold(n) == search::fold(place.name))
            return n;
    return script == search::Script::latin ? search::serbian_to_latin(place.name)
                                           : search::serbian_to_cyrillic(place.name);
}

std::string label_of(const model::Place& place, const std::string& name, search::Script script) {
    // What a point of interest is (its `type`, an OSM word in English) stays out of the label:
    // the label is shown in any language; clients word the kind and type themselves.
    std::string label = name;
    if (place.kind == model::PlaceKind::poi && !place.street.empty()) {
        const auto street = script == search::Script::latin
                                ? search::serbian_to_latin(place.street)
                                : search::serbian_to_cyrillic(place.street);
        label += fmt::format(", {} {}", street, place.housenumber);
    } else if (!place.context.empty()) {
        label += ", ";
        label += script == search::Script::latin ? search::serbian_to_latin(place.context)
                                                 : search::serbian_to_cyrillic(place.context);
    }
    return label;
}

SearchHit hit_of(const model::Place& place, search::Script script) {
    SearchHit hit;
    hit.kind = std::string(model::to_string(place.kind));
    if (place.kind == model::PlaceKind::address) {
        const auto street = script == search::Script::latin
                                ? search::serbian_to_latin(place.street)
                                : search::serbian_to_cyrillic(place.street);
        hit.name = fmt::format(
            "{} {}", search::dominant_script(place.street) == script ? place.street : street,
            place.housenumber);
    } else {
        hit.name = name_in_script(place, script);
    }
    hit.label = label_of(place, hit.name, script);
    hit.type = place.type;
    hit.location = place.location;
    hit.street = place.street;
    hit.housenumber = place.housenumber;
    return hit;
}

// Whether the query names the whole of one of the place's names, not just part of a longer one:
// "Avis" is the shop called Avis before the street "Rua de Avis". Exact: +1.5; with the last word
// unfinished: +0.75. `asked`: the query's words and house number; `names`: the index words of
// each of the place's names.
double completeness(const std::vector<std::string>& asked,
                    const std::vector<std::vector<std::string>>& names, bool prefix) {
    double best = 0;
    for (const auto& words : names) {
        if (words.empty()) continue;
        bool used_prefix = false;
        bool covered = true;
        for (const auto& w : words) {
            if (std::find(asked.begin(), asked.end(), w) != asked.end()) continue;
            if (prefix && !asked.empty() && w.starts_with(asked.back())) {
                used_prefix = true;
                continue;
            }
            covered = false;
            break;
        }
        if (covered) best = std::max(best, used_prefix ? 0.75 : 1.5);
    }
    return best;
}

std::optional<std::int64_t> camera_number(std::string_view text) {
    if (!text.empty() && text.front() == '#') text.remove_prefix(1);
    if (text.empty() || text.size() > 18) return std::nullopt;
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc{} || end != text.data() + text.size() || id <= 0) return std::nullopt;
    return id;
}

}  // namespace

SearchService::SearchService(store::Store& store, store::MapStore& map, SearchLimits limits)
    : m_store(store), m_map(map), m_limits(limits) {}

std::vector<std::vector<std::string>> SearchService::with_typos(
    const std::vector<std::string>& words, bool last_is_prefix) {
    // Bounded work for any text: typos are looked for in the first few long words only, with a
    // few variants each (a 200-byte query of made-up words must not scan the vocabulary 40 times).
    constexpr int max_typo_words = 6;
    constexpr std::size_t max_variants = 16;
    std::vector<std::vector<std::string>> out;
    int typo_words = 0;
    for (std::size_t i = 0; i < words.size(); ++i) {
        std::vector<std::string> alternatives{words[i]};
        const bool prefix = last_is_prefix && i + 1 == words.size();
        if (!prefix && search::typo_allowed(words[i]) && typo_words++ < max_typo_words) {
            // Candidates share the first letter, or the second (a swap of the first two).
            std::vector<std::string> firsts{words[i].substr(0, 1)};
            if (words[i].size() > 1 && words[i][1] != words[i][0])
                firsts.push_back(words[i].substr(1, 1));
            for (const auto& first : firsts) {
                std::string end = first;
                end.back() = static_cast<char>(end.back() + 1);
                for (auto& term : m_map.place_words_between(first, end, typo_scan_limit))
                    if (alternatives.size() <= max_variants && term != words[i] &&
                        search::within_one_edit(term, words[i]))
                        alternatives.push_back(std::move(term));
            }
        }
        out.push_back(std::move(alternatives));
    }
    return out;
}

std::vector<SearchService::Ranked> SearchService::rank(const search::Query& query,
                                                       const SearchRequest& request) {
    std::vector<std::string> words = query.words;
    if (!query.housenumber.empty()) words.push_back(query.housenumber);
    // The house number is matched exactly: it is never the word being typed.
    const bool prefix = query.last_is_prefix && query.housenumber.empty();
    std::vector<Ranked> ranked;
    if (words.empty()) return ranked;

    // A short unfinished last word ("Thalkirchner Str", "Levi's") matches a large part of the
    // index as a prefix: the other words find the candidates, and match_score() checks the
    // prefix on them. Alone, one letter is a word, not a prefix.
    std::vector<std::string> fts_words = words;
    bool fts_prefix = prefix;
    if (prefix && fts_words.back().size() <= 3 && fts_words.size() > 1) {
        fts_words.pop_back();
        fts_prefix = false;
    } else if (prefix && fts_words.size() == 1 && fts_words.back().size() < 2) {
        fts_prefix = false;
    }
    store::PlaceQuery place_query;
    for (const auto& w : fts_words)
        place_query.words.push_back({w});
    place_query.last_is_prefix = fts_prefix;
    place_query.limit = candidate_limit;
    place_query.near = request.near;
    // A few hits around the point are what a user near it means; a country-wide ranked search
    // (milliseconds at country scale) only when there are fewer.
    place_query.enough_near = std::min(request.limit, 3);
    auto places = m_map.find_places(place_query);
    // Typos are looked for only when the words as typed find (almost) nothing.
    if (static_cast<int>(places.size()) < std::min(request.limit, 3)) {
        place_query.words = with_typos(fts_words, fts_prefix);
        if (std::any_of(place_query.words.begin(), place_query.words.end(),
                        [](const auto& a) { return a.size() > 1; }))
            places = m_map.find_places(place_query);
    }

    const search::Query words_only{query.words, "", prefix};
    std::vector<std::string> asked = query.words;
    if (!query.housenumber.empty()) asked.push_back(query.housenumber);
    for (auto& place : places) {
        if (!query.housenumber.empty()) {
            const auto numbers = search::housenumber_list(place.housenumber);
            if (std::find(numbers.begin(), numbers.end(), query.housenumber) == numbers.end())
                continue;
        }
        // Each name folded once: for the match and for whether the query covers a whole name.
        std::vector<std::vector<std::string>> words_per_name;
        words_per_name.push_back(search::index_words(place.name));
        for (const auto& n : place.names)
            words_per_name.push_back(search::index_words(n));
        std::vector<std::string> name_words;
        for (const auto& words : words_per_name)
            name_words.insert(name_words.end(), words.begin(), words.end());
        auto score = search::match_score(words_only, name_words);
        if (!score && !place.street.empty()) {
            // Found through its address only (a shop on the street asked for): after the
            // street itself, unless the house number says that address was meant.
            for (auto& w : search::index_words(place.street))
                name_words.push_back(std::move(w));
            score = search::match_score(words_only, name_words);
            if (score && query.housenumber.empty()) *score -= 1.5;
        }
        if (!score && query.words.empty()) score = 0;  // a bare number: house numbers only
        if (!score) continue;
        double total = *score + kind_weight(place.kind, !query.housenumber.empty()) +
                       place_importance(place) + completeness(asked, words_per_name, prefix);
        double distance = -1;
        if (request.near) {
            distance = geo::distance_m(*request.near, place.location);
            total -= 0.6 * std::log1p(distance / 1000.0);  // 1 km: -0.4, 10 km: -1.4, 100 km: -2.8
        }
        ranked.push_back({total, distance, std::move(place)});
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const Ranked& a, const Ranked& b) { return a.score > b.score; });
    return ranked;
}

Result<std::vector<SearchHit>> SearchService::search(const SearchRequest& request) {
    std::string_view text = request.text;
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    if (text.empty()) return fail(Errc::invalid_argument, "'q' must not be empty");
    if (text.size() > m_limits.max_text_bytes)
        return fail(Errc::invalid_argument,
                    fmt::format("'q' is longer than {} bytes", m_limits.max_text_bytes));
    if (request.limit < 1 || request.limit > m_limits.max_results)
        return fail(Errc::invalid_argument,
                    fmt::format("'limit' must be from 1 to {}", m_limits.max_results));

    std::vector<SearchHit> hits;
    if (auto id = camera_number(text)) {
        if (auto camera = m_store.find_camera(model::CameraId{*id})) {
            SearchHit hit;
            hit.kind = "camera";
            hit.camera_id = camera->id.value;
            hit.name = fmt::format("#{}", camera->id.value);
            hit.type = model::camera_kind(camera->tags);
            hit.label = fmt::format("Camera #{} ({})", camera->id.value, hit.type);
            hit.location = camera->location;
            hits.push_back(std::move(hit));
        }
    }

    const auto parsed = search::parse_query(text);
    const auto script = search::dominant_script(text);
    auto ranked = rank(parsed, request);
    if (ranked.empty() && !parsed.housenumber.empty()) {
        // "Cruzeiro das 6 pontes", "Hospedaria 31 de Janeiro": the number was part of a name.
        search::Query as_words = parsed;
        as_words.words.push_back(parsed.housenumber);
        as_words.housenumber.clear();
        as_words.last_is_prefix = false;
        ranked = rank(as_words, request);
    }
    for (const auto& r : ranked) {
        if (static_cast<int>(hits.size()) >= request.limit) break;
        SearchHit hit = hit_of(r.place, script);
        // One hit per thing: the same name and kind within 50 m is a duplicate (an address on a
        // node and on its building).
        const bool duplicate = std::any_of(hits.begin(), hits.end(), [&](const SearchHit& h) {
            return h.kind == hit.kind && h.name == hit.name &&
                   geo::distance_m(h.location, hit.location) < 50;
        });
        if (duplicate) continue;
        if (r.distance_m >= 0) hit.distance_m = r.distance_m;
        hits.push_back(std::move(hit));
    }
    return hits;
}

Result<SearchHit> SearchService::reverse(geo::LatLon point) {
    if (!point.is_valid()) return fail(Errc::invalid_argument, "not a valid position");
    const auto near = m_map.places_near(point, m_limits.reverse_radius_m, 200);
    const model::Place* best = nullptr;
    for (const auto kind : {model::PlaceKind::address, model::PlaceKind::street,
                            model::PlaceKind::place, model::PlaceKind::poi}) {
        for (const auto& p : near)
            if (p.kind == kind) {
                best = &p;
                break;
            }
        if (best) break;
    }
    if (!best)
        return fail(Errc::not_found,
                    fmt::format("no address or street within {:.0f} m", m_limits.reverse_radius_m));
    auto hit = hit_of(*best, search::dominant_script(best->name));
    hit.distance_m = geo::distance_m(point, best->location);
    return hit;
}

}  // namespace sightline::services
