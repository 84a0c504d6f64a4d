// MATCH_RECOGNIZE (Flink's "Pattern Recognition", Calcite's grammar): the clause after a table or a
// subquery in FROM, and its PATTERN, a regular expression over pattern variables. Everything the
// grammar has is parsed here, so that the planner (planner_match.cc) can refuse what Flink refuses
// with Flink's reason at the place it is written.
#include <charconv>

#include "sql/parser_impl.h"

namespace careflow::sql {

namespace {

// Quantifier bounds: Flink's CEP compiles one state per counted row, so a bound is also a number
// of states; past this, careflow refuses the pattern instead of building a huge automaton.
constexpr int64_t kMaxQuantifierBound = 1000;

}  // namespace

TableRefPtr Parser::match_recognize(TableRefPtr input) {
  auto ref = std::make_unique<TableRef>();
  ref->kind = TableRef::Kind::kMatchRecognize;
  ref->pos = input->pos;
  ref->left = std::move(input);
  ref->match = std::make_unique<MatchRecognize>();
  MatchRecognize& m = *ref->match;
  m.pos = next().pos;  // MATCH_RECOGNIZE
  expect_symbol("(");
  if (accept_words({"PARTITION", "BY"})) {
    do {
      m.partition_by.push_back(expr());
    } while (accept_symbol(","));
  }
  if (accept_words({"ORDER", "BY"})) m.order_by = order_items();
  if (accept_word("MEASURES")) {
    do {
      MeasureItem item;
      item.pos = peek().pos;
      item.expr = expr();
      expect_word("AS");
      item.alias = identifier("a measure name");
      m.measures.push_back(std::move(item));
    } while (accept_symbol(","));
  }
  if (is_word("ONE") || is_word("ALL")) {
    m.rows_pos = peek().pos;
    m.all_rows = is_word("ALL");
    next();
    if (!accept_word("ROWS")) expect_word("ROW");
    expect_word("PER");
    expect_word("MATCH");
    if (m.all_rows) {
      if (accept_word("SHOW") || accept_word("OMIT")) {
        expect_word("EMPTY");
        expect_word("MATCHES");
      } else if (accept_words({"WITH", "UNMATCHED", "ROWS"})) {
      }
    }
  }
  if (is_word("AFTER")) match_after(m);
  const Token& pattern = expect_word("PATTERN");
  expect_symbol("(");
  if (is_symbol("^")) {
    fail_at(peek().pos, "the anchor '^' is not supported in PATTERN (as in Flink: a stream has no start)");
  }
  m.pattern = pattern_alternation();
  if (is_symbol("$")) fail_at(peek().pos, "the anchor '$' is not supported in PATTERN (as in Flink: a stream has no end)");
  expect_symbol(")");
  (void)pattern;
  if (accept_word("WITHIN")) m.within = additive();
  if (is_word("SUBSET")) fail_at(peek().pos, "SUBSET is not supported (as in Flink)");
  expect_word("DEFINE");
  do {
    PatternDefinition d;
    d.pos = peek().pos;
    d.variable = identifier("a pattern variable");
    expect_word("AS");
    d.condition = expr();
    m.define.push_back(std::move(d));
  } while (accept_symbol(","));
  expect_symbol(")");
  table_alias(*ref);
  return ref;
}

// AFTER MATCH SKIP PAST LAST ROW | TO NEXT ROW | TO FIRST v | TO LAST v | TO v (= TO LAST v).
void Parser::match_after(MatchRecognize& m) {
  m.after_pos = next().pos;  // AFTER
  m.after_written = true;
  expect_word("MATCH");
  expect_word("SKIP");
  if (accept_word("PAST")) {
    expect_word("LAST");
    expect_word("ROW");
    m.after = MatchRecognize::After::kPastLastRow;
    return;
  }
  expect_word("TO");
  if (accept_words({"NEXT", "ROW"})) {
    m.after = MatchRecognize::After::kToNextRow;
    return;
  }
  m.after = accept_word("FIRST") ? MatchRecognize::After::kToFirst : MatchRecognize::After::kToLast;
  if (m.after == MatchRecognize::After::kToLast) accept_word("LAST");
  m.after_variable = identifier("a pattern variable");
}

// term ( '|' term )*
PatternTerm Parser::pattern_alternation() {
  PatternTerm first = pattern_concatenation();
  if (!is_symbol("|")) return first;
  PatternTerm alt;
  alt.kind = PatternTerm::Kind::kAlternation;
  alt.pos = peek().pos;
  alt.items.push_back(std::move(first));
  while (accept_symbol("|")) alt.items.push_back(pattern_concatenation());
  return alt;
}

// factor factor ...
PatternTerm Parser::pattern_concatenation() {
  PatternTerm first = pattern_factor();
  if (is_symbol(")") || is_symbol("|") || is_symbol("$") || is_symbol("-") || is_symbol(",")) return first;
  PatternTerm concat;
  concat.kind = PatternTerm::Kind::kConcat;
  concat.pos = first.pos;
  concat.items.push_back(std::move(first));
  while (!(is_symbol(")") || is_symbol("|") || is_symbol("$") || is_symbol("-") || is_symbol(",") || at_end())) {
    concat.items.push_back(pattern_factor());
  }
  return concat;
}

// variable | ( alternation ) | {- alternation -} | PERMUTE(alternation, ...), with a quantifier.
PatternTerm Parser::pattern_factor() {
  Nesting nesting(*this);
  PatternTerm term;
  term.pos = peek().pos;
  nesting.deeper(term.pos);
  if (accept_symbol("(")) {
    term.kind = PatternTerm::Kind::kGroup;
    term.items.push_back(pattern_alternation());
    expect_symbol(")");
  } else if (is_symbol("{") && is_symbol("-", 1)) {
    next();
    next();
    term.kind = PatternTerm::Kind::kExclusion;
    term.items.push_back(pattern_alternation());
    expect_symbol("-");
    expect_symbol("}");
  } else if (is_word("PERMUTE") && is_symbol("(", 1)) {
    next();
    next();
    term.kind = PatternTerm::Kind::kPermute;
    do {
      term.items.push_back(pattern_alternation());
    } while (accept_symbol(","));
    expect_symbol(")");
  } else {
    term.kind = PatternTerm::Kind::kVariable;
    term.name = identifier("a pattern variable, '(' or ')'");
  }
  pattern_quantifier(term);
  return term;
}

// * + ? {n} {n,} {,m} {n,m}, each optionally followed by '?' (reluctant).
void Parser::pattern_quantifier(PatternTerm& term) {
  const SourcePos pos = peek().pos;
  auto bound = [&]() -> int64_t {
    const Token& t = peek();
    if (t.kind != TokenKind::kInteger) fail(t, "a number of rows");
    next();
    int64_t value = 0;
    auto [end, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), value);
    if (ec != std::errc() || end != t.text.data() + t.text.size() || value > kMaxQuantifierBound) {
      fail_at(t.pos, fmt::format("quantifier bound {} is too large; careflow allows at most {}", t.text,
                                 kMaxQuantifierBound));
    }
    return value;
  };
  if (accept_symbol("*")) {
    term.min = 0, term.max = -1, term.quantifier_text = "*";
  } else if (accept_symbol("+")) {
    term.min = 1, term.max = -1, term.quantifier_text = "+";
  } else if (accept_symbol("?")) {
    term.min = 0, term.max = 1, term.quantifier_text = "?";
  } else if (is_symbol("{") && !is_symbol("-", 1)) {
    next();
    if (accept_symbol(",")) {
      term.min = 0;
      term.max = bound();
      term.quantifier_text = fmt::format("{{,{}}}", term.max);
    } else {
      term.min = bound();
      if (accept_symbol(",")) {
        term.max = is_symbol("}") ? -1 : bound();
        term.quantifier_text = term.max < 0 ? fmt::format("{{{},}}", term.min)
                                            : fmt::format("{{{},{}}}", term.min, term.max);
      } else {
        term.max = term.min;
        term.quantifier_text = fmt::format("{{{}}}", term.min);
      }
    }
    expect_symbol("}");
    if (term.max >= 0 && term.max < term.min) {
      fail_at(pos, fmt::format("quantifier {} has a lower bound above its upper bound", term.quantifier_text));
    }
  } else {
    return;
  }
  term.quantified = true;
  if (accept_symbol("?")) {
    term.reluctant = true;
    term.quantifier_text += "?";
  }
}

}  // namespace careflow::sql
