#pragma once
// Flink SQL text → syntax tree. Hand-written recursive descent over Calcite's grammar as Flink
// uses it. Errors are InvalidArgument "line L:C: <what was found>, expected <what could come>".

#include <string_view>
#include <vector>

#include "common/status.h"
#include "sql/ast.h"

namespace careflow::sql {

// One statement; a trailing ';' is allowed, anything after it is an error.
Result<StatementPtr> parse_statement(std::string_view sql);

// A script: statements separated by ';' (EXECUTE STATEMENT SET BEGIN ...; ...; END counts as one).
// Positions are relative to the whole text, so errors point at the line in the file.
struct ScriptStatement {
  StatementPtr statement;
  std::string text;  // the statement's own text, for SHOW CREATE VIEW and error context
};
Result<std::vector<ScriptStatement>> parse_script(std::string_view sql);

// A lone expression or type, for tests and for computed columns given as text.
Result<ExprPtr> parse_expression(std::string_view sql);
Result<DataType> parse_type(std::string_view sql);

}  // namespace careflow::sql
