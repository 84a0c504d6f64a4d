#pragma once
// What the SQL shells (in-process and beside a running up) share about their input.

#include <string>

namespace careflow::app {

// Whether `buffer` holds a complete statement: a ';' outside quotes and comments, and for a
// statement set, its END.
bool statement_complete(const std::string& buffer);

}  // namespace careflow::app
