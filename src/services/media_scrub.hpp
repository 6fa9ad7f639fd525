#pragma once
// One entry point for "make this file safe to share", photo or video, judged by content: used by
// `sightline scrub` and by the scrub jobs of the server. Photos go through the photo intake
// (photo/), videos through video/; both blur faces with the same faces::FaceDetector.

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "faces/face_detector.hpp"
#include "photo/photo_pipeline.hpp"
#include "video/video_scrubber.hpp"

namespace sightline::services {

enum class MediaKind { photo, video };

struct MediaScrubOptions {
    photo::ScrubOptions photo;
    video::VideoScrubOptions video;
};

struct ScrubbedMedia {
    MediaKind kind = MediaKind::photo;
    std::filesystem::path file;  ///< the written result
    std::string content_type;    ///< "image/jpeg", ..., "video/mp4"
    std::string extension;       ///< "jpg", "png", "webp", "heic", "mp4"
    int width = 0;
    int height = 0;
    std::int64_t faces = 0;            ///< faces blurred (photos) or face tracks (videos)
    std::vector<std::string> removed;  ///< kinds of metadata/streams removed, never values
};

/// Progress of one file, 0..1.
using MediaProgressFn = std::function<void(double fraction)>;

/// What kind of media the first bytes are; unsupported_media_type if neither.
Result<MediaKind> sniff_media(std::string_view leading_bytes);

/// Scrubs `input` and writes the result to `output_stem` + "." + extension (the extension
/// follows the content: a photo keeps its format, a video becomes .mp4). Nothing is left at the
/// output path on failure. Errors as photo::scrub_photo and video::scrub_video.
Result<ScrubbedMedia> scrub_media_file(const std::filesystem::path& input,
                                       const std::filesystem::path& output_stem,
                                       const faces::FaceDetector& detector,
                                       const MediaScrubOptions& options = {},
                                       const MediaProgressFn& progress = {},
                                       const std::atomic<bool>* cancel = nullptr);

}  // namespace sightline::services
