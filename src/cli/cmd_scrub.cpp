// sightline scrub IN... --out DIR: the photo intake run on files: each photo is written to DIR
// under the same name and format, upright, faces blurred, with no metadata at all.

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>

#include <unistd.h>

#include <fmt/core.h>

#include "cli/command.hpp"
#include "cli/commands_list.hpp"
#include "cli/read_file.hpp"
#include "photo/photo_pipeline.hpp"

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
        return "strip metadata from photos and blur the faces in them";
    }
    std::string help() const override {
        return "Usage: sightline scrub PHOTO... --out DIR [--jpeg-quality N] [--thumbnail N]\n"
               "                       [--no-dlib] [--quiet]\n\n"
               "Runs each photo through the same intake as an uploaded report photo and writes\n"
               "the result to DIR under the same file name: rotated upright, every face found\n"
               "pixelated, re-encoded in its own format (JPEG, PNG, WebP or HEIC, judged by the\n"
               "content, not the name) at full resolution and with no metadata at all: no EXIF,\n"
               "GPS, XMP, IPTC, ICC profile, comment or embedded thumbnail.\n\n"
               "DIR is created if missing. A photo is never written over itself or over another\n"
               "input. Photos over 20 MB or 50 megapixels are refused.\n\n"
               "One line per photo goes to stderr (what was blurred and removed; never the\n"
               "metadata's values), a summary to stdout. The exit code is non-zero if any photo\n"
               "failed; the others are still written. The data folder is not used.\n\n" +
               format_options(specs());
    }
    Status parse(const std::vector<std::string>& args) override {
        auto parsed = parse_args(args, specs());
        if (!parsed) return std::unexpected(parsed.error());
        m_args = *parsed;
        if (m_args.positionals.empty()) return fail(Errc::invalid_argument, "name the photos");
        auto out = m_args.value("out");
        if (!out || out->empty()) return fail(Errc::invalid_argument, "say where: --out DIR");
        m_out = *out;
        if (auto q = m_args.value("jpeg-quality")) {
            int quality = 0;
            auto [end, ec] = std::from_chars(q->data(), q->data() + q->size(), quality);
            if (ec != std::errc() || end != q->data() + q->size() || quality < 1 || quality > 100)
                return fail(Errc::invalid_argument, "--jpeg-quality is a number from 1 to 100");
            m_options.jpeg_quality = quality;
        }
        m_options.thumbnail_size = 0;
        if (auto t = m_args.value("thumbnail")) {
            int size = 0;
            auto [end, ec] = std::from_chars(t->data(), t->data() + t->size(), size);
            if (ec != std::errc() || end != t->data() + t->size() || size < 16 || size > 4096)
                return fail(Errc::invalid_argument, "--thumbnail is a size from 16 to 4096");
            m_options.thumbnail_size = size;
        }
        m_detector_options.use_dlib_hog = !m_args.has("no-dlib");
        return {};
    }
    int run() override {
        std::error_code ec;
        fs::create_directories(m_out, ec);
        if (ec || !fs::is_directory(m_out))
            return report_error(
                name(), Error{Errc::invalid_argument,
                              fmt::format("cannot create {}: {}", m_out.string(), ec.message())});
        const photo::FaceDetector faces(m_detector_options);
        const bool verbose = !m_args.has("quiet");
        const auto& inputs = m_args.positionals;
        std::set<std::string> names_taken;
        int first_failure = 0;
        std::vector<std::string> failed;
        int faces_total = 0;
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            const fs::path in = inputs[i];
            const auto file_name = in.filename().string();
            auto progress = fmt::format("[{}/{}] {}", i + 1, inputs.size(), file_name);
            auto outcome = scrub_one(in, faces, inputs, names_taken);
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
                fmt::print(stderr, "{}: {} {} blurred, {}\n", progress, outcome->faces_blurred,
                           outcome->faces_blurred == 1 ? "face" : "faces",
                           outcome->metadata_removed.empty()
                               ? std::string("no metadata found")
                               : "removed " + join(outcome->metadata_removed));
        }
        fmt::print("scrubbed {} of {} photos into {}: {} faces blurred\n",
                   inputs.size() - failed.size(), inputs.size(), m_out.string(), faces_total);
        if (!failed.empty())
            fmt::print(stderr, "sightline scrub: {} failed: {}\n", failed.size(), join(failed));
        return first_failure;
    }

  private:
    struct Outcome {
        int faces_blurred = 0;
        std::vector<std::string> metadata_removed;
    };

    Result<Outcome> scrub_one(const fs::path& in, const photo::FaceDetector& faces,
                              const std::vector<std::string>& inputs,
                              std::set<std::string>& names_taken) const {
        const auto target = m_out / in.filename();
        if (in.filename().empty()) return fail(Errc::invalid_argument, "not a file name");
        if (!names_taken.insert(in.filename().string()).second)
            return fail(Errc::conflict,
                        "another photo of the same name is already written to " + m_out.string());
        std::error_code ec;
        for (const auto& other : inputs)
            if (fs::exists(target, ec) && fs::equivalent(target, other, ec))
                return fail(Errc::conflict,
                            fmt::format("refusing to overwrite the input {}", other));
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
        return Outcome{scrubbed->faces_blurred, std::move(scrubbed->metadata_removed)};
    }

    static std::vector<OptionSpec> specs() {
        return {{"out", "DIR", "write the scrubbed photos here (created if missing)"},
                data_option(),
                {"jpeg-quality", "N", "JPEG quality of the output, 1 to 100 (default 88)"},
                {"thumbnail", "N", "also write DIR/NAME.thumb.webp, longest side N pixels"},
                {"no-dlib", "", "find faces with BlazeFace only (faster, misses more profiles)"},
                {"quiet", "", "no line per photo"}};
    }
    ParsedArgs m_args;
    fs::path m_out;
    photo::ScrubOptions m_options;
    photo::FaceDetectorOptions m_detector_options;
};

}  // namespace

std::unique_ptr<Command> make_scrub_command() {
    return std::make_unique<ScrubCommand>();
}

}  // namespace sightline::cli
