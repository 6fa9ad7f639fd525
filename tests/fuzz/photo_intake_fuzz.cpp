// libFuzzer target: the photo intake on arbitrary bytes. Every input must end in a photo or an
// error value: no crash, no sanitizer report, no exception, no unbounded allocation.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "photo/photo_pipeline.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sightline::photo;
    static const sightline::faces::FaceDetector faces;
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    ScrubOptions options;
    options.limits.max_pixels = 4'000'000;  // keeps each run short; the limit itself is fuzzed too
    options.thumbnail_size = 64;
    (void)inspect_photo(bytes, options.limits);
    (void)scrub_photo(bytes, faces, options);
    return 0;
}
