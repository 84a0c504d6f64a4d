#pragma once
// `careflow sql -f` as a child process, for the crash tests: started over a data directory with
// its output appended to a file, waited for, its output read back.

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace careflow::faults {

// Starts `careflow --data-dir DATA sql -f SQL --bounded`, stdout and stderr appended to `output`.
inline pid_t spawn_sql(const std::filesystem::path& data_dir, const std::filesystem::path& sql, const std::filesystem::path& output) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = ::open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
    execl(CAREFLOW_BINARY, CAREFLOW_BINARY, "--data-dir", data_dir.c_str(), "sql", "-f", sql.c_str(), "--bounded", nullptr);
    _exit(127);
  }
  return pid;
}

// The exit code, or minus the signal that ended the process.
inline int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace careflow::faults
