// Flink SQL constructs careflow does not run yet: Confluent Cloud's ML functions and table functions
// in FROM TABLE(...) other than the window functions.
//
// Each method is called at the place of the grammar where its construct starts, so a user gets an
// error naming the construct at its first token instead of a confusing "unexpected '('" further
// on, and so each method is the hook where the construct's real parser goes when it is built (its
// syntax then moves to the file of its part of the grammar). docs/sql.md lists these constructs;
// tests/sql_careflow/not_yet_supported.test checks every message.
#include "sql/parser_impl.h"

namespace careflow::sql {

namespace {

bool is_window_tvf(std::string_view upper) {
  return upper == "TUMBLE" || upper == "HOP" || upper == "CUMULATE" || upper == "SESSION";
}

// Confluent Cloud's AI/ML functions careflow does not run yet (ML_PREDICT, ML_EVALUATE, ...);
// ML_DETECT_ANOMALIES and ML_FORECAST are OVER aggregates (src/exec/aggregates/ml_functions.cc).
bool is_ml_function(std::string_view upper) {
  return upper.starts_with("ML_") && upper != "ML_DETECT_ANOMALIES" && upper != "ML_FORECAST";
}

}  // namespace

// FROM TABLE(f(...)): a table-valued function call; `table_token` is the TABLE keyword, the next
// token is '('. TUMBLE, HOP, CUMULATE and SESSION go to window_table_function (parser_query.cc).
TableRefPtr Parser::table_function_call(const Token& table_token) {
  const Token& name = peek(2);  // TABLE ( name
  const std::string upper = to_upper(name.text);
  if (name.kind == TokenKind::kIdentifier && is_window_tvf(upper) && is_symbol("(", 3)) {
    return window_table_function(table_token);
  }
  if (name.kind == TokenKind::kIdentifier && is_ml_function(upper)) {
    fail_at(table_token.pos, fmt::format("{} is not supported yet (Confluent Cloud's ML functions)", upper));
  }
  fail_at(table_token.pos, "table-valued functions in FROM TABLE(...) are not supported yet; CROSS JOIN UNNEST(...) is");
}

// f(...) for a name reserved to a construct that is not supported yet; returns without consuming
// anything when `name_token` is an ordinary function.
void Parser::check_function_supported(const Token& name_token) {
  const std::string upper = to_upper(name_token.text);
  if (is_ml_function(upper)) {
    fail_at(name_token.pos, fmt::format("{} is not supported yet (Confluent Cloud's ML functions)", upper));
  }
}

}  // namespace careflow::sql
