#include "formats/gpx_reader.hpp"

#include <string>

#include <gtest/gtest.h>

namespace sightline::formats {
namespace {

Error refused(std::string_view text, const GpxLimits& limits = {}) {
    auto read = read_gpx(text, limits);
    EXPECT_FALSE(read) << text.substr(0, 200);
    return read ? Error{} : read.error();
}

bool mentions(const Error& error, std::string_view part) {
    return error.message.find(part) != std::string::npos;
}

TEST(GpxReader, ReadsTracksSegmentsAndRoutesOfGpx11) {
    auto read = read_gpx(R"(<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"
     xmlns:x="http://example.com/extensions">
  <wpt lat="1" lon="1"><name>start</name></wpt>
  <trk><name>walk</name><trkseg>
    <trkpt lat="48.1" lon="11.5"><ele>520</ele><time>2026-01-01T10:00:00Z</time></trkpt>
    <trkpt lat=' 48.2 ' lon="+11.6"/>
  </trkseg><trkseg>
    <trkpt lat="48.3" lon="11.7"/>
  </trkseg><trkseg>
    <!-- <trkpt lat="0" lon="0"/> --><![CDATA[ <trkpt lat="0" lon="0"/> ]]>
    <trkpt lat="-33.9" lon="151.2"><extensions><x:trkpt lat="5" lon="5"/></extensions></trkpt>
    <trkpt lat="-33.8" lon="151.3"/>
  </trkseg></trk>
  <rte><rtept lat="1" lon="2"/><rtept lat="3" lon="4"/></rte>
  <extensions><x:rte><x:rtept lat="7" lon="7"/><x:rtept lat="8" lon="8"/></x:rte></extensions>
</gpx>)");
    ASSERT_TRUE(read) << read.error().message;
    // The one-point segment is dropped; waypoints, comments, CDATA and other namespaces are not
    // points.
    ASSERT_EQ(read->lines.size(), 3u);
    EXPECT_EQ(read->lines[0][0], (geo::LatLon{48.1, 11.5}));
    EXPECT_EQ(read->lines[0][1], (geo::LatLon{48.2, 11.6}));
    ASSERT_EQ(read->lines[1].size(), 2u);
    EXPECT_EQ(read->lines[1][0], (geo::LatLon{-33.9, 151.2}));
    EXPECT_EQ(read->lines[2][1], (geo::LatLon{3, 4}));
}

TEST(GpxReader, ReadsGpx10PrefixedNamespacesAndPointsStraightInATrack) {
    auto read = read_gpx(R"(<?xml version="1.0"?>
<!DOCTYPE gpx>
<g:gpx xmlns:g="http://www.topografix.com/GPX/1/0" version="1.0">
  <g:trk><g:trkpt lat="1" lon="2"/><g:trkpt lat="3" lon="4"/></g:trk>
</g:gpx>)");
    ASSERT_TRUE(read) << read.error().message;
    ASSERT_EQ(read->lines.size(), 1u);
    EXPECT_EQ(read->lines[0][1], (geo::LatLon{3, 4}));
    // A GPX file without any line is read, empty.
    auto empty = read_gpx("<gpx><wpt lat=\"1\" lon=\"2\"/></gpx>");
    ASSERT_TRUE(empty) << empty.error().message;
    EXPECT_TRUE(empty->lines.empty());
}

TEST(GpxReader, RefusesMalformedXmlWithALineNumber) {
    auto truncated = refused("<gpx>\n<trk><trkseg><trkpt lat=\"1\" lon=\"2\"/>");
    EXPECT_EQ(truncated.code, Errc::invalid_argument);
    auto bad_lat =
        refused("<gpx>\n<trk><trkseg>\n<trkpt lat=\"91\" lon=\"2\"/></trkseg></trk></gpx>");
    EXPECT_TRUE(mentions(bad_lat, "GPX line 3: <trkpt> outside")) << bad_lat.message;
    auto mismatched = refused("<gpx>\n<trk>\n\n</trkseg></gpx>");
    EXPECT_TRUE(mentions(mismatched, "GPX line 4")) << mismatched.message;
    for (const std::string& text : {
             std::string("<gpx><trk><trkseg><trkpt lat=\"x\" lon=\"2\"/></trkseg></trk></gpx>"),
             std::string("<gpx><trk><trkseg><trkpt lat=\"1\"/></trkseg></trk></gpx>"),
             std::string("<gpx><rte><rtept lat=\"1\" lon=\"inf\"/></rte></gpx>"),
             std::string("<gpx><rte><rtept lat=\"1\" lon=\"2\" lon=\"3\"/></rte></gpx>"),
             std::string("<gpx><trk><trkseg><trkpt lat=1 lon=2/></trkseg></trk></gpx>"),
             std::string("<gpx><trk></trkseg></gpx>"),
             std::string("<gpx></gpx><gpx></gpx>"),
             std::string("<g:gpx></g:gpx>"),  // unbound prefix
             std::string("<gpx>&undefined;</gpx>"),
             std::string(""),
             std::string(100'000, '<'),
             std::string("<gpx>\xff\xfe</gpx>"),
         }) {
        auto error = refused(text);
        EXPECT_EQ(error.code, Errc::invalid_argument) << text.substr(0, 80);
        EXPECT_FALSE(error.message.empty());
    }
}

TEST(GpxReader, RefusesOtherRootElements) {
    auto kml = refused("<kml><trk/></kml>");
    EXPECT_TRUE(mentions(kml, "not a GPX file: the root element is <kml>")) << kml.message;
    auto elsewhere = refused(R"(<gpx xmlns="http://example.com/not-gpx"><trk/></gpx>)");
    EXPECT_TRUE(mentions(elsewhere, "not a GPX file")) << elsewhere.message;
}

TEST(GpxReader, RefusesBillionLaughsAtTheFirstEntityDeclaration) {
    std::string laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE gpx [\n<!ENTITY lol \"lol\">\n";
    for (int i = 1; i <= 9; ++i)
        laughs += "<!ENTITY lol" + std::to_string(i) + " \"" + [&] {
            std::string ten;
            for (int j = 0; j < 10; ++j)
                ten += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
            return ten;
        }() + "\">\n";
    laughs += "]>\n<gpx><trk><name>&lol9;</name></trk></gpx>";
    auto error = refused(laughs);
    EXPECT_EQ(error.code, Errc::invalid_argument);
    EXPECT_TRUE(mentions(error, "GPX line 3: the file declares an entity")) << error.message;
}

TEST(GpxReader, RefusesExternalAndParameterEntities) {
    for (const char* text : {
             R"(<!DOCTYPE gpx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><gpx>&xxe;</gpx>)",
             R"(<!DOCTYPE gpx [<!ENTITY % p SYSTEM "http://example.com/x.dtd"> %p;]><gpx/>)",
             R"(<!DOCTYPE gpx [<!ENTITY u SYSTEM "x" NDATA png>]><gpx/>)",
             R"(<!DOCTYPE gpx [<!ENTITY a "<trk><trkpt lat='1' lon='1'/></trk>">]><gpx>&a;</gpx>)",
         }) {
        auto error = refused(text);
        EXPECT_EQ(error.code, Errc::invalid_argument) << text;
    }
    // An external DTD is named but never fetched: the file is read without it.
    EXPECT_TRUE(read_gpx(R"(<!DOCTYPE gpx SYSTEM "http://example.com/gpx.dtd"><gpx/>)"));
}

TEST(GpxReader, RefusesDeepNesting) {
    std::string deep = "<gpx>";
    for (int i = 0; i < 100'000; ++i)
        deep += "<a>";
    auto error = refused(deep);
    EXPECT_EQ(error.code, Errc::invalid_argument);
    EXPECT_TRUE(mentions(error, "nested deeper than 64")) << error.message;
}

TEST(GpxReader, EnforcesEveryLimit) {
    GpxLimits limits;
    limits.max_points = 3;
    std::string four = "<gpx><trk><trkseg>";
    for (int i = 0; i < 4; ++i)
        four += "<trkpt lat=\"1\" lon=\"1\"/>";
    four += "</trkseg></trk></gpx>";
    auto many = refused(four, limits);
    EXPECT_EQ(many.code, Errc::too_large);
    EXPECT_TRUE(mentions(many, "more than 3 points")) << many.message;

    limits = {};
    limits.max_lines = 1;
    auto lines = refused(
        "<gpx><rte><rtept lat=\"1\" lon=\"1\"/><rtept lat=\"2\" lon=\"2\"/></rte>"
        "<rte><rtept lat=\"1\" lon=\"1\"/><rtept lat=\"2\" lon=\"2\"/></rte></gpx>",
        limits);
    EXPECT_EQ(lines.code, Errc::too_large);

    limits = {};
    limits.max_bytes = 10;
    EXPECT_EQ(refused("<gpx></gpx> ", limits).code, Errc::too_large);

    limits = {};
    limits.max_depth = 3;
    EXPECT_TRUE(read_gpx("<gpx><trk><trkseg/></trk></gpx>", limits));
    EXPECT_EQ(
        refused("<gpx><trk><trkseg><trkpt lat=\"1\" lon=\"1\"/></trkseg></trk></gpx>", limits).code,
        Errc::invalid_argument);
}

}  // namespace
}  // namespace sightline::formats
