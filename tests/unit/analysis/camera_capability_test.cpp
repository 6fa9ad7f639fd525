#include "analysis/camera_capability.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

namespace sightline::analysis {
namespace {

double tan_half_deg(double deg) {
    return std::tan(deg * std::numbers::pi / 360.0);
}

CameraCapability capability(model::Tags tags) {
    auto c = camera_capability({62.24, 25.75}, tags, CameraCatalogue::builtin());
    EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().message);
    return c.value_or(CameraCapability{});
}

TEST(DoriLevel, NamesRoundTripAndAcceptAmericanSpelling) {
    for (auto level :
         {DoriLevel::detect, DoriLevel::observe, DoriLevel::recognise, DoriLevel::identify})
        EXPECT_EQ(parse_dori_level(to_string(level)).value(), level);
    EXPECT_EQ(parse_dori_level("Recognize").value(), DoriLevel::recognise);
    EXPECT_FALSE(parse_dori_level("see").has_value());
}

TEST(CameraCapability, FixedCameraReachFollowsTheDoriFormula) {
    auto c = capability({{"camera:type", "fixed"}, {"camera:direction", "90"}});
    // H = 1920, HFOV 90: d = H / (2 p tan 45) = 1920 / (2 p).
    EXPECT_NEAR(c.range_m[3], 3.84, 1e-9);
    EXPECT_NEAR(c.range_m[2], 7.68, 1e-9);
    EXPECT_NEAR(c.range_m[1], 15.36, 1e-9);
    EXPECT_NEAR(c.range_m[0], 38.4, 1e-9);
    ASSERT_EQ(c.sectors.size(), 1u);
    EXPECT_DOUBLE_EQ(c.sectors[0].direction_deg, 90);
    EXPECT_DOUBLE_EQ(c.sectors[0].width_deg, 90);
    EXPECT_DOUBLE_EQ(c.mount_height_m, 4.0);
}

TEST(CameraCapability, PtzModelFromTheCatalogueUsesTheTeleEndAndTurnsFully) {
    auto c = capability({{"camera:type", "panning"},
                         {"camera:manufacturer", "HUAWEI"},
                         {"camera:model", "ipc6625-z30"}});
    EXPECT_NEAR(c.range_m[1], 1920 / (2 * 62.5 * tan_half_deg(2.3)), 1e-9);
    ASSERT_EQ(c.sectors.size(), 1u);
    EXPECT_DOUBLE_EQ(c.sectors[0].width_deg, 360);
    EXPECT_NE(c.basis.find("IPC6625-Z30"), std::string::npos);
}

TEST(CameraCapability, ModelTagWithoutManufacturerStillFindsAnUnambiguousModel) {
    auto c = capability({{"model", "IPC6225-VRZ-ES"}, {"camera:direction", "SW"}});
    EXPECT_NEAR(c.range_m[0], 1920 / (2 * 25 * tan_half_deg(29)), 1e-9);
    // Kind comes from the catalogue (fixed) and the sector from the wide end.
    ASSERT_EQ(c.sectors.size(), 1u);
    EXPECT_DOUBLE_EQ(c.sectors[0].direction_deg, 225);
    EXPECT_DOUBLE_EQ(c.sectors[0].width_deg, 105);
}

TEST(CameraCapability, RangeOverrideIsTheObserveDistanceAndScalesTheOthers) {
    auto c = capability({{"camera:type", "panning"}, {"sightline:range_m", "10"}});
    EXPECT_DOUBLE_EQ(c.range_m[0], 25);
    EXPECT_DOUBLE_EQ(c.range_m[1], 10);
    EXPECT_DOUBLE_EQ(c.range_m[2], 5);
    EXPECT_DOUBLE_EQ(c.range_m[3], 2.5);
}

TEST(CameraCapability, HfovOverrideSetsTheSectorOnAnyCamera) {
    auto fixed = capability(
        {{"camera:type", "fixed"}, {"camera:direction", "E"}, {"sightline:hfov_deg", "60"}});
    ASSERT_EQ(fixed.sectors.size(), 1u);
    EXPECT_DOUBLE_EQ(fixed.sectors[0].width_deg, 60);
    auto dome = capability(
        {{"camera:type", "dome"}, {"camera:direction", "0;180"}, {"sightline:hfov_deg", "40"}});
    ASSERT_EQ(dome.sectors.size(), 2u);
    EXPECT_DOUBLE_EQ(dome.sectors[1].direction_deg, 180);
    EXPECT_DOUBLE_EQ(dome.sectors[1].width_deg, 40);
    // The Jyvaskyla import: no direction, 360 degrees, 10 m.
    auto round = capability({{"sightline:hfov_deg", "360"}, {"sightline:range_m", "10"}});
    ASSERT_EQ(round.sectors.size(), 1u);
    EXPECT_DOUBLE_EQ(round.sectors[0].width_deg, 360);
    EXPECT_DOUBLE_EQ(round.range_m[1], 10);
}

TEST(CameraCapability, DomesAndCamerasWithoutDirectionCoverTheFullCircle) {
    EXPECT_DOUBLE_EQ(
        capability({{"camera:type", "dome"}, {"camera:direction", "90"}}).sectors[0].width_deg,
        360);
    EXPECT_DOUBLE_EQ(capability({{"camera:type", "fixed"}}).sectors[0].width_deg, 360);
    EXPECT_DOUBLE_EQ(capability({}).sectors[0].width_deg, 360);
}

TEST(CameraCapability, ADomeHousingACataloguedFixedLensKeepsItsDirection) {
    auto c = capability({{"camera:type", "dome"},
                         {"camera:manufacturer", "Huawei"},
                         {"camera:model", "IPC6225-VRZ-ES"},
                         {"camera:direction", "45"}});
    ASSERT_EQ(c.sectors.size(), 1u);
    EXPECT_DOUBLE_EQ(c.sectors[0].direction_deg, 45);
    EXPECT_DOUBLE_EQ(c.sectors[0].width_deg, 105);
}

TEST(CameraCapability, AlprIsANarrowSectorPerDirection) {
    auto c = capability({{"surveillance:type", "ALPR"}, {"camera:direction", "10;190"}});
    ASSERT_EQ(c.sectors.size(), 2u);
    EXPECT_DOUBLE_EQ(c.sectors[0].width_deg, 30);
    EXPECT_DOUBLE_EQ(c.sectors[1].direction_deg, 190);
    EXPECT_NEAR(c.range_m[1], 1920 / (2 * 62.5 * tan_half_deg(30)), 1e-9);
}

TEST(CameraCapability, ReadsHeightWithUnit) {
    EXPECT_DOUBLE_EQ(capability({{"height", "6.5 m"}}).mount_height_m, 6.5);
    EXPECT_DOUBLE_EQ(capability({{"height", "0"}}).mount_height_m, 0);  // valid per validate_tags
}

TEST(CameraCapability, RejectsUnreadableValues) {
    const auto& cat = CameraCatalogue::builtin();
    EXPECT_FALSE(camera_capability({}, {{"camera:direction", "up"}}, cat).has_value());
    EXPECT_FALSE(camera_capability({}, {{"sightline:range_m", "-3"}}, cat).has_value());
    EXPECT_FALSE(camera_capability({}, {{"sightline:range_m", "far"}}, cat).has_value());
    EXPECT_FALSE(camera_capability({}, {{"sightline:hfov_deg", "400"}}, cat).has_value());
    EXPECT_FALSE(camera_capability({}, {{"height", "tall"}}, cat).has_value());
}

TEST(CameraCatalogue, BuiltinHasAGenericClassForEveryKind) {
    const auto& cat = CameraCatalogue::builtin();
    for (std::string_view kind : {"fixed", "dome", "panning", "ALPR", "unknown"}) {
        const auto& spec = cat.generic_for(kind);
        EXPECT_EQ(spec.camera_type, kind);
        EXPECT_TRUE(spec.model.empty());
        EXPECT_FALSE(spec.source.empty());
    }
    EXPECT_EQ(cat.generic_for("gunshot_detector").camera_type, "unknown");
}

TEST(CameraCatalogue, FindsModelsIgnoringCase) {
    const auto& cat = CameraCatalogue::builtin();
    ASSERT_NE(cat.find("huawei", "IPC6625-z30"), nullptr);
    EXPECT_EQ(cat.find("Huawei", "IPC6625-Z30")->horizontal_pixels, 1920);
    EXPECT_EQ(cat.find("Axis", "IPC6625-Z30"), nullptr);
    EXPECT_EQ(cat.find("Huawei", ""), nullptr);
}

TEST(CameraCatalogue, ParsesQuotedCsvAndRejectsBadRows) {
    constexpr std::string_view header =
        "manufacturer,model,camera_type,horizontal_pixels,hfov_min_deg,hfov_max_deg,ir_range_m,"
        "source\n";
    auto ok = CameraCatalogue::from_csv(
        std::string(header) + "Acme,X1,fixed,2560,40,80,20,\"datasheet, p. 2 \"\"A\"\"\"\n");
    ASSERT_TRUE(ok.has_value()) << ok.error().message;
    ASSERT_EQ(ok->models().size(), 1u);
    EXPECT_EQ(ok->models()[0].source, "datasheet, p. 2 \"A\"");
    EXPECT_DOUBLE_EQ(ok->models()[0].hfov_min_deg, 40);
    EXPECT_FALSE(CameraCatalogue::from_csv("a,b\n").has_value());
    EXPECT_FALSE(
        CameraCatalogue::from_csv(std::string(header) + "Acme,X1,fixed,wide,40,80,20,s\n"));
    EXPECT_FALSE(
        CameraCatalogue::from_csv(std::string(header) + "Acme,X1,fixed,1920,80,40,20,s\n"));
    EXPECT_FALSE(
        CameraCatalogue::from_csv(std::string(header) + "Acme,X1,robot,1920,40,80,20,s\n"));
    EXPECT_FALSE(CameraCatalogue::from_csv(std::string(header) + "Acme,X1,fixed,1920\n"));
    EXPECT_FALSE(CameraCatalogue::from_csv(std::string(header) + "Acme,\"X1,fixed\n"));
    EXPECT_FALSE(CameraCatalogue::from_csv("").has_value());
}

}  // namespace
}  // namespace sightline::analysis
