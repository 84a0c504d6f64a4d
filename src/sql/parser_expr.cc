// Expressions and types.
#include <set>

#include "common/numbers.h"
#include "sql/keywords.h"
#include "sql/parser_impl.h"

namespace careflow::sql {

namespace {

// Reserved words that the grammar itself uses to end an expression, a select item or a table (FROM,
// JOIN, ...). A bare one where a name should be gets "unexpected 'FROM'"; any other reserved
// keyword (VALUE, YEAR, ...) gets the hint to back-quote it (Parser::fail_reserved).
const std::set<std::string, std::less<>>& structural_words() {
  static const std::set<std::string, std::less<>> words = {
      "ALL",     "AND",    "AS",      "BETWEEN", "BY",      "CASE",   "CROSS",     "DISTINCT", "ELSE",
      "END",     "ESCAPE", "EXCEPT",  "EXISTS",  "FALSE",   "FETCH",  "FOR",       "FROM",     "FULL",
      "GROUP",   "HAVING", "IN",      "INNER",   "INTERSECT", "INTO", "IS",        "JOIN",     "LATERAL",
      "LEFT",    "LIKE",   "LIMIT",   "MINUS",   "NATURAL", "NOT",    "NULL",      "OFFSET",   "ON",
      "OR",      "ORDER",  "OUTER",   "OVER",    "PARTITION", "RIGHT", "SELECT",   "SIMILAR",  "THEN",
      "TRUE",    "UNION",  "UNNEST",  "USING",   "VALUES",  "WHEN",   "WHERE",     "WINDOW",   "WITH",
      "DISTRIBUTED", "WATERMARK", "PRIMARY", "CONSTRAINT", "COMMENT", "TABLESAMPLE", "MATCH_RECOGNIZE",
  };
  return words;
}

ExprPtr make(ExprKind kind, SourcePos pos) { return std::make_unique<Expr>(kind, pos); }

ExprPtr binary(std::string op, ExprPtr left, ExprPtr right, SourcePos pos) {
  ExprPtr e = make(ExprKind::kBinary, pos);
  e->name = std::move(op);
  e->args.push_back(std::move(left));
  e->args.push_back(std::move(right));
  return e;
}

}  // namespace

bool Parser::is_reserved(const Token& t) const {
  return t.kind == TokenKind::kIdentifier && is_reserved_keyword(t.text);
}

bool Parser::is_context_variable(const Token& t) const {
  static const std::set<std::string, std::less<>> words = {
      "CURRENT_CATALOG", "CURRENT_DEFAULT_TRANSFORM_GROUP", "CURRENT_PATH", "CURRENT_ROLE", "CURRENT_SCHEMA",
      "CURRENT_USER",    "SESSION_USER",                    "SYSTEM_USER",  "USER",
  };
  return t.kind == TokenKind::kIdentifier && words.count(to_upper(t.text)) > 0;
}

bool Parser::is_structural(const Token& t) const {
  return t.kind == TokenKind::kIdentifier && structural_words().count(to_upper(t.text)) > 0;
}

void Parser::fail_reserved(const Token& at, std::string_view expected) const {
  if (!is_reserved(at) || is_structural(at)) fail(at, expected);
  fail_at(at.pos, fmt::format("'{}' is a reserved keyword in Flink SQL and cannot be {} as it is; quote it with "
                              "backticks (`{}`) to use it as a name",
                              at.text, expected, at.text));
}

bool Parser::is_identifier_start(size_t ahead) const {
  const Token& t = peek(ahead);
  return t.kind == TokenKind::kQuotedIdentifier || (t.kind == TokenKind::kIdentifier && !is_reserved(t));
}

std::string Parser::describe(const Token& t) {
  switch (t.kind) {
    case TokenKind::kEnd: return "end of input";
    case TokenKind::kString: return fmt::format("string '{}'", t.text);
    case TokenKind::kQuotedIdentifier: return fmt::format("`{}`", t.text);
    default: return fmt::format("'{}'", t.text);
  }
}

void Parser::fail(const Token& at, std::string_view expected) const {
  throw ParseError{fmt::format("line {}:{}: unexpected {}, expected {}", at.pos.line, at.pos.column, describe(at),
                               expected)};
}

void Parser::fail_at(SourcePos pos, std::string_view message) const {
  throw ParseError{fmt::format("line {}:{}: {}", pos.line, pos.column, message)};
}

bool Parser::accept_words(std::initializer_list<std::string_view> words) {
  size_t i = 0;
  for (std::string_view w : words) {
    if (!is_word(w, i)) return false;
    ++i;
  }
  pos_ += i;
  return true;
}

const Token& Parser::expect_word(std::string_view word) {
  if (!is_word(word)) fail(peek(), to_upper(word));
  return next();
}

const Token& Parser::expect_symbol(std::string_view s) {
  if (!is_symbol(s)) fail(peek(), fmt::format("'{}'", s));
  return next();
}

std::string Parser::identifier(std::string_view what) {
  if (!is_identifier_start()) fail_reserved(peek(), what);
  return next().text;
}

std::vector<std::string> Parser::compound_name(std::string_view what) {
  std::vector<std::string> parts{identifier(what)};
  while (is_symbol(".") && (peek(1).kind == TokenKind::kIdentifier || peek(1).kind == TokenKind::kQuotedIdentifier)) {
    next();
    parts.push_back(identifier(what));
  }
  return parts;
}

std::string Parser::string_literal(std::string_view what) {
  if (peek().kind != TokenKind::kString) fail(peek(), what);
  return next().text;
}

int Parser::integer_literal(std::string_view what) {
  if (peek().kind != TokenKind::kInteger) fail(peek(), what);
  const Token& t = next();
  const std::optional<int> value = parse_number<int>(t.text);
  if (!value) fail_at(t.pos, fmt::format("integer {} is out of range", t.text));
  return *value;
}

ExprPtr Parser::expr() {
  Nesting nesting(*this);
  nesting.deeper(peek().pos);
  return or_expr();
}

ExprPtr Parser::or_expr() {
  ExprPtr left = and_expr();
  Nesting chain(*this);
  while (is_word("OR")) {
    SourcePos pos = next().pos;
    chain.deeper(pos);
    left = binary("OR", std::move(left), and_expr(), pos);
  }
  return left;
}

ExprPtr Parser::and_expr() {
  ExprPtr left = not_expr();
  Nesting chain(*this);
  while (is_word("AND")) {
    SourcePos pos = next().pos;
    chain.deeper(pos);
    left = binary("AND", std::move(left), not_expr(), pos);
  }
  return left;
}

ExprPtr Parser::not_expr() {
  if (is_word("NOT") && !is_word("EXISTS", 1)) {
    SourcePos pos = next().pos;
    Nesting nesting(*this);
    nesting.deeper(pos);
    ExprPtr e = make(ExprKind::kUnary, pos);
    e->name = "NOT";
    e->args.push_back(not_expr());
    return e;
  }
  return comparison();
}

ExprPtr Parser::comparison() {
  ExprPtr left = additive();
  Nesting chain(*this);
  for (;;) {
    const Token& t = peek();
    if (t.kind == TokenKind::kSymbol &&
        (t.text == "=" || t.text == "<>" || t.text == "!=" || t.text == "<" || t.text == "<=" || t.text == ">" ||
         t.text == ">=")) {
      SourcePos pos = next().pos;
      chain.deeper(pos);  // each operator here nests `left` one level deeper
      std::string op = t.text == "!=" ? "<>" : t.text;
      left = binary(op, std::move(left), additive(), pos);
      continue;
    }
    if (is_word("IS")) {
      SourcePos pos = next().pos;
      chain.deeper(pos);  // each operator here nests `left` one level deeper
      bool negated = accept_word("NOT");
      ExprPtr e;
      if (accept_word("NULL")) {
        e = make(ExprKind::kIsNull, pos);
      } else if (is_word("TRUE") || is_word("FALSE") || is_word("UNKNOWN")) {
        e = make(ExprKind::kIsBool, pos);
        e->name = to_upper(next().text);
      } else if (accept_word("JSON")) {
        e = make(ExprKind::kIsJson, pos);
        e->name = "VALUE";
        if (is_word("VALUE") || is_word("SCALAR") || is_word("ARRAY") || is_word("OBJECT")) e->name = to_upper(next().text);
      } else if (accept_word("DISTINCT")) {
        expect_word("FROM");
        e = binary(negated ? "IS NOT DISTINCT FROM" : "IS DISTINCT FROM", std::move(left), additive(), pos);
        left = std::move(e);
        continue;
      } else {
        fail(peek(), "NULL, TRUE, FALSE, UNKNOWN, JSON or DISTINCT FROM after IS");
      }
      e->negated = negated;
      e->args.push_back(std::move(left));
      left = std::move(e);
      continue;
    }
    size_t save = pos_;
    bool negated = accept_word("NOT");
    if (is_word("IN")) {
      SourcePos pos = next().pos;
      chain.deeper(pos);  // each operator here nests `left` one level deeper
      expect_symbol("(");
      ExprPtr e;
      if (is_word("SELECT") || is_word("WITH") || is_word("VALUES")) {
        e = make(ExprKind::kInSubquery, pos);
        e->args.push_back(std::move(left));
        e->subquery = query();
      } else {
        e = make(ExprKind::kInList, pos);
        e->args.push_back(std::move(left));
        do {
          e->args.push_back(expr());
        } while (accept_symbol(","));
      }
      expect_symbol(")");
      e->negated = negated;
      left = std::move(e);
      continue;
    }
    if (is_word("BETWEEN")) {
      SourcePos pos = next().pos;
      chain.deeper(pos);  // each operator here nests `left` one level deeper
      accept_word("ASYMMETRIC");
      ExprPtr e = make(ExprKind::kBetween, pos);
      e->negated = negated;
      e->args.push_back(std::move(left));
      e->args.push_back(additive());
      expect_word("AND");
      e->args.push_back(additive());
      left = std::move(e);
      continue;
    }
    if (is_word("LIKE") || (is_word("SIMILAR") && is_word("TO", 1))) {
      SourcePos pos = peek().pos;
      chain.deeper(pos);
      ExprPtr e = make(ExprKind::kLike, pos);
      e->name = is_word("LIKE") ? "LIKE" : "SIMILAR TO";
      next();
      if (e->name != "LIKE") next();
      e->negated = negated;
      e->args.push_back(std::move(left));
      e->args.push_back(additive());
      if (accept_word("ESCAPE")) e->args.push_back(additive());
      left = std::move(e);
      continue;
    }
    pos_ = save;
    return left;
  }
}

ExprPtr Parser::additive() {
  ExprPtr left = multiplicative();
  Nesting chain(*this);
  while (is_symbol("+") || is_symbol("-") || is_symbol("||")) {
    const Token& op = next();
    chain.deeper(op.pos);
    left = binary(op.text, std::move(left), multiplicative(), op.pos);
  }
  return left;
}

ExprPtr Parser::multiplicative() {
  ExprPtr left = unary();
  Nesting chain(*this);
  while (is_symbol("*") || is_symbol("/") || is_symbol("%")) {
    const Token& op = next();
    chain.deeper(op.pos);
    left = binary(op.text, std::move(left), unary(), op.pos);
  }
  return left;
}

ExprPtr Parser::unary() {
  if (is_symbol("-") || is_symbol("+")) {
    const Token& op = next();
    Nesting nesting(*this);
    nesting.deeper(op.pos);
    ExprPtr operand = unary();
    // Fold "-5" into the literal so that -2147483648 is an INT as in Calcite.
    if (op.text == "-" && operand->kind == ExprKind::kLiteral && !operand->paren &&
        (operand->literal.kind == Literal::Kind::kInteger || operand->literal.kind == Literal::Kind::kDecimal ||
         operand->literal.kind == Literal::Kind::kDouble) &&
        !operand->literal.text.starts_with("-")) {
      operand->literal.text = "-" + operand->literal.text;
      operand->pos = op.pos;
      return operand;
    }
    ExprPtr e = make(ExprKind::kUnary, op.pos);
    e->name = op.text;
    e->args.push_back(std::move(operand));
    return e;
  }
  return postfix();
}

ExprPtr Parser::postfix() {
  ExprPtr e = primary();
  Nesting chain(*this);
  for (;;) {
    if (is_symbol("[")) {
      SourcePos pos = next().pos;
      chain.deeper(pos);
      ExprPtr s = make(ExprKind::kSubscript, pos);
      s->args.push_back(std::move(e));
      s->args.push_back(expr());
      expect_symbol("]");
      e = std::move(s);
    } else if (is_symbol(".") && e->kind != ExprKind::kColumn &&
               (peek(1).kind == TokenKind::kIdentifier || peek(1).kind == TokenKind::kQuotedIdentifier)) {
      SourcePos pos = next().pos;
      chain.deeper(pos);
      ExprPtr f = make(ExprKind::kFieldAccess, pos);
      f->name = next().text;
      f->args.push_back(std::move(e));
      e = std::move(f);
    } else {
      return e;
    }
  }
}

ExprPtr Parser::case_expr(const Token& case_token) {
  ExprPtr e = make(ExprKind::kCase, case_token.pos);
  if (!is_word("WHEN")) {
    e->has_case_operand = true;
    e->args.push_back(expr());
  }
  if (!is_word("WHEN")) fail(peek(), "WHEN");
  while (accept_word("WHEN")) {
    e->args.push_back(expr());
    expect_word("THEN");
    e->args.push_back(expr());
  }
  if (accept_word("ELSE")) {
    e->has_else = true;
    e->args.push_back(expr());
  }
  expect_word("END");
  return e;
}

std::string Parser::time_unit() {
  static const std::set<std::string, std::less<>> units = {
      "YEAR", "QUARTER", "MONTH", "WEEK", "DAY", "HOUR", "MINUTE", "SECOND", "MILLISECOND", "MICROSECOND",
      "NANOSECOND", "DOW", "DOY", "EPOCH", "DECADE", "CENTURY", "MILLENNIUM", "ISODOW", "ISOYEAR",
      "SQL_TSI_YEAR", "SQL_TSI_QUARTER", "SQL_TSI_MONTH", "SQL_TSI_WEEK", "SQL_TSI_DAY", "SQL_TSI_HOUR",
      "SQL_TSI_MINUTE", "SQL_TSI_SECOND", "YEARS", "MONTHS", "DAYS", "HOURS", "MINUTES", "SECONDS"};
  const Token& t = peek();
  std::string unit = to_upper(t.text);
  if (t.kind != TokenKind::kIdentifier || !units.count(unit)) {
    fail(t, "a time unit (YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MILLISECOND, ...)");
  }
  next();
  if (unit.starts_with("SQL_TSI_")) unit = unit.substr(8);
  if (unit.ends_with("S") && unit != "DOS") unit.pop_back();  // DAYS → DAY
  return unit;
}

ExprPtr Parser::interval_literal(const Token& interval_token) {
  ExprPtr e = make(ExprKind::kInterval, interval_token.pos);
  bool negative = accept_symbol("-");
  if (peek().kind == TokenKind::kString) {
    e->literal.text = next().text;
  } else if (peek().kind == TokenKind::kInteger) {
    e->literal.text = next().text;  // Flink accepts INTERVAL 5 SECOND as well
  } else {
    fail(peek(), "a quoted interval value such as '5'");
  }
  if (negative) e->literal.text = "-" + e->literal.text;
  e->interval_from = time_unit();
  if (is_symbol("(")) {  // SECOND(3) precision: accepted and ignored (millisecond resolution)
    next();
    integer_literal();
    expect_symbol(")");
  }
  if (accept_word("TO")) e->interval_to = time_unit();
  return e;
}

ExprPtr Parser::function_call(const Token& name_token) {
  check_function_supported(name_token);
  std::string name = to_upper(name_token.text);
  if (ExprPtr special = special_function(name_token)) return special;
  ExprPtr e = make(ExprKind::kFunction, name_token.pos);
  e->name = name;
  expect_symbol("(");
  if (accept_word("DISTINCT")) e->distinct = true;
  else accept_word("ALL");
  if (is_symbol("*") && is_symbol(")", 1)) {
    next();
    e->star_arg = true;
  } else if (!is_symbol(")")) {
    do {
      e->args.push_back(expr());
    } while (accept_symbol(","));
  }
  expect_symbol(")");
  // agg(...) FILTER (WHERE condition): the rows the aggregate sees (the planner refuses it on
  // anything but an aggregate call).
  if (is_word("FILTER") && is_symbol("(", 1)) {
    next();
    next();
    expect_word("WHERE");
    e->filter = expr();
    expect_symbol(")");
  }
  if (is_word("OVER")) {
    SourcePos pos = next().pos;
    ExprPtr over = make(ExprKind::kOver, pos);
    if (is_identifier_start()) {
      over->name = identifier("a window name");
    } else {
      window_spec(*over);
    }
    over->args.push_back(std::move(e));
    return over;
  }
  return e;
}

// An OVER window's specification, parentheses included: [PARTITION BY ...] [ORDER BY ...] [frame].
void Parser::window_spec(Expr& over) {
  expect_symbol("(");
  if (accept_word("PARTITION")) {
    expect_word("BY");
    do {
      over.partition_by.push_back(expr());
    } while (accept_symbol(","));
  }
  if (accept_word("ORDER")) {
    expect_word("BY");
    over.order_by = order_items();
  }
  if (is_word("ROWS") || is_word("RANGE")) over.frame = over_frame();
  expect_symbol(")");
}

// WINDOW name AS (...) [, name AS (...)]: after HAVING.
void Parser::window_clause(Select& select) {
  expect_word("WINDOW");
  do {
    std::string name = identifier("a window name");
    for (const auto& [defined, spec] : select.windows) {
      if (defined == name) fail_at(peek().pos, fmt::format("window '{}' is defined twice", name));
    }
    expect_word("AS");
    ExprPtr spec = make(ExprKind::kOver, peek().pos);
    window_spec(*spec);
    select.windows.emplace_back(std::move(name), std::move(spec));
  } while (accept_symbol(","));
}

// ROWS | RANGE, then `start` or BETWEEN `start` AND CURRENT ROW, where `start` is UNBOUNDED
// PRECEDING or <count or INTERVAL> PRECEDING: the frames Flink's streaming OVER aggregation runs.
std::shared_ptr<OverFrame> Parser::over_frame() {
  auto frame = std::make_shared<OverFrame>();
  frame->pos = peek().pos;
  frame->rows = to_upper(next().text) == "ROWS";
  const bool between = accept_word("BETWEEN");
  if (accept_word("UNBOUNDED")) {
    if (!is_word("PRECEDING")) fail_at(peek().pos, "only UNBOUNDED PRECEDING can start an OVER window frame");
    next();
  } else if (is_word("CURRENT")) {
    fail_at(peek().pos, "an OVER window frame starting at CURRENT ROW is not supported; use UNBOUNDED PRECEDING or "
                        "n PRECEDING");
  } else {
    frame->unbounded = false;
    frame->preceding = expr();
    if (is_word("FOLLOWING")) {
      fail_at(peek().pos, "OVER window frames starting at FOLLOWING are not supported (Flink's streaming OVER "
                          "aggregation ends at CURRENT ROW)");
    }
    expect_word("PRECEDING");
  }
  if (between) {
    expect_word("AND");
    if (!is_word("CURRENT")) {
      fail_at(peek().pos, "an OVER window frame must end at CURRENT ROW (Flink's streaming OVER aggregation "
                          "supports no FOLLOWING)");
    }
    next();
    expect_word("ROW");
  }
  return frame;
}

ExprPtr Parser::special_function(const Token& name_token) {
  std::string name = to_upper(name_token.text);
  SourcePos pos = name_token.pos;
  if (name == "CAST" || name == "TRY_CAST") {
    expect_symbol("(");
    ExprPtr e = make(ExprKind::kCast, pos);
    e->try_cast = name == "TRY_CAST";
    e->args.push_back(expr());
    expect_word("AS");
    e->type = type();
    expect_symbol(")");
    return e;
  }
  if (name == "EXTRACT") {
    expect_symbol("(");
    ExprPtr e = make(ExprKind::kFunction, pos);
    e->name = name;
    e->time_unit = time_unit();
    expect_word("FROM");
    e->args.push_back(expr());
    expect_symbol(")");
    return e;
  }
  if (name == "TIMESTAMPADD" || name == "TIMESTAMPDIFF") {
    expect_symbol("(");
    ExprPtr e = make(ExprKind::kFunction, pos);
    e->name = name;
    e->time_unit = time_unit();
    expect_symbol(",");
    e->args.push_back(expr());
    expect_symbol(",");
    e->args.push_back(expr());
    expect_symbol(")");
    return e;
  }
  if (name == "TRIM") {
    expect_symbol("(");
    ExprPtr e = make(ExprKind::kFunction, pos);
    e->name = name;
    e->trim_mode = "BOTH";
    bool mode_given = false;
    if (is_word("BOTH") || is_word("LEADING") || is_word("TRAILING")) {
      e->trim_mode = to_upper(next().text);
      mode_given = true;
    }
    if (mode_given && accept_word("FROM")) {
      e->args.push_back(expr());
    } else {
      ExprPtr first = expr();
      if (accept_word("FROM")) {
        e->args.push_back(expr());
        e->args.push_back(std::move(first));  // args: string, characters
      } else {
        e->args.push_back(std::move(first));
      }
    }
    expect_symbol(")");
    return e;
  }
  if (name == "POSITION") {
    expect_symbol("(");
    ExprPtr e = make(ExprKind::kFunction, pos);
    e->name = name;
    e->args.push_back(additive());
    expect_word("IN");
    e->args.push_back(expr());
    expect_symbol(")");
    return e;
  }
  if (name == "OVERLAY") {
    // OVERLAY(s PLACING r FROM start [FOR length])
    expect_symbol("(");
    ExprPtr e = make(ExprKind::kFunction, pos);
    e->name = name;
    e->args.push_back(expr());
    expect_word("PLACING");
    e->args.push_back(expr());
    expect_word("FROM");
    e->args.push_back(expr());
    if (accept_word("FOR")) e->args.push_back(expr());
    expect_symbol(")");
    return e;
  }
  if (name == "SUBSTRING") {
    // SUBSTRING(s FROM a [FOR b]) or SUBSTRING(s, a [, b])
    size_t save = pos_;
    expect_symbol("(");
    ExprPtr s = expr();
    if (accept_word("FROM")) {
      ExprPtr e = make(ExprKind::kFunction, pos);
      e->name = name;
      e->args.push_back(std::move(s));
      e->args.push_back(expr());
      if (accept_word("FOR")) e->args.push_back(expr());
      expect_symbol(")");
      return e;
    }
    pos_ = save;
    return nullptr;
  }
  if (name.starts_with("JSON_") && name != "JSON_STRING" && name != "JSON_QUOTE" && name != "JSON_UNQUOTE") {
    return json_function(name_token);
  }
  return nullptr;
}

void Parser::json_behavior(std::string& behavior, ExprPtr& default_value, bool exists) {
  if (exists && (is_word("TRUE") || is_word("FALSE") || is_word("UNKNOWN"))) {
    behavior = to_upper(next().text);
  } else if (accept_word("NULL")) {
    behavior = "NULL";
  } else if (accept_word("ERROR")) {
    behavior = "ERROR";
  } else if (accept_word("DEFAULT")) {
    behavior = "DEFAULT";
    default_value = additive();
  } else if (accept_words({"EMPTY", "ARRAY"})) {
    behavior = "EMPTY ARRAY";
  } else if (accept_words({"EMPTY", "OBJECT"})) {
    behavior = "EMPTY OBJECT";
  }
}

ExprPtr Parser::json_function(const Token& name_token) {
  std::string name = to_upper(name_token.text);
  ExprPtr e = make(ExprKind::kFunction, name_token.pos);
  e->name = name;
  e->json = std::make_unique<JsonClauses>();
  JsonClauses& j = *e->json;
  expect_symbol("(");
  if (name == "JSON_OBJECT" || name == "JSON_OBJECTAGG") {
    while (!is_symbol(")") && !((is_word("NULL") || is_word("ABSENT")) && is_word("ON", 1))) {
      accept_word("KEY");
      e->args.push_back(additive());
      if (!accept_word("VALUE")) expect_symbol(":");
      e->args.push_back(expr());
      if (!accept_symbol(",")) break;
    }
  } else if (name == "JSON_ARRAY" || name == "JSON_ARRAYAGG") {
    while (!is_symbol(")") && !((is_word("NULL") || is_word("ABSENT")) && is_word("ON", 1))) {
      e->args.push_back(expr());
      if (!accept_symbol(",")) break;
    }
  } else {
    e->args.push_back(expr());
    if (accept_word("FORMAT")) expect_word("JSON");
    if (name == "JSON_VALUE" || name == "JSON_QUERY" || name == "JSON_EXISTS") {
      expect_symbol(",");
      e->args.push_back(expr());
    } else {
      while (accept_symbol(",")) e->args.push_back(expr());
    }
  }
  // Trailing clauses, in any order Flink accepts them.
  for (;;) {
    if ((is_word("NULL") || is_word("ABSENT")) && is_word("ON", 1) && is_word("NULL", 2)) {
      j.on_null = to_upper(next().text);
      next();
      next();
    } else if (accept_word("RETURNING")) {
      j.returning = type();
    } else if (accept_word("WITHOUT")) {
      accept_word("ARRAY");
      expect_word("WRAPPER");
      j.wrapper = "WITHOUT ARRAY";
    } else if (accept_word("WITH")) {
      std::string w = "WITH";
      if (accept_word("CONDITIONAL")) w += " CONDITIONAL";
      else if (accept_word("UNCONDITIONAL")) w += " UNCONDITIONAL";
      else w += " UNCONDITIONAL";
      accept_word("ARRAY");
      expect_word("WRAPPER");
      j.wrapper = w + " ARRAY";
    } else if (is_word("NULL") || is_word("ERROR") || is_word("DEFAULT") || is_word("EMPTY") || is_word("TRUE") ||
               is_word("FALSE") || is_word("UNKNOWN")) {
      std::string behavior;
      ExprPtr def;
      json_behavior(behavior, def, name == "JSON_EXISTS");
      expect_word("ON");
      if (accept_word("EMPTY")) {
        j.on_empty = behavior;
        j.on_empty_default = std::move(def);
      } else if (accept_word("ERROR")) {
        j.on_error = behavior;
        j.on_error_default = std::move(def);
      } else {
        fail(peek(), "EMPTY or ERROR");
      }
    } else {
      break;
    }
  }
  expect_symbol(")");
  return e;
}

DataType Parser::type() {
  const Token& t = peek();
  Nesting nesting(*this);
  nesting.deeper(t.pos);
  if (t.kind != TokenKind::kIdentifier) fail(t, "a data type");
  std::string word = to_upper(next().text);
  auto optional_length = [&](int default_value) {
    if (accept_symbol("(")) {
      int n = integer_literal("a length");
      expect_symbol(")");
      return n;
    }
    return default_value;
  };
  DataType result;
  if (word == "BOOLEAN" || word == "BOOL") {
    result = DataType::boolean();
  } else if (word == "TINYINT") {
    result = DataType::of(TypeId::kTinyInt);
  } else if (word == "SMALLINT") {
    result = DataType::of(TypeId::kSmallInt);
  } else if (word == "INT" || word == "INTEGER") {
    result = DataType::integer();
  } else if (word == "BIGINT") {
    result = DataType::bigint();
  } else if (word == "FLOAT" || word == "REAL") {
    result = DataType::of(TypeId::kFloat);
  } else if (word == "DOUBLE") {
    accept_word("PRECISION");
    result = DataType::double_type();
  } else if (word == "DECIMAL" || word == "DEC" || word == "NUMERIC") {
    int p = 10, s = 0;
    if (accept_symbol("(")) {
      p = integer_literal("a precision");
      if (accept_symbol(",")) s = integer_literal("a scale");
      expect_symbol(")");
    }
    if (p < 1 || p > 38) fail_at(t.pos, fmt::format("DECIMAL precision must be between 1 and 38, not {}", p));
    if (s < 0 || s > p) fail_at(t.pos, fmt::format("DECIMAL scale must be between 0 and the precision {}, not {}", p, s));
    result = DataType::decimal(p, s);
  } else if (word == "CHAR" || word == "CHARACTER") {
    if (accept_word("VARYING")) result = DataType::varchar(optional_length(1));
    else result = DataType::chars(optional_length(1));
  } else if (word == "VARCHAR") {
    result = DataType::varchar(optional_length(1));
  } else if (word == "STRING") {
    result = DataType::string();
  } else if (word == "BINARY") {
    result = DataType::of(TypeId::kBinary);
    result.precision = optional_length(1);
  } else if (word == "VARBINARY") {
    result = DataType::of(TypeId::kVarBinary);
    result.precision = optional_length(1);
  } else if (word == "BYTES") {
    result = DataType::bytes();
  } else if (word == "DATE") {
    result = DataType::date();
  } else if (word == "TIME") {
    result = DataType::time(optional_length(0));
    if (accept_word("WITHOUT")) { expect_word("TIME"); expect_word("ZONE"); }
  } else if (word == "TIMESTAMP") {
    int p = optional_length(6);
    if (accept_word("WITH")) {
      expect_word("LOCAL");
      expect_word("TIME");
      expect_word("ZONE");
      result = DataType::timestamp_ltz(p);
    } else {
      if (accept_word("WITHOUT")) { expect_word("TIME"); expect_word("ZONE"); }
      result = DataType::timestamp(p);
    }
  } else if (word == "TIMESTAMP_LTZ") {
    result = DataType::timestamp_ltz(optional_length(6));
  } else if (word == "ARRAY" || word == "MULTISET") {
    expect_symbol("<");
    DataType element = type();
    expect_symbol(">");
    result = word == "ARRAY" ? DataType::array(element) : DataType::of(TypeId::kMultiset);
    if (word == "MULTISET") result.children.push_back(element);
  } else if (word == "MAP") {
    expect_symbol("<");
    DataType key = type();
    expect_symbol(",");
    DataType value = type();
    expect_symbol(">");
    result = DataType::map(key, value);
  } else if (word == "ROW") {
    bool angle = accept_symbol("<");
    if (!angle) expect_symbol("(");
    result = DataType::of(TypeId::kRow);
    if (!is_symbol(angle ? ">" : ")")) {
      do {
        result.field_names.push_back(identifier("a field name"));
        result.children.push_back(type());
        if (peek().kind == TokenKind::kString) next();  // field description
      } while (accept_symbol(","));
    }
    expect_symbol(angle ? ">" : ")");
  } else {
    fail_at(t.pos, fmt::format("unknown data type '{}'", t.text));
  }
  if (accept_words({"NOT", "NULL"})) result.nullable = false;
  else if (is_word("NULL") && !is_word("ON", 1)) next();  // not the NULL of "NULL ON EMPTY"
  // The postfix form: INT ARRAY, STRING MULTISET.
  while (is_word("ARRAY") || is_word("MULTISET")) {
    bool array = to_upper(next().text) == "ARRAY";
    DataType outer = array ? DataType::array(result) : DataType::of(TypeId::kMultiset);
    if (!array) outer.children.push_back(result);
    result = outer;
    if (accept_words({"NOT", "NULL"})) result.nullable = false;
  }
  return result;
}

}  // namespace careflow::sql
