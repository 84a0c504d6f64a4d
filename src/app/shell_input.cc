#include "app/shell_input.h"

#include <editline/readline.h>

#include <cctype>
#include <cstdlib>

namespace careflow::app {

bool statement_complete(const std::string& buffer) {
  bool quoted = false, back = false;
  size_t last_semicolon = std::string::npos;
  for (size_t i = 0; i < buffer.size(); ++i) {
    char c = buffer[i];
    if (c == '\'' && !back) quoted = !quoted;
    else if (c == '`' && !quoted) back = !back;
    else if (c == '-' && !quoted && !back && i + 1 < buffer.size() && buffer[i + 1] == '-') {
      while (i < buffer.size() && buffer[i] != '\n') ++i;
    } else if (c == ';' && !quoted && !back) {
      last_semicolon = i;
    }
  }
  if (last_semicolon == std::string::npos) return false;
  std::string upper;
  for (char c : buffer) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper.find("STATEMENT SET") != std::string::npos) {
    size_t end = upper.rfind("END");
    return end != std::string::npos && end < last_semicolon;
  }
  return true;
}

bool read_statement(std::string* statement) {
  std::string buffer;
  for (;;) {
    char* line = readline(buffer.empty() ? "careflow> " : "       -> ");
    if (!line) return false;
    std::string text(line);
    std::free(line);
    if (buffer.empty() && text.find_first_not_of(" \t") == std::string::npos) continue;
    buffer += text + "\n";
    if (!statement_complete(buffer)) continue;
    add_history(buffer.substr(0, buffer.size() - 1).c_str());
    *statement = std::move(buffer);
    return true;
  }
}

}  // namespace careflow::app
