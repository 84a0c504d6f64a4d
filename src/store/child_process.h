#pragma once
// Starting and stopping the PostgreSQL server programs as child processes (private to store/).

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace careflow::store {

// Who a child runs as: PostgreSQL refuses to run as root, so careflow running as root starts it as
// the `postgres` user.
struct RunAs {
  uid_t uid;
  gid_t gid;
  std::string name;
};
// The current user, or `postgres` when running as root (NotFound when that user is missing).
Result<RunAs> postgres_run_as();

struct ChildOptions {
  std::vector<std::string> argv;  // argv[0] is the program path
  std::string output_path;        // stdout and stderr are appended here
  RunAs run_as;
  bool die_with_parent = false;   // the child gets SIGINT when careflow dies, even by SIGKILL
};

// Starts the program; returns its pid.
Result<pid_t> spawn_child(const ChildOptions& options);

// Runs the program to completion; InvalidArgument-free: an exit status != 0 is an IOError that
// quotes the last lines of its output.
Status run_child(const ChildOptions& options);

// The last `max_lines` lines of a file ("" when unreadable).
std::string tail_of_file(const std::string& path, int max_lines = 15);

}  // namespace careflow::store
