#pragma once
// Use cases of photos: scrub uploads (in memory) and write the files, inspect a photo for
// location suggestions, serve stored files, find near-duplicate pictures, and delete the files
// no report links to any more.

#include <filesystem>
#include <memory>
#include <mutex>
#include <semaphore>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "model/photo.hpp"
#include "model/report.hpp"
#include "photo/photo_pipeline.hpp"
#include "store/photo_storage.hpp"
#include "store/store.hpp"

namespace sightline::services {

struct PhotoOptions {
    photo::ScrubOptions scrub;
    faces::FaceDetectorOptions faces;
    /// Scrubs running at once; each may hold up to ~4 bytes per pixel of a 50 MP image.
    int max_concurrent_scrubs = 2;
};

/// One upload after the intake: the record to store and what it told us before stripping.
struct ScrubbedUpload {
    model::PhotoRecord record;
    photo::PhotoSuggestion suggestion;
    std::vector<std::string> metadata_removed;
};

struct PhotoFile {
    std::string bytes;
    std::string content_type;
};

class PhotoService {
  public:
    /// `files` null: photos are refused (unavailable).
    PhotoService(store::Store& store, store::PhotoStorage* files, PhotoOptions options = {});
    ~PhotoService();

    /// Scrubs every photo in memory first (one failure fails all, nothing written), then
    /// writes the files. The caller stores the records; if it cannot, discard_unreferenced().
    Result<std::vector<ScrubbedUpload>> scrub_and_write(std::span<const std::string_view> photos);
    /// Location and direction suggestions from the photo's metadata; stores nothing.
    Result<photo::PhotoSuggestion> inspect(std::string_view bytes, double camera_distance_m) const;
    /// A stored photo or its thumbnail. not_found for an unknown or malformed hash.
    Result<PhotoFile> read(std::string_view sha256, store::PhotoVariant variant);
    /// Photos of other reports that look like this report's, closest first.
    std::vector<model::SimilarPhoto> similar_to(const model::Report& report, int limit);
    /// Deletes records and files of photos no report links to (after a withdrawal).
    void discard_unreferenced();
    /// Deletes what a crash can leave in the photo folder: temporary files of unfinished writes,
    /// and photo files with no record (a report insert that never committed). Call at start-up,
    /// before requests arrive (a write in progress looks like an orphan). Returns the count.
    std::size_t sweep_orphan_files();

    /// A capability to see a photo that is not public yet (its report is pending), for the
    /// reporter right after the upload: "<expiry>.<HMAC>", valid for an hour, under a key that
    /// lives in memory only. Goes into the URLs of the submit answer (?preview=...).
    std::string preview_token(std::string_view sha256, std::int64_t now_s) const;
    [[nodiscard]] bool preview_allows(std::string_view sha256, std::string_view token,
                                      std::int64_t now_s) const;

  private:
    const faces::FaceDetector& detector();

    store::Store& m_store;
    std::string m_preview_key;  ///< random, per process
    store::PhotoStorage* m_files;
    PhotoOptions m_options;
    std::once_flag m_detector_once;
    std::unique_ptr<faces::FaceDetector>
        m_detector;  // loaded on first use: the CLI rarely needs it
    std::counting_semaphore<64> m_scrub_slots;
};

}  // namespace sightline::services
