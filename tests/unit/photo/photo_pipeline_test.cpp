// The photo intake: every format round-trips with no metadata left (checked by exiftool on the
// bytes), orientation is applied, the suggestion comes from GPS/heading, and bad input gets the
// right error before anything big is allocated.

#include "photo/photo_pipeline.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "geo/distance.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace sightline::photo {
namespace {

std::string read_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string fixture(std::string_view name) {
    auto bytes = read_bytes(std::filesystem::path(SIGHTLINE_FIXTURES) / "photos" / name);
    EXPECT_FALSE(bytes.empty()) << "missing fixture " << name;
    return bytes;
}

const faces::FaceDetector& detector() {
    static const faces::FaceDetector instance;
    return instance;
}

// What exiftool finds in `bytes` (written to a file by the test, never by the pipeline).
nlohmann::json exiftool_tags(const std::string& bytes, std::string_view extension) {
    testing::TempDir dir("sightline-photo");
    auto path = dir.path() / ("out." + std::string(extension));
    std::ofstream(path, std::ios::binary) << bytes;
    auto run = testing::run_program("/usr/bin/exiftool", {"-j", "-G1", "-a", path.string()});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    auto parsed = nlohmann::json::parse(run.out, nullptr, false);
    if (!parsed.is_array() || parsed.empty()) return nlohmann::json::object();
    return parsed[0];
}

bool identifying(const std::string& group, const std::string& tag) {
    if (group == "System" || group == "ExifTool" || group == "SourceFile") return false;
    for (std::string_view g : {"GPS", "IFD", "ExifIFD", "XMP", "IPTC", "ICC", "MakerNotes",
                               "InteropIFD", "Photoshop", "APP", "MPF"})
        if (group.starts_with(g)) return true;
    for (std::string_view t : {"GPS", "Make", "Model", "Serial", "Artist", "Creator", "Comment",
                               "Thumbnail", "DateTime", "CreateDate", "ModifyDate", "Orientation",
                               "ExifByteOrder", "IPTCDigest", "Copyright", "Software"})
        if (tag.find(t) != std::string::npos) return true;
    return false;
}

void expect_no_metadata(const std::string& bytes, std::string_view extension) {
    auto tags = exiftool_tags(bytes, extension);
    ASSERT_TRUE(tags.is_object()) << "exiftool could not read the output";
    EXPECT_TRUE(tags.contains("File:FileType")) << tags.dump(1);
    for (const auto& [key, value] : tags.items()) {
        auto colon = key.find(':');
        auto group = colon == std::string::npos ? key : key.substr(0, colon);
        auto tag = colon == std::string::npos ? key : key.substr(colon + 1);
        EXPECT_FALSE(identifying(group, tag)) << extension << ": " << key << " = " << value.dump();
    }
}

bool contains(const std::vector<std::string>& kinds, std::string_view kind) {
    return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

Errc scrub_error(const std::string& bytes, const ScrubOptions& options = {}) {
    auto result = scrub_photo(bytes, detector(), options);
    EXPECT_FALSE(result.has_value()) << "accepted";
    return result ? Errc::invalid_argument : result.error().code;
}

std::uint32_t crc32(std::string_view bytes) {
    std::uint32_t crc = 0xFFFFFFFFu;
    for (unsigned char byte : bytes) {
        crc ^= byte;
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

void put_be32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

// A PNG that declares width x height in a valid IHDR and has no pixel data at all.
std::string png_header_only(std::uint32_t width, std::uint32_t height) {
    std::string png = "\x89PNG\r\n\x1A\n";
    std::string chunk = "IHDR";
    put_be32(chunk, width);
    put_be32(chunk, height);
    chunk += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB, deflate, no filter, no interlace
    put_be32(png, 13);
    png += chunk;
    put_be32(png, crc32(chunk));
    std::string end = "IEND";
    put_be32(png, 0);
    png += end;
    put_be32(png, crc32(end));
    return png;
}

// base.jpg with an APP1 Exif segment whose IFD entries point far outside the file.
std::string jpeg_with_corrupt_exif() {
    std::string tiff = std::string("MM\x00\x2A", 4);
    put_be32(tiff, 8);                           // IFD0 at 8
    tiff += std::string("\x00\x02", 2);          // 2 entries
    tiff += std::string("\x01\x0F\x00\x02", 4);  // Make, ASCII
    put_be32(tiff, 200);
    put_be32(tiff, 0x7FFFFF00);                  // value offset outside the file
    tiff += std::string("\x88\x25\x00\x04", 4);  // GPS IFD pointer, LONG
    put_be32(tiff, 1);
    put_be32(tiff, 0x7FFFFFF0);
    put_be32(tiff, 0);  // no next IFD
    std::string payload = std::string("Exif\0\0", 6) + tiff;
    std::string segment = "\xFF\xE1";
    segment.push_back(static_cast<char>(((payload.size() + 2) >> 8) & 0xFF));
    segment.push_back(static_cast<char>((payload.size() + 2) & 0xFF));
    segment += payload;
    auto jpeg = fixture("base.jpg");
    return jpeg.substr(0, 2) + segment + jpeg.substr(2);
}

TEST(SniffFormat, JudgesByTheLeadingBytesOnly) {
    EXPECT_EQ(sniff_format(fixture("gps.jpg")), ImageFormat::jpeg);
    EXPECT_EQ(sniff_format(fixture("gps.png")), ImageFormat::png);
    EXPECT_EQ(sniff_format(fixture("gps.webp")), ImageFormat::webp);
    EXPECT_EQ(sniff_format(fixture("gps.heic")), ImageFormat::heif);
    EXPECT_EQ(sniff_format(std::string("\0\0\0\x18"
                                       "ftypavif\0\0\0\0",
                                       16))
                  .error()
                  .code,
              Errc::unsupported_media_type);
    EXPECT_EQ(sniff_format("GIF89a....").error().code, Errc::unsupported_media_type);
    EXPECT_EQ(sniff_format("").error().code, Errc::unsupported_media_type);
    EXPECT_EQ(sniff_format("RIFF\x10\0\0\0WAVE").error().code, Errc::unsupported_media_type);
}

TEST(SniffFormat, NamesEachFormat) {
    EXPECT_EQ(mime_type(ImageFormat::heif), "image/heic");
    EXPECT_EQ(file_extension(ImageFormat::jpeg), "jpg");
    EXPECT_EQ(to_string(ImageFormat::webp), "webp");
}

struct FormatCase {
    std::string file;
    ImageFormat format;
    std::string extension;
    int width;
    int height;
};

class EveryFormat : public ::testing::TestWithParam<FormatCase> {};

TEST_P(EveryFormat, RoundTripsInTheSameFormatWithNoMetadataLeft) {
    const auto& c = GetParam();
    auto input = fixture(c.file);
    auto scrubbed = scrub_photo(input, detector());
    ASSERT_TRUE(scrubbed) << scrubbed.error().message;
    EXPECT_EQ(scrubbed->format, c.format);
    EXPECT_EQ(sniff_format(scrubbed->bytes), c.format);
    EXPECT_EQ(scrubbed->width, c.width);
    EXPECT_EQ(scrubbed->height, c.height);
    expect_no_metadata(scrubbed->bytes, c.extension);

    auto tags = exiftool_tags(scrubbed->bytes, c.extension);
    auto size = tags.value("Composite:ImageSize", std::string());
    EXPECT_EQ(size, std::to_string(c.width) + "x" + std::to_string(c.height)) << tags.dump(1);

    ASSERT_FALSE(scrubbed->thumbnail_webp.empty());
    EXPECT_EQ(sniff_format(scrubbed->thumbnail_webp), ImageFormat::webp);
    expect_no_metadata(scrubbed->thumbnail_webp, "webp");
    EXPECT_NE(scrubbed->perceptual_hash, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Photos, EveryFormat,
    ::testing::Values(FormatCase{"gps.jpg", ImageFormat::jpeg, "jpg", 96, 64},
                      FormatCase{"gps.png", ImageFormat::png, "png", 96, 64},
                      FormatCase{"alpha.png", ImageFormat::png, "png", 40, 30},
                      FormatCase{"gps.webp", ImageFormat::webp, "webp", 96, 64},
                      FormatCase{"gps.heic", ImageFormat::heif, "heic", 96, 64}),
    [](const auto& info) {
        auto name = info.param.file;
        std::replace(name.begin(), name.end(), '.', '_');
        return name;
    });

TEST(ScrubPhoto, ListsTheKindsOfMetadataItRemoved) {
    auto scrubbed = scrub_photo(fixture("gps.jpg"), detector());
    ASSERT_TRUE(scrubbed) << scrubbed.error().message;
    for (auto kind : {"EXIF", "GPS", "device", "date", "XMP", "IPTC", "comment", "thumbnail"})
        EXPECT_TRUE(contains(scrubbed->metadata_removed, kind)) << kind;

    auto plain = scrub_photo(fixture("base.jpg"), detector());
    ASSERT_TRUE(plain) << plain.error().message;
    EXPECT_TRUE(plain->metadata_removed.empty());

    auto heic = scrub_photo(fixture("gps.heic"), detector());
    ASSERT_TRUE(heic) << heic.error().message;
    EXPECT_TRUE(contains(heic->metadata_removed, "GPS"));
    EXPECT_TRUE(contains(heic->metadata_removed, "device"));
}

TEST(ScrubPhoto, KeepsAlphaInPng) {
    auto scrubbed = scrub_photo(fixture("alpha.png"), detector());
    ASSERT_TRUE(scrubbed) << scrubbed.error().message;
    std::vector<unsigned char> data(scrubbed->bytes.begin(), scrubbed->bytes.end());
    cv::Mat decoded = cv::imdecode(data, cv::IMREAD_UNCHANGED);
    ASSERT_EQ(decoded.channels(), 4);
    EXPECT_EQ(decoded.at<cv::Vec4b>(0, 0)[3], 0) << "the corner stays transparent";
    EXPECT_GT(decoded.at<cv::Vec4b>(15, 20)[3], 100) << "the circle stays opaque";
}

TEST(ScrubPhoto, AppliesTheExifOrientationToThePixels) {
    // 20x10: left half red, right half blue; Orientation=6 means "rotate 90 degrees clockwise".
    auto scrubbed = scrub_photo(fixture("rotated.jpg"), detector());
    ASSERT_TRUE(scrubbed) << scrubbed.error().message;
    EXPECT_EQ(scrubbed->width, 10);
    EXPECT_EQ(scrubbed->height, 20);
    std::vector<unsigned char> data(scrubbed->bytes.begin(), scrubbed->bytes.end());
    cv::Mat decoded = cv::imdecode(data, cv::IMREAD_COLOR);  // ignores EXIF: there is none
    ASSERT_EQ(decoded.cols, 10);
    ASSERT_EQ(decoded.rows, 20);
    auto top = decoded.at<cv::Vec3b>(4, 5);
    auto bottom = decoded.at<cv::Vec3b>(15, 5);
    EXPECT_GT(top[2], 200) << "red went to the top";
    EXPECT_LT(top[0], 60);
    EXPECT_GT(bottom[0], 200) << "blue went to the bottom";
    EXPECT_LT(bottom[2], 60);
    expect_no_metadata(scrubbed->bytes, "jpg");
}

TEST(ScrubPhoto, ThumbnailIsAtMostTheRequestedSize) {
    ScrubOptions options;
    options.thumbnail_size = 32;
    auto scrubbed = scrub_photo(fixture("gps.jpg"), detector(), options);
    ASSERT_TRUE(scrubbed) << scrubbed.error().message;
    auto tags = exiftool_tags(scrubbed->thumbnail_webp, "webp");
    EXPECT_EQ(tags.value("Composite:ImageSize", std::string()), "32x21") << tags.dump(1);

    options.thumbnail_size = 0;
    auto none = scrub_photo(fixture("gps.jpg"), detector(), options);
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->thumbnail_webp.empty());
}

// A smooth random picture (random 9x8 cells, upscaled), encoded by OpenCV.
std::string smooth_random_image(unsigned seed, const std::string& extension) {
    cv::Mat cells(8, 9, CV_8UC3), image;
    cv::theRNG().state = seed;
    cv::randu(cells, cv::Scalar::all(0), cv::Scalar::all(255));
    cv::resize(cells, image, cv::Size(180, 160), 0, 0, cv::INTER_CUBIC);
    std::vector<unsigned char> encoded;
    cv::imencode(extension, image, encoded);
    return {encoded.begin(), encoded.end()};
}

TEST(ScrubPhoto, PerceptualHashMatchesTheSamePictureInAnotherFormat) {
    auto jpeg = scrub_photo(smooth_random_image(1, ".jpg"), detector());
    auto png = scrub_photo(smooth_random_image(1, ".png"), detector());
    auto again = scrub_photo(smooth_random_image(1, ".jpg"), detector());
    auto other = scrub_photo(smooth_random_image(2, ".png"), detector());
    ASSERT_TRUE(jpeg && png && again && other);
    EXPECT_EQ(jpeg->perceptual_hash, again->perceptual_hash);
    EXPECT_LE(hash_distance(jpeg->perceptual_hash, png->perceptual_hash), 10);
    EXPECT_GT(hash_distance(jpeg->perceptual_hash, other->perceptual_hash), 10);
    EXPECT_EQ(hash_distance(0, ~std::uint64_t{0}), 64);
}

TEST(InspectPhoto, ReadsPositionAccuracyHeadingAndTime) {
    auto s = inspect_photo(fixture("gps.jpg"));
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_TRUE(s->photographer);
    EXPECT_NEAR(s->photographer->lat, 45.815, 1e-6);
    EXPECT_NEAR(s->photographer->lon, 15.9819, 1e-6);
    EXPECT_EQ(s->accuracy_m, 5.0);
    EXPECT_EQ(s->heading_deg, 90.0);
    EXPECT_EQ(s->taken_at, 1714557600);  // 2024-05-01 12:00:00 at +02:00
    ASSERT_TRUE(s->camera_position);
    EXPECT_NEAR(geo::distance_m(*s->photographer, *s->camera_position), 10.0, 0.05);
    EXPECT_GT(s->camera_position->lon, s->photographer->lon) << "heading 90 is east";
    EXPECT_NEAR(s->camera_position->lat, s->photographer->lat, 1e-6);
    EXPECT_EQ(s->camera_direction_deg, 270.0);
}

TEST(InspectPhoto, HonoursSouthAndWestReferences) {
    auto s = inspect_photo(fixture("southwest.jpg"), {}, 25.0);
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_TRUE(s->photographer);
    EXPECT_NEAR(s->photographer->lat, -33.8688, 1e-6);
    EXPECT_NEAR(s->photographer->lon, -70.6693, 1e-6);
    ASSERT_TRUE(s->camera_position);
    EXPECT_NEAR(geo::distance_m(*s->photographer, *s->camera_position), 25.0, 0.1);
    EXPECT_GT(s->camera_position->lat, s->photographer->lat) << "315 is north-west";
    EXPECT_LT(s->camera_position->lon, s->photographer->lon);
    EXPECT_EQ(s->camera_direction_deg, 135.0);
    EXPECT_FALSE(s->taken_at);
}

TEST(InspectPhoto, ReadsGpsFromPngWebpAndHeic) {
    for (auto name : {"gps.png", "gps.webp", "gps.heic"}) {
        auto s = inspect_photo(fixture(name));
        ASSERT_TRUE(s) << name << ": " << s.error().message;
        ASSERT_TRUE(s->photographer) << name;
        EXPECT_NEAR(s->photographer->lat, 45.815, 1e-6) << name;
        EXPECT_EQ(s->heading_deg, 90.0) << name;
    }
}

TEST(InspectPhoto, PhotoWithoutMetadataGivesAnEmptySuggestion) {
    auto s = inspect_photo(fixture("base.jpg"));
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_FALSE(s->photographer);
    EXPECT_FALSE(s->heading_deg);
    EXPECT_FALSE(s->camera_position);
}

TEST(BadInput, TruncatedJpegIsUnprocessable) {
    auto jpeg = fixture("gps.jpg");
    EXPECT_EQ(scrub_error(jpeg.substr(0, jpeg.size() - 600)), Errc::unprocessable);
    EXPECT_EQ(scrub_error(jpeg.substr(0, 8)), Errc::unprocessable);
}

TEST(BadInput, CorruptExifOffsetsStillScrubWithAnEmptySuggestion) {
    auto bytes = jpeg_with_corrupt_exif();
    auto s = inspect_photo(bytes);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_FALSE(s->photographer);
    auto scrubbed = scrub_photo(bytes, detector());
    ASSERT_TRUE(scrubbed) << scrubbed.error().message;
    EXPECT_EQ(scrubbed->width, 96);
    EXPECT_FALSE(scrubbed->suggestion.photographer);
    expect_no_metadata(scrubbed->bytes, "jpg");
}

TEST(BadInput, PngDeclaringTenGigapixelsIsRefusedFromItsHeader) {
    auto png = png_header_only(100000, 100000);
    EXPECT_EQ(scrub_error(png), Errc::too_large);
    EXPECT_EQ(inspect_photo(png).error().code, Errc::too_large);
}

// Found by tests/fuzz/photo_intake_fuzz.cpp: 4294967295 x 4294967295 overflowed the pixel
// count, which came out negative and passed the limit (reproducer in tests/fixtures/fuzz).
TEST(BadInput, PngDeclaringTheLargestDimensionsIsRefusedFromItsHeader) {
    auto png = png_header_only(0xFFFFFFFFu, 0xFFFFFFFFu);
    EXPECT_EQ(scrub_error(png), Errc::too_large);
    EXPECT_EQ(inspect_photo(png).error().code, Errc::too_large);
}

TEST(BadInput, PixelLimitIsConfigurable) {
    ScrubOptions options;
    options.limits.max_pixels = 96 * 64 - 1;
    EXPECT_EQ(scrub_error(fixture("gps.jpg"), options), Errc::too_large);
    options.limits.max_pixels = 96 * 64;
    EXPECT_TRUE(scrub_photo(fixture("gps.jpg"), detector(), options));
}

TEST(BadInput, ContentDecidesTheFormatNotTheName) {
    // A PNG uploaded as "photo.jpg": the pipeline never sees the name and keeps it a PNG.
    auto scrubbed = scrub_photo(fixture("gps.png"), detector());
    ASSERT_TRUE(scrubbed);
    EXPECT_EQ(scrubbed->format, ImageFormat::png);
    EXPECT_EQ(scrub_error(std::string("\xFF\xD8\xFF\xE0") + std::string(400, 'x')),
              Errc::unprocessable)
        << "JPEG magic followed by garbage";
}

TEST(BadInput, ZeroBytesIsUnsupported) {
    EXPECT_EQ(scrub_error(""), Errc::unsupported_media_type);
    EXPECT_EQ(inspect_photo("").error().code, Errc::unsupported_media_type);
}

TEST(BadInput, HeicContainerWithoutAnImageIsUnprocessable) {
    std::string heic;
    put_be32(heic, 24);
    heic += "ftypheic";
    put_be32(heic, 0);
    heic += "mif1heic";
    put_be32(heic, 8);
    heic += "free";
    EXPECT_EQ(scrub_error(heic), Errc::unprocessable);
    EXPECT_EQ(inspect_photo(heic).error().code, Errc::unprocessable);
}

TEST(BadInput, RandomBytesAreUnsupported) {
    std::mt19937 rng(42);
    std::string noise(4096, '\0');
    for (auto& c : noise)
        c = static_cast<char>(rng() & 0xFF);
    noise[0] = 'Z';  // not accidentally a JPEG
    EXPECT_EQ(scrub_error(noise), Errc::unsupported_media_type);
}

TEST(BadInput, MoreThanTwentyMegabytesIsTooLargeBeforeAnythingElse) {
    std::string big = fixture("gps.jpg");
    big.resize(21 * 1024 * 1024, '\0');
    EXPECT_EQ(scrub_error(big), Errc::too_large);
    EXPECT_EQ(inspect_photo(big).error().code, Errc::too_large);
}

TEST(PhotoPipelineRealData, BlursTheFacesOfARealPhoto) {
    const auto path =
        std::filesystem::path(SIGHTLINE_SHARED_DATA) / "faces/dlib_pascal_voc/2008_002079.jpg";
    if (!std::filesystem::exists(path)) {
        const char* ci = std::getenv("CI");
        if (ci && std::string_view(ci) == "true") FAIL() << path << " is missing on CI";
        GTEST_SKIP() << path << " is missing";
    }
    auto scrubbed = scrub_photo(read_bytes(path), detector());
    ASSERT_TRUE(scrubbed) << scrubbed.error().message;
    EXPECT_GT(scrubbed->faces_blurred, 0);
    expect_no_metadata(scrubbed->bytes, "jpg");
}

}  // namespace
}  // namespace sightline::photo
