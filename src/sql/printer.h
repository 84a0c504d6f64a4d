#pragma once
// Syntax tree → SQL text. The output parses back to an equal tree (the round-trip property the
// parser tests check), with keywords upper case, names back-quoted when they need it, and
// parentheses kept where the author wrote them.

#include <string>

#include "sql/ast.h"

namespace careflow::sql {

std::string print_expr(const Expr& e);
std::string print_query(const Query& q);
std::string print_statement(const Statement& s);
// A MATCH_RECOGNIZE PATTERN's terms as written ("A B+? C{2,}").
std::string print_pattern(const PatternTerm& t);
// `name` back-quoted when it is not a plain identifier or is a reserved word.
std::string quote_identifier(const std::string& name);
std::string quote_string(const std::string& text);

}  // namespace careflow::sql
