#pragma once
// The parser's shared state, split by concern over parser_statement.cc (statements, DDL),
// parser_query.cc (SELECT, FROM, set operations) and parser_expr.cc (expressions and types).

#include <fmt/format.h>

#include <string_view>
#include <vector>

#include "sql/ast.h"
#include "sql/lexer.h"

namespace careflow::sql {

// Thrown inside the parser only and turned into a Status at its entry points: recursive descent
// with a Result on every call would bury the grammar under error plumbing.
struct ParseError {
  std::string message;
};

class Parser {
 public:
  Parser(std::string_view sql, std::vector<Token> tokens) : sql_(sql), tokens_(std::move(tokens)) {}

  // Statements
  StatementPtr statement();
  StatementPtr create();
  std::unique_ptr<CreateTable> create_table_body(bool temporary);
  ColumnDef column_def();
  WatermarkDef watermark_def();  // WATERMARK FOR column AS expr
  std::vector<TableOption> options();
  Insert insert();
  StatementPtr statement_set();
  StatementPtr alter();

  // Queries
  QueryPtr query();
  QueryPtr query_no_with();
  QueryPtr query_term();
  QueryPtr query_primary();
  void select_body(Select& select);
  TableRefPtr table_expression();
  TableRefPtr table_primary();
  void table_alias(TableRef& ref);
  std::vector<OrderItem> order_items();
  std::shared_ptr<OverFrame> over_frame();
  std::vector<ExprPtr> values_row();
  // t MATCH_RECOGNIZE (...) over `input` (parser_match.cc)
  TableRefPtr match_recognize(TableRefPtr input);
  void match_after(MatchRecognize& m);
  PatternTerm pattern_alternation();
  PatternTerm pattern_concatenation();
  PatternTerm pattern_factor();
  void pattern_quantifier(PatternTerm& term);

  // Constructs recognised where the grammar puts them but not supported yet: each stops with an
  // error naming the construct at its first token (parser_unsupported.cc).
  TableRefPtr table_function_call(const Token& table_token);  // FROM TABLE(f(...))
  TableRefPtr window_table_function(const Token& table_token);  // FROM TABLE(TUMBLE(...)), HOP, CUMULATE
  ExprPtr grouping_element();                                 // GROUPING SETS, ROLLUP, CUBE, or an expression
  ExprPtr grouping_set();                                     // (a, b), () or a (parser_grouping.cc)
  void window_clause(Select& select);                         // WINDOW w AS (...)
  void window_spec(Expr& over);                               // ([PARTITION BY ...] [ORDER BY ...] [frame])
  void check_function_supported(const Token& name_token);     // ML_PREDICT(...), ...

  // Expressions
  ExprPtr expr();
  ExprPtr or_expr();
  ExprPtr and_expr();
  ExprPtr not_expr();
  ExprPtr comparison();
  ExprPtr additive();
  ExprPtr multiplicative();
  ExprPtr unary();
  ExprPtr postfix();
  ExprPtr primary();
  ExprPtr number_literal();
  ExprPtr string_constant();
  ExprPtr parenthesized();
  ExprPtr keyword_form();
  ExprPtr word_literal(const std::string& word);
  ExprPtr exists_expr();
  ExprPtr collection_constructor(const std::string& word);
  ExprPtr row_constructor();
  ExprPtr column_reference();
  ExprPtr function_call(const Token& name_token);
  ExprPtr special_function(const Token& name_token);
  ExprPtr json_function(const Token& name_token);
  void json_behavior(std::string& behavior, ExprPtr& default_value, bool exists);
  ExprPtr case_expr(const Token& case_token);
  ExprPtr interval_literal(const Token& interval_token);
  DataType type();
  std::string time_unit();

  // Tokens
  const Token& peek(size_t ahead = 0) const {
    size_t i = std::min(pos_ + ahead, tokens_.size() - 1);
    return tokens_[i];
  }
  const Token& next() { const Token& t = tokens_[pos_]; if (pos_ + 1 < tokens_.size()) ++pos_; return t; }
  bool at_end() const { return peek().kind == TokenKind::kEnd; }
  bool is_word(std::string_view word, size_t ahead = 0) const {
    const Token& t = peek(ahead);
    return t.kind == TokenKind::kIdentifier && iequals(t.text, word);
  }
  bool is_symbol(std::string_view s, size_t ahead = 0) const {
    const Token& t = peek(ahead);
    return t.kind == TokenKind::kSymbol && t.text == s;
  }
  bool accept_word(std::string_view word) { if (is_word(word)) { next(); return true; } return false; }
  bool accept_symbol(std::string_view s) { if (is_symbol(s)) { next(); return true; } return false; }
  bool accept_words(std::initializer_list<std::string_view> words);  // all in sequence, or none consumed
  const Token& expect_word(std::string_view word);
  const Token& expect_symbol(std::string_view s);
  std::string identifier(std::string_view what = "an identifier");
  std::vector<std::string> compound_name(std::string_view what = "a name");
  std::string string_literal(std::string_view what = "a string literal");
  int integer_literal(std::string_view what = "an integer");
  bool is_reserved(const Token& t) const;    // one of Flink's reserved keywords (sql/keywords.h)
  bool is_structural(const Token& t) const;  // a reserved word the grammar ends things with: FROM, JOIN, ...
  bool is_context_variable(const Token& t) const;  // USER, CURRENT_USER, ...: reserved, yet a bare column name
  // Fails at a token that cannot be `expected` here; a reserved keyword other than the structural
  // ones gets the hint to back-quote it.
  [[noreturn]] void fail_reserved(const Token& at, std::string_view expected) const;
  bool is_identifier_start(size_t ahead = 0) const;

  [[noreturn]] void fail(const Token& at, std::string_view expected) const;
  [[noreturn]] void fail_at(SourcePos pos, std::string_view message) const;
  static std::string describe(const Token& t);

  // How deep the tree being built nests. The parser and every later pass over the tree (binder,
  // planner, printer, evaluator, the tree's own destructor) recurse once per level or more, so the
  // parser refuses to go past kMaxNesting levels — a line:column error, not a stack overflow. A
  // level is a parenthesis, a subquery, a unary operator, a nested type, and also each operator of
  // a chain: a + b + c is parsed by a loop but builds a left-deep tree, one level per '+'.
  static constexpr int kMaxNesting = 1000;
  // Holds some levels for as long as it lives; deeper() adds one (failing past the limit).
  class Nesting {
   public:
    explicit Nesting(Parser& parser) : parser_(parser), saved_(parser.depth_) {}
    Nesting(const Nesting&) = delete;
    Nesting& operator=(const Nesting&) = delete;
    ~Nesting() { parser_.depth_ = saved_; }
    void deeper(SourcePos pos) {
      if (++parser_.depth_ > kMaxNesting) {
        parser_.fail_at(pos, fmt::format("the statement nests deeper than {} levels (parentheses, subqueries, operators "
                                         "in a chain, unary operators or nested types); split it up",
                                         kMaxNesting));
      }
    }

   private:
    Parser& parser_;
    int saved_;
  };

  std::string_view sql_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace careflow::sql
