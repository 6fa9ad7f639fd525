// EXIF/XMP/IPTC read with exiv2 before the pixels are re-encoded without any of it.

#include "photo/photo_metadata.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <mutex>

#include <exiv2/exiv2.hpp>

#include "geo/distance.hpp"

namespace sightline::photo {
namespace {

constexpr std::array<std::string_view, 9> kind_order = {"EXIF", "GPS", "device",  "date",     "XMP",
                                                        "IPTC", "ICC", "comment", "thumbnail"};

std::optional<double> rational_at(const Exiv2::Value& value, long index) {
    if (index >= value.count()) return std::nullopt;
    auto r = value.toRational(index);
    if (r.second == 0) return std::nullopt;
    double v = static_cast<double>(r.first) / static_cast<double>(r.second);
    if (!std::isfinite(v)) return std::nullopt;
    return v;
}

// GPSLatitude/GPSLongitude: degrees, minutes, seconds as three rationals.
std::optional<double> degrees_of(const Exiv2::Value& value) {
    if (value.count() < 1) return std::nullopt;
    auto d = rational_at(value, 0);
    if (!d) return std::nullopt;
    double deg =
        *d + rational_at(value, 1).value_or(0) / 60.0 + rational_at(value, 2).value_or(0) / 3600.0;
    return deg;
}

std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// EXIF "YYYY:MM:DD HH:MM:SS" (local time of the camera).
std::optional<std::int64_t> parse_exif_datetime(const std::string& text) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    if (std::sscanf(text.c_str(), "%4d:%2d:%2d %2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6)
        return std::nullopt;
    if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 || h < 0 ||
        mi < 0 || s < 0)
        return std::nullopt;
    return days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
           h * 3600 + mi * 60 + s;
}

// OffsetTimeOriginal "+HH:MM" / "-HH:MM" in seconds east of UTC.
std::optional<std::int64_t> parse_utc_offset(const std::string& text) {
    char sign = 0;
    int h = 0, m = 0;
    if (std::sscanf(text.c_str(), "%c%2d:%2d", &sign, &h, &m) != 3) return std::nullopt;
    if ((sign != '+' && sign != '-') || h > 14 || m > 59 || h < 0 || m < 0) return std::nullopt;
    std::int64_t seconds = h * 3600 + m * 60;
    return sign == '-' ? -seconds : seconds;
}

struct GpsFields {
    std::optional<double> lat, lon, accuracy_m, heading_deg;
    std::string lat_ref, lon_ref;
    std::string taken_local, offset;
};

void read_exif(const Exiv2::ExifData& exif, GpsFields& gps, std::vector<std::string>& kinds) {
    if (!exif.empty()) add_kind(kinds, "EXIF");
    for (const auto& datum : exif) {
        const std::string group = datum.groupName();
        const auto tag = datum.tag();
        if (group == "GPSInfo") add_kind(kinds, "GPS");
        if (group == "Thumbnail") add_kind(kinds, "thumbnail");
        if (tag == 0x010f || tag == 0x0110 || tag == 0xa431 || tag == 0xa434 || tag == 0xa435)
            add_kind(kinds, "device");  // Make, Model, BodySerialNumber, LensModel, LensSerial
        if (tag == 0x0132 || tag == 0x9003 || tag == 0x9004) add_kind(kinds, "date");
        if (tag == 0x9286) add_kind(kinds, "comment");  // UserComment
        const auto& value = datum.value();
        if (group == "GPSInfo") {
            switch (tag) {
                case 0x0001:
                    gps.lat_ref = datum.toString();
                    break;
                case 0x0002:
                    gps.lat = degrees_of(value);
                    break;
                case 0x0003:
                    gps.lon_ref = datum.toString();
                    break;
                case 0x0004:
                    gps.lon = degrees_of(value);
                    break;
                case 0x0011:
                    gps.heading_deg = rational_at(value, 0);
                    break;
                case 0x001f:
                    gps.accuracy_m = rational_at(value, 0);
                    break;
                default:
                    break;
            }
        } else if (group == "Photo") {
            if (tag == 0x9003) gps.taken_local = datum.toString();
            if (tag == 0x9011) gps.offset = datum.toString();  // OffsetTimeOriginal
        }
    }
}

PhotoSuggestion suggestion_from(const GpsFields& gps, double camera_distance_m) {
    PhotoSuggestion s;
    s.camera_distance_m = camera_distance_m;
    if (gps.lat && gps.lon) {
        geo::LatLon where{gps.lat_ref.starts_with('S') ? -*gps.lat : *gps.lat,
                          gps.lon_ref.starts_with('W') ? -*gps.lon : *gps.lon};
        if (where.is_valid() && !(where.lat == 0 && where.lon == 0)) s.photographer = where;
    }
    if (gps.accuracy_m && *gps.accuracy_m >= 0) s.accuracy_m = gps.accuracy_m;
    if (gps.heading_deg && *gps.heading_deg >= 0 && *gps.heading_deg <= 360)
        s.heading_deg = std::fmod(*gps.heading_deg, 360.0);
    if (auto local = parse_exif_datetime(gps.taken_local)) {
        s.taken_at = *local - parse_utc_offset(gps.offset).value_or(0);
    }
    if (s.photographer && s.heading_deg) {
        s.camera_position = geo::destination(*s.photographer, *s.heading_deg, camera_distance_m);
        s.camera_direction_deg = std::fmod(*s.heading_deg + 180.0, 360.0);
    }
    return s;
}

}  // namespace

void add_kind(std::vector<std::string>& kinds, std::string_view kind) {
    if (std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) return;
    auto rank = [](std::string_view k) {
        return std::find(kind_order.begin(), kind_order.end(), k) - kind_order.begin();
    };
    auto at = std::find_if(kinds.begin(), kinds.end(),
                           [&](const std::string& k) { return rank(k) > rank(kind); });
    kinds.insert(at, std::string(kind));
}

void initialise_exiv2() noexcept {
    static std::once_flag once;
    std::call_once(once, [] {
        // Exiv2 warns on stderr about every odd tag; corrupt metadata is an expected input here.
        Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
        Exiv2::XmpParser::initialize();
        Exiv2::enableBMFF(true);
    });
}

// The TIFF header inside an EXIF block: decoders hand it over with "Exif\0\0" or a HEIF offset
// field in front of it.
std::string_view tiff_part(std::string_view blob) {
    for (std::size_t at = 0; at + 4 <= blob.size() && at <= 16; ++at) {
        auto head = blob.substr(at, 4);
        if (head == std::string_view("II*\0", 4) || head == std::string_view("MM\0*", 4))
            return blob.substr(at);
    }
    return {};
}

PhotoMetadata read_metadata(std::string_view bytes, double camera_distance_m,
                            std::string_view exif_blob) noexcept {
    initialise_exiv2();
    PhotoMetadata result;
    GpsFields gps;
    bool have_exif = false;
    try {
        auto image = Exiv2::ImageFactory::open(reinterpret_cast<const Exiv2::byte*>(bytes.data()),
                                               static_cast<long>(bytes.size()));
        if (image.get() != nullptr) {
            image->readMetadata();
            read_exif(image->exifData(), gps, result.kinds);
            have_exif = !image->exifData().empty();
            if (!image->xmpData().empty() || !image->xmpPacket().empty())
                add_kind(result.kinds, "XMP");
            if (!image->iptcData().empty()) add_kind(result.kinds, "IPTC");
            if (image->iccProfileDefined()) add_kind(result.kinds, "ICC");
            if (!image->comment().empty()) add_kind(result.kinds, "comment");
        }
    } catch (...) {
        // Corrupt metadata only costs the suggestion; the pixels are still scrubbed.
        gps = GpsFields{};
    }
    if (!have_exif) {
        try {
            if (auto tiff = tiff_part(exif_blob); !tiff.empty()) {
                Exiv2::ExifData exif;
                Exiv2::ExifParser::decode(exif, reinterpret_cast<const Exiv2::byte*>(tiff.data()),
                                          static_cast<std::uint32_t>(tiff.size()));
                read_exif(exif, gps, result.kinds);
            }
        } catch (...) {
            gps = GpsFields{};
        }
    }
    result.suggestion = suggestion_from(gps, camera_distance_m);
    return result;
}

}  // namespace sightline::photo
