// sightline scrub IN... --out DIR: photos and videos made safe to share. A photo goes through
// the photo intake and keeps its name and format; a video becomes NAME.mp4 (video/). Both come
// out upright, every face blurred, with no metadata at all. What a file is comes from its bytes.

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include <unistd.h>

#include <fmt/core.h>

#include "cli/command.hpp"
#include "cli/commands_list.hpp"
#include "cli/progress_bar.hpp"
#include "cli/read_file.hpp"
#include "photo/photo_pipeline.hpp"
#include "services/media_scrub.hpp"
#include "video/video_scrubber.hpp"

namespace sightline::cli {
namespace {

namespace fs = std::filesystem;

struct FileCloser {
    void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

// Written under a temporary name and renamed, so DIR never holds half a photo.
Status write_whole_file(const fs::path& path, std::string_view bytes) {
    auto temp = path;
    temp += ".partial";
    std::unique_ptr<std::FILE, FileCloser> file(std::fopen(temp.c_str(), "wb"));
    if (!file)
        return fail(Errc::invalid_argument,
                    fmt::format("cannot write {}: {}", temp.string(), std::strerror(errno)));
    bool ok = std::fwrite(bytes.data(), 1, bytes.size(), file.get()) == bytes.size();
    ok = std::fflush(file.get()) == 0 && ok;
    ok = fsync(fileno(file.get())) == 0 && ok;
    file.reset();
    std::error_code ec;
    if (ok) fs::rename(temp, path, ec);
    if (!ok || ec) {
        fs::remove(temp, ec);
        return fail(Errc::invalid_argument,
                    fmt::format("writing {} failed (disk full?)", path.string()));
    }
    return {};
}

// Ctrl-C or SIGTERM while a video is being written: the scrubber stops between frames and
// removes its partial output, so DIR never keeps half a video.
std::atomic<bool> g_cancel{false};
extern "C" void request_cancel(int /*signal*/) {
    g_cancel.store(true);
}

class CancelOnSignal {
  public:
    CancelOnSignal() {
        m_old_int = std::signal(SIGINT, request_cancel);
        m_old_term = std::signal(SIGTERM, request_cancel);
    }
    ~CancelOnSignal() {
        std::signal(SIGINT, m_old_int);
        std::signal(SIGTERM, m_old_term);
    }
    CancelOnSignal(const CancelOnSignal&) = delete;
    CancelOnSignal& operator=(const CancelOnSignal&) = delete;

  private:
    void (*m_old_int)(int) = nullptr;
    void (*m_old_term)(int) = nullptr;
};

// Names that promise a video: a photo under one of them is refused rather than written as a
// photo that claims to be a video.
bool has_video_extension(const fs::path& path) {
    auto ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (std::string_view video : {".mp4", ".mov", ".m4v", ".mkv", ".webm", ".3gp"})
        if (ext == video) return true;
    return false;
}

Result<std::string> leading_bytes(const fs::path& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        return fail(Errc::invalid_argument,
                    fs::exists(path, ec) ? "not a regular file" : "no such file");
    std::ifstream in(path, std::ios::binary);
    std::string bytes(64, '\0');
    if (!in) return fail(Errc::invalid_argument, "cannot be read");
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<std::size_t>(in.gcount()));
    return bytes;
}

std::string format_duration(double seconds) {
    auto s = static_cast<long>(std::max(0.0, seconds) + 0.5);
    if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
    return fmt::format("{}:{:02}", s / 60, s % 60);
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items)
        out += (out.empty() ? "" : ", ") + item;
    return out;
}

class ScrubCommand final : public Command {
  public:
    std::string_view name() const override { return "scrub"; }
    std::string_view summary() const override {
        return "make photos and videos safe to share: faces blurred, no metadata";
    }
    std::string help() const override {
        return "Usage: sightline scrub FILE... --out DIR [--audio keep|drop] [--jpeg-quality N]\n"
               "                       [--thumbnail N] [--quiet]\n\n"
               "Makes photos and videos safe to share and writes them to DIR. What a file is\n"
               "comes from its content, not its name.\n\n"
               "Photos (JPEG, PNG, WebP, HEIC) go through the same intake as an uploaded report\n"
               "photo and keep their file name: rotated upright, every face found pixelated,\n"
               "re-encoded in their own format at full resolution with no metadata at all: no\n"
               "EXIF, GPS, XMP, IPTC, ICC profile, comment or embedded thumbnail. Photos over\n"
               "20 MB or 50 megapixels are refused.\n\n"
               "Videos (MP4, MOV, M4V, MKV, WebM; H.264, HEVC, VP8/9, AV1 and whatever else\n"
               "FFmpeg decodes) are written as NAME.mp4 (H.264, AAC, +faststart): every face\n"
               "blurred in every frame (faces are tracked, so a frame where the detector misses\n"
               "one is still covered), turned upright, and with no metadata: no creation time,\n"
               "location, make, model, software or encoder tags, no data, subtitle, timecode or\n"
               "telemetry streams, no chapters, no attachments. Videos over 1 GB, 30 minutes or\n"
               "3840x2160 pixels a frame are refused. Audio is kept (re-encoded); use --audio\n"
               "drop when the sound could identify someone (voices, names called out) or tell\n"
               "where it was recorded (announcements, church bells, a street musician).\n\n"
               "DIR is created if missing. A file is never written over itself or over another\n"
               "input, and DIR never holds half a file (Ctrl-C removes the one being written).\n\n"
               "One line per file goes to stderr (what was blurred and removed; never the\n"
               "metadata's values), with a progress bar for videos when stderr is a terminal;\n"
               "a summary goes to stdout. The exit code is non-zero if any file failed; the\n"
               "others are still written. The data folder is not used.\n\n" +
               format_options(specs());
    }
    Status parse(const std::vector<std::string>& args) override {
        auto parsed = parse_args(args, specs());
        if (!parsed) return std::unexpected(parsed.error());
        m_args = *parsed;
        if (m_args.positionals.empty())
            return fail(Errc::invalid_argument, "name the photos or videos to scrub");
        auto out = m_args.value("out");
        if (!out || out->empty()) return fail(Errc::invalid_argument, "say where: --out DIR");
        m_out = *out;
        if (auto q = m_args.value("jpeg-quality")) {
            auto quality = parse_integer("--jpeg-quality", *q, 1, 100);
            if (!quality) return std::unexpected(quality.error());
            m_options.jpeg_quality = static_cast<int>(*quality);
        }
        m_options.thumbnail_size = 0;
        if (auto t = m_args.value("thumbnail")) {
            auto size = parse_integer("--thumbnail", *t, 16, 4096);
            if (!size) return std::unexpected(size.error());
            m_options.thumbnail_size = static_cast<int>(*size);
        }
        if (auto audio = m_args.value("audio")) {
            if (*audio == "keep")
                m_video_options.audio = video::AudioMode::keep;
            else if (*audio == "drop")
                m_video_options.audio = video::AudioMode::drop;
            else
                return fail(Errc::invalid_argument, "--audio is keep or drop");
        }
        return {};
    }
    int run() override {
        std::error_code ec;
        fs::create_directories(m_out, ec);
        if (ec || !fs::is_directory(m_out))
            return report_error(
                name(), Error{Errc::invalid_argument,
                              fmt::format("cannot create {}: {}", m_out.string(), ec.message())});
        const faces::FaceDetector faces;
        const CancelOnSignal cancel_on_signal;
        const bool verbose = !m_args.has("quiet");
        const auto& inputs = m_args.positionals;
        std::set<std::string> names_taken;
        int first_failure = 0;
        std::vector<std::string> failed;
        std::int64_t faces_total = 0;
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            const fs::path in = inputs[i];
            const auto file_name = in.filename().string();
            auto progress = fmt::format("[{}/{}] {}", i + 1, inputs.size(), file_name);
            if (g_cancel.load()) {
                failed.push_back(inputs[i]);
                if (first_failure == 0)
                    first_failure = report_error(name(), Error{Errc::unavailable, "interrupted"});
                continue;
            }
            auto outcome = scrub_one(in, faces, inputs, names_taken, progress);
            if (!outcome) {
                int code = report_error(
                    name(), Error{outcome.error().code,
                                  fmt::format("{}: {}", inputs[i], outcome.error().message)});
                if (first_failure == 0) first_failure = code;
                failed.push_back(inputs[i]);
                continue;
            }
            faces_total += outcome->faces_blurred;
            if (verbose)
                fmt::print(stderr, "{}: {}{} {} blurred, {}\n", progress, outcome->written_as,
                           outcome->faces_blurred,
                           outcome->video
                               ? (outcome->faces_blurred == 1 ? "face track" : "face tracks")
                               : (outcome->faces_blurred == 1 ? "face" : "faces"),
                           outcome->metadata_removed.empty()
                               ? std::string("no metadata found")
                               : "removed " + join(outcome->metadata_removed));
        }
        fmt::print("scrubbed {} of {} files into {}: {} faces blurred\n",
                   inputs.size() - failed.size(), inputs.size(), m_out.string(), faces_total);
        if (!failed.empty())
            fmt::print(stderr, "sightline scrub: {} failed: {}\n", failed.size(), join(failed));
        return first_failure;
    }

  private:
    struct Outcome {
        bool video = false;
        std::string written_as;  ///< "written as NAME.mp4, " when the name changed
        std::int64_t faces_blurred = 0;
        std::vector<std::string> metadata_removed;
    };

    Result<Outcome> scrub_one(const fs::path& in, const faces::FaceDetector& faces,
                              const std::vector<std::string>& inputs,
                              std::set<std::string>& names_taken, const std::string& label) const {
        if (in.filename().empty()) return fail(Errc::invalid_argument, "not a file name");
        auto leading = leading_bytes(in);
        if (!leading) return std::unexpected(leading.error());
        auto kind = services::sniff_media(*leading);
        if (!kind) return std::unexpected(kind.error());
        const bool is_video = *kind == services::MediaKind::video;
        if (!is_video && has_video_extension(in))
            return fail(Errc::unsupported_media_type,
                        "the name says video but the content is a photo; give it the photo's "
                        "extension to scrub it as a photo");
        auto target = m_out / in.filename();
        if (is_video) target.replace_extension(".mp4");
        if (!names_taken.insert(target.filename().string()).second)
            return fail(Errc::conflict,
                        fmt::format("another input of the same name is already written to {}",
                                    target.string()));
        std::error_code ec;
        for (const auto& other : inputs)
            if (fs::exists(target, ec) && fs::equivalent(target, other, ec))
                return fail(Errc::conflict,
                            fmt::format("refusing to overwrite the input {}", other));
        if (is_video) return scrub_video_file(in, target, faces, label);
        auto bytes = read_file(in.string(), m_options.limits.max_bytes);
        if (!bytes) return std::unexpected(bytes.error());
        auto scrubbed = photo::scrub_photo(*bytes, faces, m_options);
        if (!scrubbed) return std::unexpected(scrubbed.error());
        if (auto ok = write_whole_file(target, scrubbed->bytes); !ok)
            return std::unexpected(ok.error());
        if (!scrubbed->thumbnail_webp.empty()) {
            auto thumb = m_out / (in.filename().string() + ".thumb.webp");
            if (auto ok = write_whole_file(thumb, scrubbed->thumbnail_webp); !ok)
                return std::unexpected(ok.error());
        }
        return Outcome{false, "", scrubbed->faces_blurred, std::move(scrubbed->metadata_removed)};
    }

    Result<Outcome> scrub_video_file(const fs::path& in, const fs::path& target,
                                     const faces::FaceDetector& faces,
                                     const std::string& label) const {
        ProgressBar bar;
        const bool draw = show_progress(m_args);
        const auto start = std::chrono::steady_clock::now();
        auto on_progress = [&](const video::VideoProgress& p) {
            if (!draw) return;
            const double elapsed =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            const double fps = elapsed > 0 ? static_cast<double>(p.frames_done) / elapsed : 0;
            std::string detail = p.frames_expected > 0
                                     ? fmt::format("frame {}/{}", p.frames_done, p.frames_expected)
                                     : fmt::format("frame {}", p.frames_done);
            detail += fmt::format(", {:.1f} fps", fps);
            if (p.fraction > 0.01 && p.fraction < 1)
                detail += ", ETA " + format_duration(elapsed * (1 - p.fraction) / p.fraction);
            bar.update(label, p.fraction, detail);
        };
        auto report =
            video::scrub_video(in, target, faces, m_video_options, on_progress, &g_cancel);
        bar.finish();
        if (!report) {
            if (g_cancel.load()) return fail(Errc::unavailable, "interrupted; nothing written");
            return std::unexpected(report.error());
        }
        auto written_as = target.filename() == in.filename()
                              ? std::string()
                              : fmt::format("written as {}, ", target.filename().string());
        return Outcome{true, std::move(written_as), report->faces, std::move(report->removed)};
    }

    static std::vector<OptionSpec> specs() {
        return {
            {"out", "DIR", "write the scrubbed files here (created if missing)"},
            data_option(),
            {"audio", "keep|drop", "a video's sound: re-encoded (keep, the default) or removed"},
            {"jpeg-quality", "N", "JPEG quality of the output, 1 to 100 (default 88)"},
            {"thumbnail", "N", "also write DIR/NAME.thumb.webp, longest side N pixels, 16 to 4096"},
            {"quiet", "", "no line per file and no progress bar"}};
    }
    ParsedArgs m_args;
    fs::path m_out;
    photo::ScrubOptions m_options;
    video::VideoScrubOptions m_video_options;
};

}  // namespace

std::unique_ptr<Command> make_scrub_command() {
    return std::make_unique<ScrubCommand>();
}

}  // namespace sightline::cli
