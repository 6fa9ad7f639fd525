// libFuzzer target: the demux and decode path of video scrubbing (video::VideoInput) on arbitrary
// bytes, given through a memfd as scrub_video gives a file. Every input must end in frames and
// the end, or an error value: no crash, no sanitizer report, no exception, no unbounded
// allocation. Seeds: small clips made with ffmpeg (`make fuzz`).
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

#include "video/video_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sightline::video;
    const int fd = memfd_create("fuzz-video", MFD_CLOEXEC);
    if (fd < 0) return 0;
    FileDescriptor file(fd);
    for (std::size_t done = 0; done < size;) {
        const ssize_t wrote = ::write(fd, data + done, size - done);
        if (wrote <= 0) return 0;
        done += static_cast<std::size_t>(wrote);
    }
    InputOptions options;
    options.limits.max_pixels = 640 * 480;  // keeps each run short; the limit itself is fuzzed too
    options.limits.max_duration_s = 20;
    options.threads = 1;
    auto input = VideoInput::open(std::move(file), options);
    if (!input) return 0;
    FrameHandle frame;
    for (int frames = 0; frames < 300; ++frames) {
        auto got = input->next(frame);
        if (!got || *got == VideoInput::Got::end) break;
    }
    return 0;
}
