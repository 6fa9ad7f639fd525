// The OSM XML and osmChange writers: escaping and structure.
#include <gtest/gtest.h>

#include "osm/osm_xml_writer.hpp"

namespace sightline::osm {
namespace {

std::string escaped(std::string_view text) {
    std::string out;
    append_xml_escaped(out, text);
    return out;
}

TEST(OsmXmlWriter, EscapesMarkupQuotesAndControlCharacters) {
    EXPECT_EQ(escaped("a&b<c>\"d'e"), "a&amp;b&lt;c&gt;&quot;d&apos;e");
    EXPECT_EQ(escaped("tab\there\nline\rcr"), "tab&#9;here&#10;line&#13;cr");
    EXPECT_EQ(escaped(std::string("bell\x07null", 9) + std::string(1, '\0')), "bellnull");
    EXPECT_EQ(escaped("Straße 北京"), "Straße 北京");
}

model::Camera camera(std::int64_t id, std::optional<model::OsmProvenance> osm,
                     model::CameraStatus status = model::CameraStatus::verified) {
    model::Camera c;
    c.id = model::CameraId{id};
    c.location = {48.1, 11.5};
    c.status = status;
    c.tags = {{"man_made", "surveillance"}, {"operator", "A & B <\"x\">"}};
    c.osm = std::move(osm);
    return c;
}

TEST(OsmXmlWriter, WritesCreateModifyAndDelete) {
    std::vector<model::Camera> changed{
        camera(5, std::nullopt),
        camera(6, model::OsmProvenance{"node", 123, 4, 1577934245}),
        camera(7, model::OsmProvenance{"node", 124, 2, 0}, model::CameraStatus::removed),
        camera(8, model::OsmProvenance{"way", 125, 1, 0}),
    };
    std::string out;
    auto counts = write_osm_change(changed, [&](std::string_view s) { out += s; });
    EXPECT_EQ(counts.created, 1);
    EXPECT_EQ(counts.modified, 1);
    EXPECT_EQ(counts.deleted, 1);
    EXPECT_EQ(counts.skipped, 1);
    EXPECT_NE(out.find("<osmChange version=\"0.6\""), std::string::npos);
    EXPECT_NE(out.find("<create>\n  <node id=\"-5\" lat=\"48.1000000\" lon=\"11.5000000\">"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("<modify>\n  <node id=\"123\" version=\"4\" "
                       "timestamp=\"2020-01-02T03:04:05Z\""),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("<delete>\n  <node id=\"124\" version=\"2\" lat="), std::string::npos)
        << out;
    EXPECT_NE(out.find("v=\"A &amp; B &lt;&quot;x&quot;&gt;\""), std::string::npos);
    EXPECT_EQ(out.find("125"), std::string::npos);
}

TEST(OsmXmlWriter, WritesAnEmptyChangeWhenNothingChanged) {
    std::string out;
    auto counts = write_osm_change({}, [&](std::string_view s) { out += s; });
    EXPECT_EQ(counts.created + counts.modified + counts.deleted, 0);
    EXPECT_NE(out.find("<osmChange"), std::string::npos);
    EXPECT_EQ(out.find("<create>"), std::string::npos);
}

}  // namespace
}  // namespace sightline::osm
