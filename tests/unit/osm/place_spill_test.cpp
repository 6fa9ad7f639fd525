// Places parked on disk come back as they went in, in order, and leave no file behind.
#include <filesystem>

#include <gtest/gtest.h>

#include "osm/place_spill.hpp"
#include "osm_test_support.hpp"

namespace sightline::osm {
namespace {

TEST(PlaceSpill, GivesBackEveryFieldInOrderAndLeavesNoFile) {
    testing::TempDir dir;
    PlaceSpill spill(dir.path());
    model::Place cafe;
    cafe.kind = model::PlaceKind::poi;
    cafe.name = "Kafana \"?\"";
    cafe.type = "cafe";
    cafe.names = {"Café Znak pitanja", "", "line\nbreak"};
    cafe.location = {44.8166, 20.4567};
    model::Place address;
    address.kind = model::PlaceKind::address;
    address.name = "Knez Mihailova 5/1";
    address.housenumber = "5/1";
    address.street = "Knez Mihailova";
    address.location = {-33.5, -70.25};
    spill.push(cafe);
    spill.push(address);
    EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "the file is unlinked at once";
    EXPECT_EQ(spill.size(), 2u);

    std::vector<model::Place> back;
    spill.for_each([&](model::Place& p) { back.push_back(p); });
    ASSERT_EQ(back.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        const auto& want = i == 0 ? cafe : address;
        EXPECT_EQ(back[i].kind, want.kind);
        EXPECT_EQ(back[i].name, want.name);
        EXPECT_EQ(back[i].housenumber, want.housenumber);
        EXPECT_EQ(back[i].street, want.street);
        EXPECT_EQ(back[i].type, want.type);
        EXPECT_EQ(back[i].names, want.names);
        EXPECT_EQ(back[i].location, want.location);
    }
    // Pushing after a read appends.
    spill.push(cafe);
    std::size_t count = 0;
    spill.for_each([&](model::Place&) { ++count; });
    EXPECT_EQ(count, 3u);
}

TEST(PlaceSpill, ANonexistentFolderIsAnEnvironmentError) {
    testing::TempDir dir;
    EXPECT_THROW(PlaceSpill(dir.path() / "missing"), sightline::Exception);
}

}  // namespace
}  // namespace sightline::osm
