// The report PDF read back with poppler (pdfinfo, pdftotext, pdftoppm): two pages, the
// figures in the reader's language, a map that is drawn.

#include "pdf/report_pdf.hpp"

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "support/command_output.hpp"
#include "support/temp_dir.hpp"

namespace sightline::pdf {
namespace {

using testing::command_output;

AreaReport example() {
    AreaReport r;
    r.area_name = "Stari grad";
    r.bbox = {20.45, 44.81, 20.47, 44.83};
    r.outline = {{{{44.812, 20.452},
                   {44.812, 20.468},
                   {44.828, 20.468},
                   {44.828, 20.452},
                   {44.812, 20.452}}}};
    r.generated_at = 1'796'515'200;  // 2026-12-06
    r.area_km2 = 2.25;
    r.cameras = 1234;
    r.cameras_by_kind = {{"dome", 1000}, {"fixed", 230}, {"ALPR", 4}};
    r.street_km = 61.5;
    r.watched_share = {0.61, 0.42, 0.2, 0.071};
    r.growth = {{"2024-01", 10}, {"2024-02", 12}, {"2024-03", 1234}};
    for (int i = 0; i < 20; ++i)
        r.streets.push_back({{44.812 + i * 0.0008, 20.451}, {44.812 + i * 0.0008, 20.469}});
    r.camera_points = {{{44.82, 20.46}, "dome"}, {{44.815, 20.455}, "fixed"}};
    return r;
}

std::string text_of(const std::string& pdf, const testing::TempDir& dir) {
    auto path = dir.path() / "report.pdf";
    std::ofstream(path, std::ios::binary) << pdf;
    return command_output("pdftotext -layout '" + path.string() + "' - 2>&1");
}

}  // namespace

TEST(ReportPdf, TwoPagesWithTheFiguresInEnglish) {
    testing::TempDir dir;
    auto pdf = render_report_pdf(example(), Language::en);
    ASSERT_EQ(pdf.rfind("%PDF-", 0), 0u);
    auto path = dir.path() / "report.pdf";
    std::ofstream(path, std::ios::binary) << pdf;
    auto info = command_output("pdfinfo '" + path.string() + "' 2>&1");
    auto pages = info.find("Pages:");
    ASSERT_NE(pages, std::string::npos) << info;
    EXPECT_EQ(std::stoi(info.substr(pages + 6)), 2) << info;
    EXPECT_NE(info.find("Video surveillance: Stari grad"), std::string::npos) << info;

    auto text = text_of(pdf, dir);
    EXPECT_NE(text.find("Video surveillance: Stari grad"), std::string::npos) << text;
    EXPECT_NE(text.find("6 December 2026"), std::string::npos) << text;
    EXPECT_NE(text.find("1,234"), std::string::npos) << text;  // cameras
    EXPECT_NE(text.find("548.4"), std::string::npos) << text;  // 1234 / 2.25 per km²
    EXPECT_NE(text.find("61.5 km"), std::string::npos) << text;
    EXPECT_NE(text.find("20.07"), std::string::npos) << text;   // 1234 / 61.5 per km of street
    EXPECT_NE(text.find("42.0 %"), std::string::npos) << text;  // observe
    EXPECT_NE(text.find("7.1 %"), std::string::npos) << text;   // identify
    EXPECT_NE(text.find("2024-03"), std::string::npos) << text;
    EXPECT_NE(text.find("OpenStreetMap contributors"), std::string::npos) << text;
}

TEST(ReportPdf, SerbianInBothScripts) {
    testing::TempDir dir;
    auto latin = text_of(render_report_pdf(example(), Language::sr_latn), dir);
    EXPECT_NE(latin.find("Video nadzor: Stari grad"), std::string::npos) << latin;
    EXPECT_NE(latin.find("548,4"), std::string::npos) << latin;
    EXPECT_NE(latin.find("kupolasta"), std::string::npos) << latin;
    auto cyrillic = text_of(render_report_pdf(example(), Language::sr_cyrl), dir);
    EXPECT_NE(cyrillic.find("Видео надзор: Stari grad"), std::string::npos) << cyrillic;
    EXPECT_NE(cyrillic.find("куполаста"), std::string::npos) << cyrillic;
    EXPECT_NE(cyrillic.find("6. децембра 2026."), std::string::npos) << cyrillic;
}

TEST(ReportPdf, TheMapIsDrawn) {
    testing::TempDir dir;
    auto path = dir.path() / "report.pdf";
    std::ofstream(path, std::ios::binary) << render_report_pdf(example(), Language::en);
    auto out = dir.path() / "page";
    command_output("pdftoppm -f 1 -l 1 -r 40 -gray '" + path.string() + "' '" + out.string() +
                   "' 2>&1");
    auto pgm = dir.path() / "page-1.pgm";
    ASSERT_TRUE(std::filesystem::exists(pgm)) << command_output("ls '" + dir.path().string() + "'");
    // A grey page of 40 dpi: the map's strip (below the title) holds dark street and outline
    // pixels and light background ones.
    std::ifstream in(pgm, std::ios::binary);
    std::string magic;
    int w = 0, h = 0, max = 0;
    in >> magic >> w >> h >> max;
    in.get();
    std::string pixels((std::istreambuf_iterator<char>(in)), {});
    ASSERT_EQ(pixels.size(), static_cast<std::size_t>(w * h));
    int dark = 0, light = 0;
    for (int y = h * 15 / 100; y < h * 50 / 100; ++y)
        for (int x = w / 8; x < w * 7 / 8; ++x) {
            auto v = static_cast<unsigned char>(pixels[static_cast<std::size_t>(y * w + x)]);
            dark += v < 160;
            light += v > 220;
        }
    EXPECT_GT(dark, 50);
    EXPECT_GT(light, 1000);
}

TEST(ReportPdf, AnAreaWithNothingStillPrints) {
    AreaReport empty;
    empty.bbox = {20.45, 44.81, 20.47, 44.83};
    auto pdf = render_report_pdf(empty, Language::en);
    testing::TempDir dir;
    auto text = text_of(pdf, dir);
    EXPECT_NE(text.find("the selected area"), std::string::npos) << text;
    EXPECT_NE(text.find("No history of cameras"), std::string::npos) << text;
}

}  // namespace sightline::pdf
