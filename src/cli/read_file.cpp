#include "cli/read_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>

#include <fmt/core.h>

namespace sightline::cli {

Result<std::string> read_file(const std::string& path, std::size_t max_bytes) {
    std::string data;
    auto read_all = [&](std::istream& in) -> Status {
        char buffer[65536];
        while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
            data.append(buffer, static_cast<std::size_t>(in.gcount()));
            if (data.size() > max_bytes)
                return fail(Errc::too_large,
                            fmt::format("{}: larger than {} bytes", path, max_bytes));
        }
        return {};
    };
    if (path == "-") {
        if (auto ok = read_all(std::cin); !ok) return std::unexpected(ok.error());
        return data;
    }
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return fail(Errc::invalid_argument,
                    fmt::format("cannot open {}: {}", path, std::strerror(errno)));
    if (auto ok = read_all(file); !ok) return std::unexpected(ok.error());
    if (file.bad()) return fail(Errc::invalid_argument, fmt::format("cannot read {}", path));
    return data;
}

}  // namespace sightline::cli
