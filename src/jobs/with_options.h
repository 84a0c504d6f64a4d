#pragma once
// The WITH ( 'key' = 'value', ... ) list of a CREATE TABLE statement, found in its text so that a
// deployment target can add or drop options while every other byte of the file (comments,
// layout, the columns) goes out as written. Found with the project's lexer (sql/lexer.h): the
// first WITH followed by '(' at the statement's top level, before any AS or LIKE (CREATE TABLE
// ... AS SELECT may have a WITH of its own inside the query).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace careflow::jobs {

using TableOptionList = std::vector<std::pair<std::string, std::string>>;

struct WithOption {
  std::string key, value;  // unescaped
  size_t begin = 0, end = 0;  // the entry's bytes: the key's opening quote to the value's closing quote
};

struct WithClause {
  size_t with_begin = 0;  // the WITH keyword
  size_t open = 0, close = 0;  // the '(' and the ')'
  std::vector<WithOption> options;
  const std::string* find(std::string_view key) const;
};

// The statement's WITH list; nullopt when the statement is not a CREATE TABLE or has none.
// InvalidArgument ("line L:C: ...") when the text does not tokenize or the list is not
// 'key' = 'value' pairs.
Result<std::optional<WithClause>> find_with_clause(std::string_view ddl);

// `ddl` with `add` after the last option (each on its own line, indented as the list is); the
// rest of the text unchanged.
std::string with_options_added(std::string_view ddl, const WithClause& clause, const TableOptionList& add);

// `ddl` with its WITH list replaced by `options`, one per line; no WITH at all when `options` is
// empty.
std::string with_options_replaced(std::string_view ddl, const WithClause& clause, const TableOptionList& options);

// `sql` without its closing ';' (and what follows it: white space, comments) and without the
// white space around it; the text as it is when it does not tokenize.
std::string without_final_semicolon(std::string_view sql);

// 'it''s': a SQL string literal.
std::string sql_string(std::string_view text);

}  // namespace careflow::jobs
