#include "support/server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace sightline::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Pipes must not land on 0-2 (CI may start us without a standard input), or the dup2 calls in
// the child would clobber each other.
void ensure_standard_fds_open() {
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
            int opened = ::open("/dev/null", O_RDWR);
            if (opened != fd && opened >= 0) ::close(opened);
        }
    }
}

// Writing to the stdin pipe of a child that has exited must give EPIPE, not kill the test.
// The child gets the default action back in spawn().
void ignore_sigpipe() {
    static const bool done = [] {
        ::signal(SIGPIPE, SIG_IGN);
        return true;
    }();
    (void)done;
}

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

struct Pipe {
    int read = -1;
    int write = -1;
    Pipe() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) throw_errno("pipe2");
        read = fds[0];
        write = fds[1];
    }
};

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

int decode_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

// fork + exec with stdin/stdout/stderr on the given descriptors (all opened O_CLOEXEC, so the
// child keeps nothing else of ours). Everything the child needs is prepared before fork():
// after it, only async-signal-safe calls are allowed in a multi-threaded parent.
pid_t spawn(const std::string& program, const std::vector<std::string>& args,
            const std::map<std::string, std::string>& env, int in_fd, int out_fd, int err_fd) {
    std::vector<std::string> argv_storage;
    argv_storage.push_back(program);
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argv_storage)
        argv.push_back(arg.data());
    argv.push_back(nullptr);

    std::map<std::string, std::string> merged;
    for (char** entry = environ; entry && *entry; ++entry) {
        std::string_view text{*entry};
        auto eq = text.find('=');
        if (eq != std::string_view::npos)
            merged[std::string{text.substr(0, eq)}] = text.substr(eq + 1);
    }
    for (const auto& [name, value] : env)
        merged[name] = value;
    std::vector<std::string> env_storage;
    for (const auto& [name, value] : merged)
        env_storage.push_back(name + "=" + value);
    std::vector<char*> envp;
    for (auto& entry : env_storage)
        envp.push_back(entry.data());
    envp.push_back(nullptr);

    static constexpr char exec_failed[] = "spawn: exec failed\n";
    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) throw_errno("fork");
    if (pid == 0) {
        // Do not outlive a test process that crashes or is killed by a CTest timeout.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);
        int fds[3] = {in_fd, out_fd, err_fd};
        for (int target = 0; target < 3; ++target) {
            if (fds[target] == target) {
                ::fcntl(target, F_SETFD, 0);
            } else if (::dup2(fds[target], target) < 0) {
                ::_exit(127);
            }
        }
        ::signal(SIGPIPE, SIG_DFL);
        sigset_t none;
        ::sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::execve(argv[0], argv.data(), envp.data());
        [[maybe_unused]] auto ignored = ::write(2, exec_failed, sizeof exec_failed - 1);
        ::_exit(127);
    }
    return pid;
}

std::filesystem::path log_folder_for(const std::filesystem::path& data_dir) {
    auto path = std::filesystem::absolute(data_dir).lexically_normal();
    if (!path.has_filename()) path = path.parent_path();  // "a/data/" -> "a/data"
    return path.parent_path();
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> serve_args(const std::filesystem::path& data_dir,
                                    std::vector<std::string> extra_args) {
    std::vector<std::string> args{"serve", "--data", data_dir.string(), "--listen", "127.0.0.1:0"};
    args.insert(args.end(), std::make_move_iterator(extra_args.begin()),
                std::make_move_iterator(extra_args.end()));
    return args;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// ServerProcess

ServerProcess::ServerProcess(std::filesystem::path data_dir, std::vector<std::string> extra_args,
                             std::map<std::string, std::string> env)
    : ServerProcess(Program{SIGHTLINE_BINARY, serve_args(data_dir, std::move(extra_args))},
                    data_dir, std::move(env)) {}

ServerProcess::ServerProcess(Program program, std::filesystem::path data_dir,
                             std::map<std::string, std::string> env)
    : m_data_dir(std::move(data_dir)) {
    ensure_standard_fds_open();
    ignore_sigpipe();
    auto folder = log_folder_for(m_data_dir);
    // The child's pid is known only after fork: open under a unique name, rename afterwards.
    static std::atomic<int> counter{0};
    auto starting = folder / ("server-starting-" + std::to_string(::getpid()) + "-" +
                              std::to_string(counter++) + ".log");
    int log_fd = ::open(starting.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log_fd < 0) throw_errno("open " + starting.string());
    int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    Pipe out;
    try {
        m_pid = spawn(program.path.string(), program.args, env, null_fd, out.write, log_fd);
    } catch (...) {
        ::close(log_fd);
        ::close(null_fd);
        ::close(out.read);
        ::close(out.write);
        throw;
    }
    ::close(log_fd);
    ::close(null_fd);
    ::close(out.write);
    m_log_path = folder / ("server-" + std::to_string(m_pid) + ".log");
    std::filesystem::rename(starting, m_log_path);
    m_stdout_fd = out.read;
    m_reader = std::thread([this] { read_stdout(); });

    static constexpr std::string_view marker = "listening on http://127.0.0.1:";
    auto deadline = Clock::now() + std::chrono::seconds(30);
    std::unique_lock lock(m_mutex);
    while (true) {
        // Only complete lines: the port is known once its line has ended.
        auto at = m_stdout.find(marker);
        if (at != std::string::npos) {
            auto end = m_stdout.find('\n', at);
            if (end != std::string::npos) {
                std::size_t digits = at + marker.size();
                int port = 0;
                while (digits < end && m_stdout[digits] >= '0' && m_stdout[digits] <= '9') {
                    port = port * 10 + (m_stdout[digits++] - '0');
                }
                if (port > 0 && port < 65536) {
                    m_port = static_cast<std::uint16_t>(port);
                    return;
                }
            }
        }
        if (m_stdout_closed) break;
        if (m_changed.wait_until(lock, deadline) == std::cv_status::timeout) break;
    }
    bool closed = m_stdout_closed;
    std::string out_text = m_stdout;
    lock.unlock();
    int status = kill_hard();
    m_stop_reader = true;
    m_reader.join();
    close_fd(m_stdout_fd);
    throw std::runtime_error(std::string{"server did not report "} + std::string{marker} + "PORT " +
                             (closed ? "before closing its stdout" : "within 30 s") +
                             " (exit status " + std::to_string(status) + ")\n--- stdout ---\n" +
                             out_text + "\n--- log (" + m_log_path.string() + ") ---\n" +
                             log_text());
}

ServerProcess::~ServerProcess() {
    stop();
    m_stop_reader = true;
    if (m_reader.joinable()) m_reader.join();
    close_fd(m_stdout_fd);
}

void ServerProcess::read_stdout() {
    char buffer[4096];
    while (!m_stop_reader) {
        pollfd pfd{m_stdout_fd, POLLIN, 0};
        int ready = ::poll(&pfd, 1, 100);
        if (ready < 0 && errno == EINTR) continue;
        if (ready == 0) continue;
        ssize_t n = ready < 0 ? -1 : ::read(m_stdout_fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        std::lock_guard lock(m_mutex);
        if (n <= 0) {
            m_stdout_closed = true;
            m_changed.notify_all();
            return;
        }
        m_stdout.append(buffer, static_cast<std::size_t>(n));
        m_changed.notify_all();
    }
}

std::string ServerProcess::log_text() const {
    return read_file(m_log_path);
}

std::string ServerProcess::stdout_text() const {
    std::lock_guard lock(m_mutex);
    return m_stdout;
}

int ServerProcess::wait_for_exit(std::chrono::milliseconds timeout) {
    if (m_exit_status) return *m_exit_status;
    auto deadline = Clock::now() + timeout;
    while (true) {
        int status = 0;
        pid_t done = ::waitpid(m_pid, &status, WNOHANG);
        if (done == m_pid) {
            m_exit_status = decode_status(status);
            return *m_exit_status;
        }
        if (done < 0 && errno != EINTR) {
            m_exit_status = -1;  // not our child any more: nothing to wait for
            return -1;
        }
        if (Clock::now() >= deadline) return -1;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

int ServerProcess::stop() {
    if (m_exit_status || m_pid <= 0) return m_exit_status.value_or(-1);
    ::kill(m_pid, SIGTERM);
    if (wait_for_exit(std::chrono::seconds(15)) == -1 && !m_exit_status) {
        ::kill(m_pid, SIGKILL);
        wait_for_exit(std::chrono::hours(1));
    }
    return m_exit_status.value_or(-1);
}

int ServerProcess::kill_hard() {
    if (m_exit_status || m_pid <= 0) return m_exit_status.value_or(-1);
    ::kill(m_pid, SIGKILL);
    wait_for_exit(std::chrono::hours(1));
    return m_exit_status.value_or(-1);
}

// ---------------------------------------------------------------------------------------------
// run_cli

CliResult run_program(const std::string& program, std::vector<std::string> args,
                      std::string stdin_text, std::map<std::string, std::string> env,
                      std::chrono::seconds timeout) {
    ensure_standard_fds_open();
    ignore_sigpipe();
    Pipe in;
    Pipe out;
    Pipe err;
    pid_t pid = -1;
    try {
        pid = spawn(program, args, env, in.read, out.write, err.write);
    } catch (...) {
        for (int fd : {in.read, in.write, out.read, out.write, err.read, err.write})
            ::close(fd);
        throw;
    }
    close_fd(in.read);
    close_fd(out.write);
    close_fd(err.write);
    ::fcntl(in.write, F_SETFL, ::fcntl(in.write, F_GETFL) | O_NONBLOCK);
    if (stdin_text.empty()) close_fd(in.write);

    CliResult result;
    std::size_t written = 0;
    auto deadline = Clock::now() + timeout;
    bool timed_out = false;
    // Poll all three pipes together: a child blocked writing a full stdout pipe while we block
    // writing its stdin would deadlock.
    while (out.read >= 0 || err.read >= 0 || in.write >= 0) {
        pollfd fds[3];
        int count = 0;
        if (in.write >= 0) fds[count++] = {in.write, POLLOUT, 0};
        if (out.read >= 0) fds[count++] = {out.read, POLLIN, 0};
        if (err.read >= 0) fds[count++] = {err.read, POLLIN, 0};
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        int ready = ::poll(fds, static_cast<nfds_t>(count),
                           static_cast<int>(std::min<long long>(left.count(), 1000)));
        if (ready < 0) {
            if (errno == EINTR) continue;
            throw_errno("poll");
        }
        for (int i = 0; i < count; ++i) {
            if (fds[i].revents == 0) continue;
            if (fds[i].fd == in.write) {
                ssize_t n =
                    ::write(in.write, stdin_text.data() + written, stdin_text.size() - written);
                if (n > 0) written += static_cast<std::size_t>(n);
                if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == stdin_text.size()) {
                    close_fd(in.write);  // done, or the child closed its stdin (EPIPE)
                }
                continue;
            }
            int& fd = fds[i].fd == out.read ? out.read : err.read;
            std::string& sink = fds[i].fd == out.read ? result.out : result.err;
            char buffer[8192];
            ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n > 0) {
                sink.append(buffer, static_cast<std::size_t>(n));
            } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                close_fd(fd);
            }
        }
    }
    close_fd(in.write);
    close_fd(out.read);
    close_fd(err.read);

    if (timed_out) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exit_code = decode_status(status);
    if (timed_out) {
        result.err += "\n[run_cli: killed after " + std::to_string(timeout.count()) + " s]\n";
    }
    return result;
}

CliResult run_cli(std::vector<std::string> args, std::string stdin_text,
                  std::map<std::string, std::string> env, std::chrono::seconds timeout) {
    return run_program(SIGHTLINE_BINARY, std::move(args), std::move(stdin_text), std::move(env),
                       timeout);
}

}  // namespace sightline::testing
