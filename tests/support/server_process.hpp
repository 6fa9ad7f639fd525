#pragma once
// Runs the real `sightline` binary: as a server (ServerProcess) or as a one-shot command
// (run_cli). SIGHTLINE_BINARY is the path CMake gives the test_support target.

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace sightline::testing {

/// `sightline serve --data DATA_DIR --listen 127.0.0.1:0 EXTRA_ARGS...` in a child process.
/// The child's stderr goes to `<data_dir>/../server-<pid>.log` (outside the data folder); its
/// stdout is read until the line "listening on http://127.0.0.1:PORT".
class ServerProcess {
  public:
    /// Starts the server and waits (30 s at most) until it listens. Throws std::runtime_error
    /// holding the server log if it exits or does not listen in time (which fails the test).
    /// `env` adds to or overrides the test's environment.
    explicit ServerProcess(std::filesystem::path data_dir, std::vector<std::string> extra_args = {},
                           std::map<std::string, std::string> env = {});

    /// Any program with the same contract (prints the listening line to stdout, exits on
    /// SIGTERM); for testing this fixture without the real server.
    struct Program {
        std::filesystem::path path;
        std::vector<std::string> args;  ///< without argv[0]
    };
    ServerProcess(Program program, std::filesystem::path data_dir,
                  std::map<std::string, std::string> env = {});
    ~ServerProcess();  ///< stop()
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    [[nodiscard]] std::uint16_t port() const noexcept { return m_port; }
    [[nodiscard]] pid_t pid() const noexcept { return m_pid; }
    [[nodiscard]] const std::filesystem::path& data_dir() const noexcept { return m_data_dir; }
    [[nodiscard]] const std::filesystem::path& log_path() const noexcept { return m_log_path; }
    /// Everything the server wrote to stderr so far.
    [[nodiscard]] std::string log_text() const;
    /// Everything the server wrote to stdout so far.
    [[nodiscard]] std::string stdout_text() const;
    [[nodiscard]] bool running() const noexcept { return !m_exit_status.has_value(); }

    /// SIGTERM, then waits up to 15 s (SIGKILL after that). Returns the exit code, or 128 + the
    /// signal number if the process died of a signal. Idempotent.
    int stop();
    /// SIGKILL without warning (crash-durability tests). Returns like stop().
    int kill_hard();

  private:
    int wait_for_exit(std::chrono::milliseconds timeout);  // -1 if still running
    void read_stdout();

    std::filesystem::path m_data_dir;
    std::filesystem::path m_log_path;
    pid_t m_pid = -1;
    std::uint16_t m_port = 0;
    std::optional<int> m_exit_status;

    int m_stdout_fd = -1;
    std::thread m_reader;
    std::atomic<bool> m_stop_reader{false};
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::string m_stdout;
    bool m_stdout_closed = false;
};

struct CliResult {
    int exit_code = -1;  ///< 128 + signal number if killed by a signal
    std::string out;
    std::string err;
};

/// Runs `SIGHTLINE_BINARY args...` with `stdin_text` on its standard input and returns its exit
/// code and output. `env` adds to or overrides the test's environment. A command still running
/// after `timeout` is killed (exit_code 128 + 9, and err says so).
CliResult run_cli(std::vector<std::string> args, std::string stdin_text = "",
                  std::map<std::string, std::string> env = {},
                  std::chrono::seconds timeout = std::chrono::seconds(300));

/// The same for any program (for testing the fixture itself).
CliResult run_program(const std::string& program, std::vector<std::string> args,
                      std::string stdin_text = "", std::map<std::string, std::string> env = {},
                      std::chrono::seconds timeout = std::chrono::seconds(300));

}  // namespace sightline::testing
