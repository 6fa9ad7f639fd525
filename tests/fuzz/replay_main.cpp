// A main() for the fuzz targets without libFuzzer: feeds every file named on the command line,
// and every file in every folder named (not recursively, in name order), to
// LLVMFuzzerTestOneInput once. CI builds each target with g++ as replay_<name> and runs it over
// tests/fixtures/fuzz/<name>/ (seeds and crash reproducers), under ASan+UBSan in the sanitizer
// build, so a crash once found stays fixed without clang. Exit 0 when every input returned;
// 1 when no input was found (a wrong path must not pass as a green test).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::filesystem::path> inputs_of(const std::filesystem::path& arg) {
    std::vector<std::filesystem::path> out;
    if (std::filesystem::is_directory(arg)) {
        for (const auto& entry : std::filesystem::directory_iterator(arg))
            if (entry.is_regular_file()) out.push_back(entry.path());
        std::sort(out.begin(), out.end());
    } else if (std::filesystem::is_regular_file(arg)) {
        out.push_back(arg);
    } else {
        std::fprintf(stderr, "replay: no such file or folder: %s\n", arg.c_str());
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t replayed = 0;
    for (int i = 1; i < argc; ++i) {
        for (const auto& path : inputs_of(argv[i])) {
            std::ifstream in(path, std::ios::binary);
            std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                    std::istreambuf_iterator<char>());
            std::fprintf(stderr, "replay: %s (%zu bytes)\n", path.c_str(), bytes.size());
            // A copy of exactly the file's size, so that ASan sees a read past the end.
            std::vector<std::uint8_t> data(bytes.begin(), bytes.end());
            LLVMFuzzerTestOneInput(data.data(), data.size());
            ++replayed;
        }
    }
    std::fprintf(stderr, "replay: %zu inputs\n", replayed);
    return replayed == 0 ? 1 : 0;
}
