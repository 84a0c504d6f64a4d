#include "store/child_process.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <csignal>
#include <deque>
#include <fstream>

namespace careflow::store {

Result<RunAs> postgres_run_as() {
  if (geteuid() != 0) {
    const passwd* self = getpwuid(geteuid());
    return RunAs{geteuid(), getegid(), self ? self->pw_name : "unknown"};
  }
  const passwd* pg = getpwnam("postgres");
  if (!pg) {
    return Status::not_found(
        "careflow runs as root, and PostgreSQL must run as another user, but the 'postgres' user does not exist "
        "(install Debian's postgresql package: scripts/setup does)");
  }
  return RunAs{pg->pw_uid, pg->pw_gid, "postgres"};
}

Result<pid_t> spawn_child(const ChildOptions& options) {
  int out = ::open(options.output_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out < 0) return Status::from_errno(fmt::format("opening {}", options.output_path), errno);
  if (fchown(out, options.run_as.uid, options.run_as.gid) != 0 && geteuid() == 0) {
    ::close(out);
    return Status::from_errno(fmt::format("chown {}", options.output_path), errno);
  }
  std::vector<char*> argv;
  for (const std::string& a : options.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t parent = getpid();

  pid_t pid = fork();
  if (pid < 0) {
    ::close(out);
    return Status::from_errno("fork", errno);
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls from here on.
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    setsid();  // a Ctrl-C in careflow's terminal must not reach the server directly
    if (geteuid() == 0 && options.run_as.uid != 0) {
      if (setgroups(0, nullptr) != 0 || setgid(options.run_as.gid) != 0 || setuid(options.run_as.uid) != 0) _exit(126);
    }
    // After the uid change: changing credentials clears the parent-death signal.
    if (options.die_with_parent) {
      prctl(PR_SET_PDEATHSIG, SIGINT);
      if (getppid() != parent) _exit(125);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  ::close(out);
  return pid;
}

Status run_child(const ChildOptions& options) {
  CF_ASSIGN_OR_RETURN(pid_t pid, spawn_child(options));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Status::from_errno("waitpid", errno);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::ok();
  return Status::io_error(fmt::format("{} failed ({}); its output ({}) ends with:\n{}", options.argv[0],
                                      WIFEXITED(status) ? fmt::format("exit code {}", WEXITSTATUS(status))
                                                        : fmt::format("signal {}", WTERMSIG(status)),
                                      options.output_path, tail_of_file(options.output_path)));
}

std::string tail_of_file(const std::string& path, int max_lines) {
  std::ifstream in(path);
  std::deque<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(line);
    if (static_cast<int>(lines.size()) > max_lines) lines.pop_front();
  }
  std::string out;
  for (const std::string& l : lines) out += "  " + l + "\n";
  return out;
}

}  // namespace careflow::store
