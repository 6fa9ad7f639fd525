// What the import makes searchable: places from tags, one place per street, the context label.

#include "osm/places.hpp"

#include <algorithm>

#include <gtest/gtest.h>

namespace sightline::osm {
namespace {

TEST(PlaceFromTags, AnAddressNeedsANumberAndAStreetOrPlace) {
    auto address = place_from_tags({{"addr:street", "Кнез Михаилова"}, {"addr:housenumber", "5"}});
    ASSERT_TRUE(address);
    EXPECT_EQ(address->kind, model::PlaceKind::address);
    EXPECT_EQ(address->name, "Кнез Михаилова 5");
    EXPECT_EQ(address->street, "Кнез Михаилова");
    EXPECT_EQ(address->housenumber, "5");
    auto on_a_place = place_from_tags({{"addr:place", "Ada Ciganlija"}, {"addr:housenumber", "2"}});
    ASSERT_TRUE(on_a_place);
    EXPECT_EQ(on_a_place->street, "Ada Ciganlija");
    EXPECT_FALSE(place_from_tags({{"addr:housenumber", "5"}}));
    EXPECT_FALSE(place_from_tags({{"addr:street", "Tal"}}));
}

TEST(PlaceFromTags, APointOfInterestKeepsEveryNameAndItsAddress) {
    auto cafe = place_from_tags({{"amenity", "cafe"},
                                 {"name", "Кафана"},
                                 {"name:sr-Latn", "Kafana"},
                                 {"alt_name", "Prva; Druga"},
                                 {"name:etymology:wikidata", "Q1"},
                                 {"addr:street", "Tal"},
                                 {"addr:housenumber", "12"}});
    ASSERT_TRUE(cafe);
    EXPECT_EQ(cafe->kind, model::PlaceKind::poi);
    EXPECT_EQ(cafe->type, "cafe");
    EXPECT_EQ(cafe->name, "Кафана");
    EXPECT_EQ(cafe->names, (std::vector<std::string>{"Kafana", "Prva", "Druga"}))
        << "the other names, without the name itself";
    EXPECT_EQ(cafe->street, "Tal");
    EXPECT_EQ(cafe->housenumber, "12");
}

TEST(PlaceFromTags, PlacesStopsAndStationsAreFoundButCamerasAndNamelessThingsAreNot) {
    auto suburb = place_from_tags({{"place", "suburb"}, {"name", "Vračar"}});
    ASSERT_TRUE(suburb);
    EXPECT_EQ(suburb->kind, model::PlaceKind::place);
    EXPECT_EQ(suburb->type, "suburb");
    auto stop = place_from_tags({{"highway", "bus_stop"}, {"name", "Slavija"}});
    ASSERT_TRUE(stop);
    EXPECT_EQ(stop->type, "bus_stop");
    EXPECT_FALSE(place_from_tags({{"man_made", "surveillance"}, {"name", "Cam"}}));
    EXPECT_FALSE(place_from_tags({{"name", "Just a name"}}));
    EXPECT_FALSE(place_from_tags({{"amenity", "bench"}}));
    EXPECT_FALSE(place_from_tags({}));
}

model::Street street(std::string name, geo::LatLon a, geo::LatLon b) {
    return model::Street{0, "residential", std::move(name), {a, b}};
}

TEST(StreetPlaces, PiecesOfOneStreetAreOnePlaceAndDistantNamesakesTwo) {
    std::vector<model::Street> streets{
        street("Knez Mihailova", {44.8150, 20.4590}, {44.8170, 20.4580}),
        street("Knez Mihailova", {44.8170, 20.4580}, {44.8190, 20.4570}),
        street("Dositejeva", {44.8020, 20.4420}, {44.8025, 20.4425}),
        street("Dositejeva", {44.8200, 20.4600}, {44.8205, 20.4605}),
        street("", {44.81, 20.45}, {44.82, 20.46}),
    };
    auto places = street_places(streets);
    auto count = [&places](std::string_view name) {
        return std::count_if(places.begin(), places.end(),
                             [&](const model::Place& p) { return p.name == name; });
    };
    EXPECT_EQ(count("Knez Mihailova"), 1);
    EXPECT_EQ(count("Dositejeva"), 2);
    EXPECT_EQ(places.size(), 3u) << "a nameless way is no street to find";
    for (const auto& p : places)
        EXPECT_EQ(p.kind, model::PlaceKind::street);
}

TEST(AddContext, TheNearestSmallPlaceNamesTheSurroundings) {
    std::vector<model::Place> places(4);
    places[0] = {model::PlaceKind::place, "Beograd", "", "", "city", {}, "", {44.8170, 20.4630}};
    places[1] = {model::PlaceKind::place, "Stari grad", "", "", "suburb", {}, "",
                 {44.8180, 20.4580}};
    places[2] = {model::PlaceKind::address, "Tal 1", "1", "Tal", "address", {}, "",
                 {44.8160, 20.4586}};
    places[3] = {model::PlaceKind::address, "Far 1", "1", "Far", "address", {}, "", {45.5, 21.5}};
    add_context(places);
    EXPECT_EQ(places[2].context, "Stari grad") << "the suburb, though the city centre is near too";
    EXPECT_EQ(places[1].context, "Beograd");
    EXPECT_EQ(places[3].context, "") << "nothing within reach";
}

}  // namespace
}  // namespace sightline::osm
