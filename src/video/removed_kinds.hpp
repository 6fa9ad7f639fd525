#pragma once
// What an input video carried that the scrubbed output leaves out, by kind and never by value
// (VideoScrubReport::removed). Pure logic: video_input.cpp feeds it what the demuxer found.

#include <bitset>
#include <string>
#include <string_view>
#include <vector>

namespace sightline::video {

enum class Removed {
    location,
    creation_time,
    device,
    software,
    apple_metadata,
    other_metadata,
    data_stream,
    subtitle_stream,
    timecode_stream,
    attachment,
    chapters,
    rotation,
    extra_video_stream,
    extra_audio_stream,
    audio,
    count_  ///< not a kind
};

/// The label shown to users, e.g. "creation time", "rotation (applied to the pixels)".
std::string_view label(Removed kind) noexcept;

class RemovedKinds {
  public:
    /// One metadata entry of the container, a stream or a track. The value is looked at only to
    /// tell the generic handler names that muxers write by themselves (e.g. FFmpeg's
    /// "VideoHandler") from a device's; it is never kept. Structural keys (brands, language,
    /// statistics) are not metadata about the recording and are ignored.
    void add_metadata(std::string_view key, std::string_view value);
    void add(Removed kind) noexcept { m_kinds.set(static_cast<std::size_t>(kind)); }
    [[nodiscard]] bool has(Removed kind) const noexcept {
        return m_kinds.test(static_cast<std::size_t>(kind));
    }

    /// Labels of the kinds found, in the order of the enum.
    [[nodiscard]] std::vector<std::string> labels() const;

  private:
    std::bitset<static_cast<std::size_t>(Removed::count_)> m_kinds;
};

/// The kind a metadata key belongs to (lower- or upper-case alike); nullopt-like `count_` when
/// the key is structural and says nothing about the recording. Exposed for tests.
Removed classify_metadata_key(std::string_view key, std::string_view value) noexcept;

}  // namespace sightline::video
