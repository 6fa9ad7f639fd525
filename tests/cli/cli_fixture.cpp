#include "cli/cli_fixture.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/core.h>

namespace sightline::testing {

std::filesystem::path fixture(std::string_view relative) {
    return std::filesystem::path(SIGHTLINE_FIXTURES) / relative;
}

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string describe(const CliResult& result) {
    return fmt::format("exit {}\n--- stdout ---\n{}\n--- stderr ---\n{}", result.exit_code,
                       result.out, result.err);
}

CliResult CliTest::sightline(std::vector<std::string> args, std::string stdin_text) {
    args.push_back("--data");
    args.push_back(data().string());
    return run_cli(std::move(args), std::move(stdin_text));
}

void CliTest::add_user(const std::string& name, const std::string& role) {
    auto result = sightline({"user", "add", name, "--role", role, "--password-stdin"},
                            std::string(cli_password) + "\n");
    if (result.exit_code != 0) throw std::runtime_error("user add: " + describe(result));
}

void CliTest::import_csv(const std::filesystem::path& file, std::vector<std::string> args) {
    args.insert(args.begin(), {"import-csv", file.string()});
    auto result = sightline(std::move(args));
    if (result.exit_code != 0) throw std::runtime_error("import-csv: " + describe(result));
}

nlohmann::json CliTest::export_geojson() {
    auto result = sightline({"export", "geojson"});
    if (result.exit_code != 0) throw std::runtime_error("export geojson: " + describe(result));
    return nlohmann::json::parse(result.out);
}

std::vector<std::vector<std::string>> CliTest::export_csv() {
    auto result = sightline({"export", "csv"});
    if (result.exit_code != 0) throw std::runtime_error("export csv: " + describe(result));
    return parse_csv(result.out);
}

nlohmann::json feature_with_tag(const nlohmann::json& collection, std::string_view key,
                                std::string_view value) {
    for (const auto& f : collection.at("features")) {
        const auto& tags = f["properties"]["tags"];
        auto it = tags.find(std::string(key));
        if (it != tags.end() && *it == value) return f;
    }
    return nullptr;
}

}  // namespace sightline::testing
