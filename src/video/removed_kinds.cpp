#include "video/removed_kinds.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace sightline::video {
namespace {

std::string lowered(std::string_view text) {
    std::string out(text);
    std::ranges::transform(out, out.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool contains_any(std::string_view text, std::initializer_list<std::string_view> words) {
    return std::ranges::any_of(words, [&](std::string_view w) { return text.contains(w); });
}

// Keys that describe the file's structure, not the recording: ISO-BMFF brands, track language,
// the statistics mkvmerge and FFmpeg write per Matroska track. (The writing application and
// date among those statistics are not structural: they are caught before this list applies.)
bool is_structural(std::string_view key) {
    constexpr std::array<std::string_view, 9> keys = {
        "major_brand", "minor_version",    "compatible_brands", "language",        "duration",
        "bps",         "number_of_frames", "number_of_bytes",   "_statistics_tags"};
    return std::ranges::find(keys, key) != keys.end();
}

// Handler names and vendor ids that muxers write when nothing else is known: they say nothing
// about the device. Anything else ("Core Media Video", "GoPro AVC", "appl") does.
bool is_generic_value(std::string_view value) {
    constexpr std::array<std::string_view, 10> values = {"",
                                                         "VideoHandler",
                                                         "SoundHandler",
                                                         "DataHandler",
                                                         "SubtitleHandler",
                                                         "TextHandler",
                                                         "TimeCodeHandler",
                                                         "[0][0][0][0]",
                                                         "FFMP",
                                                         "und"};
    return std::ranges::find(values, value) != values.end();
}

}  // namespace

std::string_view label(Removed kind) noexcept {
    switch (kind) {
        case Removed::location:
            return "location";
        case Removed::creation_time:
            return "creation time";
        case Removed::device:
            return "device make/model";
        case Removed::software:
            return "software";
        case Removed::apple_metadata:
            return "Apple metadata";
        case Removed::other_metadata:
            return "other metadata";
        case Removed::data_stream:
            return "data stream";
        case Removed::subtitle_stream:
            return "subtitle stream";
        case Removed::timecode_stream:
            return "timecode stream";
        case Removed::attachment:
            return "attachment";
        case Removed::chapters:
            return "chapters";
        case Removed::rotation:
            return "rotation (applied to the pixels)";
        case Removed::extra_video_stream:
            return "extra video stream";
        case Removed::extra_audio_stream:
            return "extra audio stream";
        case Removed::audio:
            return "audio";
        case Removed::count_:
            break;
    }
    return "other";
}

Removed classify_metadata_key(std::string_view raw_key, std::string_view value) noexcept {
    const std::string key = lowered(raw_key);
    if (key == "handler_name" || key == "vendor_id")
        return is_generic_value(value) ? Removed::count_ : Removed::software;
    if (key == "encoder" || key == "_statistics_writing_app") return Removed::software;
    if (key == "_statistics_writing_date_utc") return Removed::creation_time;
    if (is_structural(key)) return Removed::count_;
    if (key == "rotate") return Removed::rotation;
    // The words are looked for in the name without its namespace ("com.apple.quicktime."
    // itself contains "time").
    std::string_view name = key;
    bool apple = false;
    for (std::string_view prefix : {"com.apple.quicktime.", "com.apple.", "com.android."}) {
        if (name.starts_with(prefix)) {
            apple = prefix.starts_with("com.apple.");
            name.remove_prefix(prefix.size());
            break;
        }
    }
    // ISO 6709 strings ("location", "com.apple.quicktime.location.ISO6709", the '©xyz' atom
    // FFmpeg exports as "location"), GPS keys of other writers.
    if (contains_any(name, {"location", "iso6709", "gps", "geo", "latitude", "longitude",
                            "altitude", "xyz", "place"}))
        return Removed::location;
    if (contains_any(name, {"make", "model", "manufacturer", "camera", "device", "lens", "serial"}))
        return Removed::device;
    if (contains_any(name, {"software", "encoder", "encoded_by", "writing_app", "muxing_app",
                            "firmware", "version", "tool"}))
        return Removed::software;
    // creation_time, date, com.apple.quicktime.creationdate, DATE_RECORDED, the timecode
    // (the time of day of the recording).
    if (contains_any(name, {"date", "time", "year"})) return Removed::creation_time;
    if (apple) return Removed::apple_metadata;
    return Removed::other_metadata;
}

void RemovedKinds::add_metadata(std::string_view key, std::string_view value) {
    const Removed kind = classify_metadata_key(key, value);
    if (kind != Removed::count_) add(kind);
}

std::vector<std::string> RemovedKinds::labels() const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < m_kinds.size(); ++i)
        if (m_kinds.test(i)) out.emplace_back(label(static_cast<Removed>(i)));
    return out;
}

}  // namespace sightline::video
