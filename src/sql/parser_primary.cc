// Primary expressions — what an operator applies to: literals, parenthesized expressions and
// subqueries, keyword forms (CASE, INTERVAL, EXISTS, constructors, niladic functions), function
// calls and column references. Parser::primary only dispatches on the first token.
#include "sql/parser_impl.h"

namespace careflow::sql {

namespace {

ExprPtr make(ExprKind kind, SourcePos pos) { return std::make_unique<Expr>(kind, pos); }

// A literal whose text is the next token's.
ExprPtr literal(Literal::Kind kind, SourcePos pos, std::string text) {
  ExprPtr e = make(ExprKind::kLiteral, pos);
  e->literal.kind = kind;
  e->literal.text = std::move(text);
  return e;
}

}  // namespace

ExprPtr Parser::primary() {
  const Token& t = peek();
  switch (t.kind) {
    case TokenKind::kInteger:
    case TokenKind::kDecimal:
    case TokenKind::kDouble: return number_literal();
    case TokenKind::kString: return string_constant();
    case TokenKind::kSymbol:
      if (t.text == "*") return make(ExprKind::kStar, next().pos);
      if (t.text == "(") return parenthesized();
      fail(t, "an expression");
    case TokenKind::kEnd: fail(t, "an expression");
    case TokenKind::kIdentifier:
      if (ExprPtr e = keyword_form()) return e;
      // Calcite reserves most built-in functions' names (ABS, COUNT, UPPER, ...): reserved as
      // names, fine as calls.
      if (is_symbol("(", 1) && !is_structural(t)) return function_call(next());
      // USER, CURRENT_USER, ... are context variables: Calcite parses them as identifiers, so a
      // column of that name wins (a bare one only, not t.user).
      if (is_reserved(t) && !is_context_variable(t)) fail_reserved(t, "an expression");
      break;
    case TokenKind::kQuotedIdentifier: break;
  }
  return column_reference();
}

ExprPtr Parser::number_literal() {
  const Token& t = next();
  const Literal::Kind kind = t.kind == TokenKind::kInteger   ? Literal::Kind::kInteger
                             : t.kind == TokenKind::kDecimal ? Literal::Kind::kDecimal
                                                             : Literal::Kind::kDouble;
  return literal(kind, t.pos, t.text);
}

ExprPtr Parser::string_constant() {
  const Token& first = next();
  ExprPtr e = literal(Literal::Kind::kString, first.pos, first.text);
  // Adjacent string literals on later lines concatenate, as in standard SQL.
  while (peek().kind == TokenKind::kString && peek().pos.line > first.pos.line) e->literal.text += next().text;
  return e;
}

// ( subquery ), ( expr ) or the row (a, b, ...).
ExprPtr Parser::parenthesized() {
  const SourcePos pos = expect_symbol("(").pos;
  if (is_word("SELECT") || is_word("WITH") || is_word("VALUES")) {
    ExprPtr e = make(ExprKind::kScalarSubquery, pos);
    e->subquery = query();
    expect_symbol(")");
    return e;
  }
  ExprPtr first = expr();
  if (accept_symbol(",")) {
    ExprPtr row = make(ExprKind::kRowCtor, pos);
    row->args.push_back(std::move(first));
    do {
      row->args.push_back(expr());
    } while (accept_symbol(","));
    expect_symbol(")");
    row->paren = true;
    return row;
  }
  expect_symbol(")");
  first->paren = true;
  return first;
}

// A form that starts with a keyword; nullptr when the word is not one (a column or a function).
ExprPtr Parser::keyword_form() {
  const Token& t = peek();
  const std::string word = to_upper(t.text);
  if (ExprPtr e = word_literal(word)) return e;
  if (word == "INTERVAL") return interval_literal(next());
  if (word == "CASE") return case_expr(next());
  if (word == "EXISTS" || (word == "NOT" && is_word("EXISTS", 1))) return exists_expr();
  if ((word == "ARRAY" || word == "MAP") && is_symbol("[", 1)) return collection_constructor(word);
  if (word == "ROW" && is_symbol("(", 1)) return row_constructor();
  // Niladic functions written without parentheses, as in standard SQL.
  if ((word == "CURRENT_TIMESTAMP" || word == "CURRENT_DATE" || word == "CURRENT_TIME" || word == "LOCALTIMESTAMP" ||
       word == "LOCALTIME") &&
      !is_symbol("(", 1)) {
    ExprPtr e = make(ExprKind::kFunction, next().pos);
    e->name = word;
    return e;
  }
  // LEFT(s, n) and RIGHT(s, n) are functions although LEFT and RIGHT are join keywords.
  if ((word == "LEFT" || word == "RIGHT") && is_symbol("(", 1)) return function_call(next());
  return nullptr;
}

// NULL, TRUE, FALSE, DATE/TIME/TIMESTAMP/TIMESTAMP_LTZ 'text' and X'hex'; nullptr otherwise.
ExprPtr Parser::word_literal(const std::string& word) {
  const SourcePos pos = peek().pos;
  if (word == "NULL" || word == "TRUE" || word == "FALSE") {
    next();
    return literal(word == "NULL" ? Literal::Kind::kNull : Literal::Kind::kBoolean, pos, word);
  }
  if (word == "UNKNOWN") {  // the BOOLEAN literal UNKNOWN: a NULL of type BOOLEAN
    next();
    ExprPtr e = make(ExprKind::kCast, pos);
    e->args.push_back(literal(Literal::Kind::kNull, pos, "NULL"));
    e->type = DataType::boolean();
    return e;
  }
  if ((word == "DATE" || word == "TIME" || word == "TIMESTAMP" || word == "TIMESTAMP_LTZ") &&
      peek(1).kind == TokenKind::kString) {
    next();
    const Literal::Kind kind = word == "DATE"        ? Literal::Kind::kDate
                               : word == "TIME"      ? Literal::Kind::kTime
                               : word == "TIMESTAMP" ? Literal::Kind::kTimestamp
                                                     : Literal::Kind::kTimestampLtz;
    return literal(kind, pos, next().text);
  }
  if (word == "X" && peek(1).kind == TokenKind::kString && peek(1).pos.column == pos.column + 1) {
    next();
    return literal(Literal::Kind::kBinary, pos, next().text);
  }
  return nullptr;
}

// [NOT] EXISTS ( query )
ExprPtr Parser::exists_expr() {
  ExprPtr e = make(ExprKind::kExists, peek().pos);
  e->negated = accept_word("NOT");
  expect_word("EXISTS");
  expect_symbol("(");
  e->subquery = query();
  expect_symbol(")");
  return e;
}

// ARRAY[a, b, ...] or MAP[key, value, ...]
ExprPtr Parser::collection_constructor(const std::string& word) {
  const SourcePos pos = next().pos;
  next();  // '['
  ExprPtr e = make(word == "ARRAY" ? ExprKind::kArrayCtor : ExprKind::kMapCtor, pos);
  if (!is_symbol("]")) {
    do {
      e->args.push_back(expr());
    } while (accept_symbol(","));
  }
  expect_symbol("]");
  if (e->kind == ExprKind::kMapCtor && e->args.size() % 2 != 0) {
    fail_at(pos, "MAP[...] needs an even number of arguments: key, value, key, value, ...");
  }
  return e;
}

// ROW(a, b, ...)
ExprPtr Parser::row_constructor() {
  ExprPtr e = make(ExprKind::kRowCtor, next().pos);
  next();  // '('
  if (!is_symbol(")")) {
    do {
      e->args.push_back(expr());
    } while (accept_symbol(","));
  }
  expect_symbol(")");
  return e;
}

// A column reference: a, t.a, `t`.`a`, or t.* .
ExprPtr Parser::column_reference() {
  const SourcePos pos = peek().pos;
  ExprPtr e = make(ExprKind::kColumn, pos);
  e->name = next().text;
  while (is_symbol(".")) {
    if (is_symbol("*", 1)) {
      next();
      next();
      ExprPtr star = make(ExprKind::kStar, pos);
      star->qualifier = std::move(e->qualifier);
      star->qualifier.push_back(std::move(e->name));
      return star;
    }
    if (peek(1).kind != TokenKind::kIdentifier && peek(1).kind != TokenKind::kQuotedIdentifier) break;
    next();
    e->qualifier.push_back(std::move(e->name));
    e->name = identifier("a field name");
  }
  return e;
}

}  // namespace careflow::sql
