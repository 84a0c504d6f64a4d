#pragma once
// What the SQL shells (in-process and beside a running up) share about their input.

#include <string>

namespace careflow::app {

// Whether `buffer` holds a complete statement: a ';' outside quotes and comments, and for a
// statement set, its END.
bool statement_complete(const std::string& buffer);

// Reads lines at the shell's prompt (with history) until they make a complete statement; false at
// the end of input (Ctrl-D). Blank lines before a statement are skipped.
bool read_statement(std::string* statement);

}  // namespace careflow::app
