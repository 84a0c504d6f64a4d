#pragma once
// Private to exec: the answers a Session gives, shared by session.cc, session_ddl.cc and
// session_show.cc.

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "exec/session.h"

namespace careflow::exec::session_results {

inline StatementResult ok(std::string text) {
  StatementResult r;
  r.kind = StatementResult::Kind::kOk;
  r.text = std::move(text);
  return r;
}

inline StatementResult text_result(std::string text) {
  StatementResult r;
  r.kind = StatementResult::Kind::kText;
  r.text = std::move(text);
  return r;
}

inline Result<std::vector<StatementResult>> one(StatementResult r) {
  std::vector<StatementResult> out;
  out.push_back(std::move(r));
  return out;
}

inline Status at(sql::SourcePos pos, const std::string& message) {
  return Status::invalid_argument(fmt::format("line {}:{}: {}", pos.line, pos.column, message));
}

// A text table with a header, as the SQL client prints results.
inline std::string table_text(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size());
  for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out = "|";
    for (size_t i = 0; i < cells.size(); ++i) out += " " + cells[i] + std::string(width[i] - cells[i].size(), ' ') + " |";
    return out + "\n";
  };
  std::string sep = "+";
  for (size_t w : width) sep += std::string(w + 2, '-') + "+";
  sep += "\n";
  std::string out = sep + line(header) + sep;
  for (const auto& r : rows) out += line(r);
  return out + sep;
}

}  // namespace careflow::exec::session_results
