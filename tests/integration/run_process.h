#pragma once
// Runs the real careflow binary as a child process: with stdin text, capturing stdout and stderr,
// or in the background for `careflow up`.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

namespace careflow::testing {

// The running test's name, for names of what it creates.
inline std::string current_test_name() {
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  return test ? test->name() : "";
}

// A new, empty folder "careflow-<name>-<pid>" under the temp folder, readable by others because
// `careflow up` runs initdb as the postgres user when started as root.
inline std::filesystem::path fresh_test_dir(const std::string& name) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("careflow-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  return dir;
}

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::vector<char*> c_args(const std::string& program, const std::vector<std::string>& args) {
  std::vector<char*> argv = {const_cast<char*>(program.c_str())};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  return argv;
}

// Runs to completion (killed after 60 s).
inline ProcessResult run_process(const std::string& program, const std::vector<std::string>& args, const std::string& input = "",
                                 const std::vector<std::string>& env = {}) {
  int in[2], out[2], err[2];
  if (pipe(in) || pipe(out) || pipe(err)) return {};
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) close(fd);
    for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
    auto argv = c_args(program, args);
    execv(program.c_str(), argv.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  (void)!write(in[1], input.data(), input.size());
  close(in[1]);
  ProcessResult result;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0 && std::chrono::steady_clock::now() < deadline) {
    if (poll(fds, 2, 1000) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? result.out : result.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  if (open_fds > 0) kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

// A process left running; output goes to files so the test can read it while it runs.
struct Background {
  pid_t pid = -1;
  std::string out_path, err_path;
};

inline Background start_process(const std::string& program, const std::vector<std::string>& args, const std::string& out_path,
                                const std::string& err_path, const std::vector<std::string>& env = {}) {
  Background b{-1, out_path, err_path};
  b.pid = fork();
  if (b.pid == 0) {
    int o = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(o, 1);
    dup2(e, 2);
    for (const auto& variable : env) putenv(const_cast<char*>(variable.c_str()));
    auto argv = c_args(program, args);
    execv(program.c_str(), argv.data());
    _exit(127);
  }
  return b;
}

// Waits up to `timeout` for the process to exit; its exit code, or -1 if it is still running.
// A zero timeout checks once (it used to check never, so an early exit went unseen).
inline int wait_exit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return {(std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()};
}

// Starts `careflow up` in the background (`args` end with "up"; its output in `out_path` and
// `err_path`) and waits up to 60 s for its banner. Empty when it is up; otherwise why not.
inline std::string start_careflow_up(const std::string& program, const std::vector<std::string>& args,
                                     const std::string& out_path, const std::string& err_path, Background* up,
                                     const std::vector<std::string>& env = {}) {
  *up = start_process(program, args, out_path, err_path, env);
  for (int i = 0; i < 600; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (read_file(out_path).find("Press Ctrl-C") != std::string::npos) return "";
    if (wait_exit(up->pid, std::chrono::milliseconds(0)) != -1) return "careflow up exited early: " + read_file(err_path);
  }
  return "careflow up printed no banner within 60 s";
}

}  // namespace careflow::testing
