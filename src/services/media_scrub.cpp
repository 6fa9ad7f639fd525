#include "services/media_scrub.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <fmt/core.h>

#include "core/file_descriptor.hpp"

namespace sightline::services {
namespace {

/// Up to `size` bytes from the file's start: fewer where it is shorter (or shrank meanwhile).
Result<std::string> read_start(int fd, std::size_t size) {
    std::string bytes(size, '\0');
    const auto got = core::read_at(fd, bytes.data(), size, 0);
    if (got < 0) return fail(Errc::invalid_argument, "the file cannot be read");
    bytes.resize(static_cast<std::size_t>(got));
    return bytes;
}

// Temporary name -> write all -> fsync -> rename -> fsync the folder: the result exists
// whole or not at all.
Status write_atomically(const std::filesystem::path& path, std::string_view bytes) {
    auto temp = path;
    temp += ".partial";
    constexpr const char* failed = "writing the output file failed (disk full?)";
    core::FileDescriptor out(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!out.valid()) return fail(Errc::invalid_argument, "the output file cannot be created");
    bool ok = core::write_all_at(out.get(), bytes.data(), bytes.size(), 0);
    ok = ok && ::fsync(out.get()) == 0;
    ok = ::close(out.release()) == 0 && ok;
    std::error_code ec;
    if (ok) std::filesystem::rename(temp, path, ec);
    if (!ok || ec) {
        std::filesystem::remove(temp, ec);
        return fail(Errc::invalid_argument, failed);
    }
    auto folder = path.parent_path();
    if (folder.empty()) folder = ".";
    const core::FileDescriptor dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.valid()) ::fsync(dir.get());
    return {};
}

std::filesystem::path with_extension(const std::filesystem::path& stem, std::string_view ext) {
    auto path = stem;
    path += ".";
    path += std::string(ext);
    return path;
}

Result<ScrubbedMedia> scrub_photo_file(int fd, std::uintmax_t size,
                                       const std::filesystem::path& output_stem,
                                       const faces::FaceDetector& detector,
                                       const MediaScrubOptions& options) {
    if (size > options.photo.limits.max_bytes)
        return fail(Errc::too_large, fmt::format("the photo is larger than {} MB",
                                                 options.photo.limits.max_bytes / (1024 * 1024)));
    auto bytes = read_start(fd, static_cast<std::size_t>(size));
    if (!bytes) return std::unexpected(bytes.error());
    auto scrubbed = photo::scrub_photo(*bytes, detector, options.photo);
    if (!scrubbed) return std::unexpected(scrubbed.error());
    ScrubbedMedia media;
    media.kind = MediaKind::photo;
    media.extension = std::string(photo::file_extension(scrubbed->format));
    media.content_type = std::string(photo::mime_type(scrubbed->format));
    media.file = with_extension(output_stem, media.extension);
    media.width = scrubbed->width;
    media.height = scrubbed->height;
    media.faces = scrubbed->faces_blurred;
    media.removed = std::move(scrubbed->metadata_removed);
    if (auto ok = write_atomically(media.file, scrubbed->bytes); !ok)
        return std::unexpected(ok.error());
    return media;
}

}  // namespace

Result<MediaKind> sniff_media(std::string_view leading_bytes) {
    if (leading_bytes.empty()) return fail(Errc::unsupported_media_type, "the file is empty");
    if (photo::sniff_format(leading_bytes)) return MediaKind::photo;
    if (video::looks_like_video(leading_bytes)) return MediaKind::video;
    return fail(Errc::unsupported_media_type,
                "the file is not a photo or video this tool can read (JPEG, PNG, WebP, HEIC, "
                "MP4, MOV, M4V, MKV or WebM)");
}

Result<ScrubbedMedia> scrub_media_file(const std::filesystem::path& input,
                                       const std::filesystem::path& output_stem,
                                       const faces::FaceDetector& detector,
                                       const MediaScrubOptions& options,
                                       const MediaProgressFn& progress,
                                       const std::atomic<bool>* cancel) {
    const core::FileDescriptor in(::open(input.c_str(), O_RDONLY | O_CLOEXEC));
    if (!in.valid())
        return fail(Errc::invalid_argument,
                    fmt::format("the file cannot be opened ({})", std::strerror(errno)));
    struct stat st {};
    if (::fstat(in.get(), &st) != 0 || !S_ISREG(st.st_mode))
        return fail(Errc::invalid_argument, "not a regular file");
    auto leading = read_start(in.get(), 64);
    if (!leading) return std::unexpected(leading.error());
    auto kind = sniff_media(*leading);
    if (!kind) return std::unexpected(kind.error());
    if (cancel != nullptr && cancel->load()) return fail(Errc::unavailable, "cancelled");

    if (*kind == MediaKind::photo) {
        auto media = scrub_photo_file(in.get(), static_cast<std::uintmax_t>(st.st_size),
                                      output_stem, detector, options);
        if (media && progress) progress(1.0);
        return media;
    }

    ScrubbedMedia media;
    media.kind = MediaKind::video;
    media.extension = "mp4";
    media.content_type = "video/mp4";
    media.file = with_extension(output_stem, media.extension);
    video::VideoProgressFn on_progress;
    if (progress)
        on_progress = [&progress](const video::VideoProgress& p) { progress(p.fraction); };
    auto report =
        video::scrub_video(input, media.file, detector, options.video, on_progress, cancel);
    if (!report) return std::unexpected(report.error());
    media.width = report->width;
    media.height = report->height;
    media.faces = report->faces;
    media.removed = std::move(report->removed);
    return media;
}

}  // namespace sightline::services
