#include "services/photo_service.hpp"

#include <charconv>
#include <filesystem>

#include <algorithm>

#include <fmt/core.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sodium.h>

#include "services/crypto.hpp"

namespace sightline::services {
namespace {

std::string_view extension_of_format(std::string_view format) {
    for (auto f : {photo::ImageFormat::jpeg, photo::ImageFormat::png, photo::ImageFormat::webp,
                   photo::ImageFormat::heif})
        if (photo::to_string(f) == format) return photo::file_extension(f);
    return "bin";
}

std::string_view mime_of_format(std::string_view format) {
    for (auto f : {photo::ImageFormat::jpeg, photo::ImageFormat::png, photo::ImageFormat::webp,
                   photo::ImageFormat::heif})
        if (photo::to_string(f) == format) return photo::mime_type(f);
    return "application/octet-stream";
}

// Holds one of the scrub slots for its lifetime.
class SlotGuard {
  public:
    explicit SlotGuard(std::counting_semaphore<64>& slots) : m_slots(slots) { m_slots.acquire(); }
    ~SlotGuard() { m_slots.release(); }
    SlotGuard(const SlotGuard&) = delete;
    SlotGuard& operator=(const SlotGuard&) = delete;

  private:
    std::counting_semaphore<64>& m_slots;
};

}  // namespace

PhotoService::PhotoService(store::Store& store, store::PhotoStorage* files, PhotoOptions options)
    : m_store(store),
      m_files(files),
      m_options(options),
      m_scrub_slots(std::clamp(options.max_concurrent_scrubs, 1, 64)) {
    m_preview_key = random_token(32);
}

PhotoService::~PhotoService() = default;

namespace {
constexpr std::int64_t preview_lifetime_s = 3600;

// HMAC-SHA-256 (libsodium) of "<hash>|<expiry>" under the process's preview key, in hex.
std::string preview_mac(std::string_view key, std::string_view sha256, std::int64_t expiry) {
    static_assert(crypto_auth_hmacsha256_KEYBYTES == 32);
    unsigned char k[crypto_auth_hmacsha256_KEYBYTES] = {};
    std::copy_n(key.begin(), std::min(key.size(), sizeof k), k);
    const std::string message = fmt::format("{}|{}", sha256, expiry);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(message.data()),
                           message.size(), k);
    return fmt::format("{:02x}", fmt::join(mac, ""));
}
}  // namespace

std::string PhotoService::preview_token(std::string_view sha256, std::int64_t now_s) const {
    const std::int64_t expiry = now_s + preview_lifetime_s;
    return fmt::format("{}.{}", expiry, preview_mac(m_preview_key, sha256, expiry));
}

bool PhotoService::preview_allows(std::string_view sha256, std::string_view token,
                                  std::int64_t now_s) const {
    const auto dot = token.find('.');
    if (dot == std::string_view::npos) return false;
    std::int64_t expiry = 0;
    const auto digits = token.substr(0, dot);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), expiry);
    if (ec != std::errc() || end != digits.data() + digits.size() || expiry < now_s ||
        expiry > now_s + preview_lifetime_s)
        return false;
    return constant_time_equal(token.substr(dot + 1), preview_mac(m_preview_key, sha256, expiry));
}

const faces::FaceDetector& PhotoService::detector() {
    std::call_once(m_detector_once,
                   [this] { m_detector = std::make_unique<faces::FaceDetector>(m_options.faces); });
    return *m_detector;
}

Result<std::vector<ScrubbedUpload>> PhotoService::scrub_and_write(
    std::span<const std::string_view> photos) {
    if (photos.size() > model::max_photos_per_report)
        return fail(Errc::too_large,
                    fmt::format("at most {} photos per report", model::max_photos_per_report));
    if (!m_files) return fail(Errc::unavailable, "this server does not accept photos");
    std::vector<photo::ScrubbedPhoto> scrubbed;
    scrubbed.reserve(photos.size());
    const auto& faces = detector();
    for (std::size_t i = 0; i < photos.size(); ++i) {
        SlotGuard slot(m_scrub_slots);
        auto result = photo::scrub_photo(photos[i], faces, m_options.scrub);
        if (!result) {
            auto error = result.error();
            if (photos.size() > 1)
                error.message = fmt::format("photo {}: {}", i + 1, error.message);
            return std::unexpected(std::move(error));
        }
        scrubbed.push_back(std::move(*result));
    }
    std::vector<ScrubbedUpload> uploads;
    for (auto& s : scrubbed) {
        ScrubbedUpload upload;
        upload.record.sha256 = sha256_hex(s.bytes);
        upload.record.format = std::string(photo::to_string(s.format));
        upload.record.width = s.width;
        upload.record.height = s.height;
        upload.record.byte_size = static_cast<std::int64_t>(s.bytes.size());
        upload.record.faces_blurred = s.faces_blurred;
        upload.record.perceptual_hash = s.perceptual_hash;
        upload.suggestion = s.suggestion;
        upload.metadata_removed = std::move(s.metadata_removed);
        m_files->write(upload.record.sha256, photo::file_extension(s.format), s.bytes,
                       s.thumbnail_webp);
        uploads.push_back(std::move(upload));
    }
    return uploads;
}

Result<photo::PhotoSuggestion> PhotoService::inspect(std::string_view bytes,
                                                     double camera_distance_m) const {
    return photo::inspect_photo(bytes, m_options.scrub.limits, camera_distance_m);
}

Result<PhotoFile> PhotoService::read(std::string_view sha256, store::PhotoVariant variant) {
    if (!model::is_sha256_hex(sha256)) return fail(Errc::not_found, "no such photo");
    auto record = m_store.find_photo(sha256);
    if (!record) return std::unexpected(record.error());
    auto bytes = m_files->read(sha256, extension_of_format(record->format), variant);
    if (!bytes) return fail(Errc::not_found, "no such photo");
    PhotoFile file;
    file.bytes = std::move(*bytes);
    file.content_type = variant == store::PhotoVariant::thumbnail
                            ? "image/webp"
                            : std::string(mime_of_format(record->format));
    return file;
}

std::vector<model::SimilarPhoto> PhotoService::similar_to(const model::Report& report, int limit) {
    std::vector<model::SimilarPhoto> out;
    for (const auto& p : report.photos) {
        for (auto& similar : m_store.similar_photos(
                 p.perceptual_hash, model::similar_photo_max_distance, report.id, limit)) {
            similar.similar_to = p.sha256;
            out.push_back(std::move(similar));
        }
    }
    std::ranges::sort(out, [](const auto& a, const auto& b) { return a.distance < b.distance; });
    if (out.size() > static_cast<std::size_t>(std::max(limit, 0))) out.resize(std::max(limit, 0));
    return out;
}

void PhotoService::discard_unreferenced() {
    // Records first: a crash between the two leaves only orphan files, never a record
    // pointing at a missing file.
    for (const auto& hash : m_store.delete_unreferenced_photos()) {
        for (auto f : {photo::ImageFormat::jpeg, photo::ImageFormat::png, photo::ImageFormat::webp,
                       photo::ImageFormat::heif})
            m_files->remove(hash, photo::file_extension(f));
    }
}

std::size_t PhotoService::sweep_orphan_files() {
    if (!m_files) return 0;
    return m_files->sweep_orphans(
        [this](std::string_view hash) { return m_store.find_photo(hash).has_value(); });
}

}  // namespace sightline::services
