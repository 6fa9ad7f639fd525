#pragma once
// Shared pieces of the CLI tests: a fresh data folder per test, running the real binary, reading
// its output files.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/csv_reader.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace sightline::testing {

/// Password the CLI tests give their accounts.
inline constexpr std::string_view cli_password = "correct horse battery";

/// Path of a file under tests/fixtures/.
std::filesystem::path fixture(std::string_view relative);

/// The whole content of a file ("" if it cannot be read).
std::string slurp(const std::filesystem::path& path);

/// gtest message with a command's exit code and output.
std::string describe(const CliResult& result);

class CliTest : public ::testing::Test {
  protected:
    /// <tmp>/data: not created in advance (commands create it).
    [[nodiscard]] std::filesystem::path data() const { return m_tmp.path() / "data"; }
    [[nodiscard]] const std::filesystem::path& work() const { return m_tmp.path(); }

    /// `sightline ARGS... --data DATA`.
    CliResult sightline(std::vector<std::string> args, std::string stdin_text = "");
    /// `user add NAME --role ROLE --password-stdin`; must succeed.
    void add_user(const std::string& name, const std::string& role);
    /// `import-csv FILE ARGS...`; must succeed.
    void import_csv(const std::filesystem::path& file, std::vector<std::string> args = {});
    /// `export geojson` to standard output, parsed; must succeed.
    nlohmann::json export_geojson();
    /// `export csv` to standard output, parsed; must succeed.
    std::vector<std::vector<std::string>> export_csv();

  private:
    TempDir m_tmp{"sightline-cli"};
};

/// The feature whose tag `key` equals `value`, or null.
nlohmann::json feature_with_tag(const nlohmann::json& collection, std::string_view key,
                                std::string_view value);

}  // namespace sightline::testing
