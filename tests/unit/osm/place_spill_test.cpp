// Places parked on disk come back as they went in, in order, and leave no file behind.
#include <filesystem>
#include <string>

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

// Records cross the 1 MiB buffers it writes and reads, and one is larger than a buffer.
TEST(PlaceSpill, GivesBackRecordsAcrossBuffersInOrder) {
    testing::TempDir dir;
    PlaceSpill spill(dir.path());
    const std::size_t count = 30'000;
    auto place_at = [](std::size_t i) {
        model::Place p;
        p.kind = i % 2 ? model::PlaceKind::address : model::PlaceKind::street;
        p.name = std::string(i % 97, 'a' + static_cast<char>(i % 26)) + std::to_string(i);
        p.street = i == 12'345 ? std::string(3 << 20, 'x') : "";
        p.names.assign(i % 3, std::to_string(i * 7));
        p.location = {static_cast<double>(i) * 1e-4, -static_cast<double>(i) * 1e-4};
        return p;
    };
    for (std::size_t i = 0; i < count; ++i)
        spill.push(place_at(i));
    for (int round = 0; round < 2; ++round) {
        std::size_t i = 0;
        bool same = true;
        spill.for_each([&](model::Place& p) {
            const auto want = place_at(i++);
            same = same && p.kind == want.kind && p.name == want.name && p.street == want.street &&
                   p.names == want.names && p.location == want.location;
        });
        EXPECT_EQ(i, count);
        EXPECT_TRUE(same) << "round " << round;
    }
}

TEST(PlaceSpill, ANonexistentFolderIsAnEnvironmentError) {
    testing::TempDir dir;
    EXPECT_THROW(PlaceSpill(dir.path() / "missing"), sightline::Exception);
}

}  // namespace
}  // namespace sightline::osm
