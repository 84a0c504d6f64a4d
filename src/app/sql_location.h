#pragma once
// One form for the place of a SQL error, as compilers print it so that editors can jump to it:
//   pipeline.sql:3:8: column 'b' not found; did you mean 'a'?
// The engine's messages start with "line R:C: " relative to the text it was given; the commands
// know which file (or -e, stdin) that text came from and where in it.

#include <string>

#include "common/status.h"

namespace careflow::app {

// Where a piece of SQL text sits in its origin: the line and column its first character is at.
struct TextPlace {
  std::string origin;  // a file name, "-e", "stdin"
  int line = 1;
  int column = 1;
};

// `status` with its leading "line R:C: " turned into "ORIGIN:LINE:COL: ", counted from `place`
// (the statement's text started there, after `skipped` characters the command put in front of it,
// such as "EXPLAIN "). A message without a place gets "ORIGIN: " in front.
Status locate_sql_error(const Status& status, const TextPlace& place, int skipped = 0);

}  // namespace careflow::app
