#include "jobs/with_options.h"

#include <fmt/format.h>

#include "common/ascii_case.h"
#include "sql/lexer.h"

namespace careflow::jobs {

namespace {

// Byte offsets of each line's start, to turn the lexer's line:column (bytes, 1-based) into offsets.
std::vector<size_t> line_starts(std::string_view text) {
  std::vector<size_t> starts{0};
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') starts.push_back(i + 1);
  }
  return starts;
}

size_t offset_of(const std::vector<size_t>& starts, sql::SourcePos pos) {
  return starts[static_cast<size_t>(pos.line - 1)] + static_cast<size_t>(pos.column - 1);
}

// The offset just past the string literal that starts at `begin` ('' inside it is a quote).
size_t string_end(std::string_view text, size_t begin) {
  size_t i = begin + 1;
  while (i < text.size()) {
    if (text[i] == '\'') {
      if (i + 1 < text.size() && text[i + 1] == '\'') {
        i += 2;
        continue;
      }
      return i + 1;
    }
    ++i;
  }
  return text.size();
}

bool is_word(const sql::Token& t, std::string_view word) {
  return t.kind == sql::TokenKind::kIdentifier && iequals(t.text, word);
}

bool is_symbol(const sql::Token& t, std::string_view symbol) {
  return t.kind == sql::TokenKind::kSymbol && t.text == symbol;
}

// The indentation of the line that holds `offset`, when only spaces precede it there.
std::string indent_at(std::string_view text, size_t offset) {
  size_t start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  start = start == std::string_view::npos ? 0 : start + 1;
  std::string_view before = text.substr(start, offset - start);
  if (before.find_first_not_of(" \t") != std::string_view::npos) return "  ";
  return std::string(before);
}

}  // namespace

const std::string* WithClause::find(std::string_view key) const {
  for (const WithOption& o : options) {
    if (o.key == key) return &o.value;
  }
  return nullptr;
}

std::string without_final_semicolon(std::string_view sql) {
  size_t end = sql.size();
  auto tokens = sql::tokenize(sql);
  if (tokens.is_ok()) {
    const std::vector<sql::Token>& t = *tokens;
    size_t last = t.size();
    while (last > 0 && t[last - 1].kind == sql::TokenKind::kEnd) --last;
    if (last > 0 && is_symbol(t[last - 1], ";")) end = offset_of(line_starts(sql), t[last - 1].pos);
  }
  const size_t begin = sql.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos || begin >= end) return "";
  std::string_view kept = sql.substr(begin, end - begin);
  return std::string(kept.substr(0, kept.find_last_not_of(" \t\r\n") + 1));
}

std::string sql_string(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

Result<std::optional<WithClause>> find_with_clause(std::string_view ddl) {
  CF_ASSIGN_OR_RETURN(std::vector<sql::Token> tokens, sql::tokenize(ddl));
  size_t i = 0;
  if (tokens.empty() || !is_word(tokens[i], "CREATE")) return std::optional<WithClause>();
  ++i;
  if (i < tokens.size() && is_word(tokens[i], "TEMPORARY")) ++i;
  if (i >= tokens.size() || !is_word(tokens[i], "TABLE")) return std::optional<WithClause>();
  const std::vector<size_t> starts = line_starts(ddl);
  int depth = 0;
  for (; i + 1 < tokens.size(); ++i) {
    const sql::Token& t = tokens[i];
    if (is_symbol(t, "(")) ++depth;
    if (is_symbol(t, ")")) --depth;
    if (depth != 0) continue;
    if (is_word(t, "AS") || is_word(t, "LIKE")) break;
    if (!is_word(t, "WITH") || !is_symbol(tokens[i + 1], "(")) continue;
    WithClause clause;
    clause.with_begin = offset_of(starts, t.pos);
    clause.open = offset_of(starts, tokens[i + 1].pos);
    size_t j = i + 2;
    const auto bad = [&](const sql::Token& at) {
      return Status::invalid_argument(fmt::format("line {}:{}: expected 'key' = 'value' in the WITH list", at.pos.line,
                                                  at.pos.column));
    };
    while (j < tokens.size() && !is_symbol(tokens[j], ")")) {
      if (j + 2 >= tokens.size() || tokens[j].kind != sql::TokenKind::kString || !is_symbol(tokens[j + 1], "=") ||
          tokens[j + 2].kind != sql::TokenKind::kString) {
        return bad(tokens[j]);
      }
      WithOption o;
      o.key = tokens[j].text;
      o.value = tokens[j + 2].text;
      o.begin = offset_of(starts, tokens[j].pos);
      o.end = string_end(ddl, offset_of(starts, tokens[j + 2].pos));
      clause.options.push_back(std::move(o));
      j += 3;
      if (j < tokens.size() && is_symbol(tokens[j], ",")) ++j;
    }
    if (j >= tokens.size()) return bad(tokens.back());
    clause.close = offset_of(starts, tokens[j].pos);
    return std::optional<WithClause>(std::move(clause));
  }
  return std::optional<WithClause>();
}

std::string with_options_added(std::string_view ddl, const WithClause& clause, const TableOptionList& add) {
  if (add.empty()) return std::string(ddl);
  std::string entries;
  if (clause.options.empty()) {
    for (size_t k = 0; k < add.size(); ++k) {
      entries += fmt::format("\n  {} = {}{}", sql_string(add[k].first), sql_string(add[k].second), k + 1 < add.size() ? "," : "\n");
    }
    return std::string(ddl.substr(0, clause.open + 1)) + entries + std::string(ddl.substr(clause.close));
  }
  const WithOption& last = clause.options.back();
  const std::string indent = indent_at(ddl, last.begin);
  for (const auto& [key, value] : add) entries += fmt::format(",\n{}{} = {}", indent, sql_string(key), sql_string(value));
  return std::string(ddl.substr(0, last.end)) + entries + std::string(ddl.substr(last.end));
}

std::string with_options_replaced(std::string_view ddl, const WithClause& clause, const TableOptionList& options) {
  if (options.empty()) {
    // Drop the WITH list and the white space before it.
    size_t begin = clause.with_begin;
    while (begin > 0 && (ddl[begin - 1] == ' ' || ddl[begin - 1] == '\t' || ddl[begin - 1] == '\n')) --begin;
    return std::string(ddl.substr(0, begin)) + std::string(ddl.substr(clause.close + 1));
  }
  std::string list = "(";
  for (size_t k = 0; k < options.size(); ++k) {
    list += fmt::format("\n  {} = {}{}", sql_string(options[k].first), sql_string(options[k].second), k + 1 < options.size() ? "," : "\n");
  }
  return std::string(ddl.substr(0, clause.open)) + list + std::string(ddl.substr(clause.close));
}

}  // namespace careflow::jobs
