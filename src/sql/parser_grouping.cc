// GROUP BY elements: an expression, or GROUPING SETS / ROLLUP / CUBE. The three grouping constructs
// become one Expr (kFunction named after the construct) whose args are its grouping sets spelled
// out, each a kRowCtor of its expressions (empty for ()), as Calcite expands them:
//   ROLLUP(a, b)  = GROUPING SETS ((a, b), (a), ())
//   CUBE(a, b)    = GROUPING SETS ((a, b), (a), (b), ())
// The planner runs them in window aggregation and, through an Expand, in a plain GROUP BY
// (planner_select.cc, planner_grouping.cc).
#include "sql/parser_impl.h"

namespace careflow::sql {

namespace {

bool is_grouping_construct(std::string_view upper) { return upper == "ROLLUP" || upper == "CUBE"; }

ExprPtr make(ExprKind kind, SourcePos pos) { return std::make_unique<Expr>(kind, pos); }

}  // namespace

ExprPtr Parser::grouping_element() {
  const Token& t = peek();
  if (t.kind == TokenKind::kIdentifier) {
    const std::string upper = to_upper(t.text);
    if (upper == "GROUPING" && is_word("SETS", 1)) {
      ExprPtr sets = make(ExprKind::kFunction, t.pos);
      sets->name = "GROUPING SETS";
      next();
      next();
      expect_symbol("(");
      do {
        sets->args.push_back(grouping_set());
      } while (accept_symbol(","));
      expect_symbol(")");
      return sets;
    }
    if (is_grouping_construct(upper) && is_symbol("(", 1)) {
      ExprPtr sets = make(ExprKind::kFunction, t.pos);
      sets->name = upper;
      next();
      expect_symbol("(");
      // Where each item's tokens start: a set takes its own copy of an item by parsing it again.
      std::vector<size_t> starts;
      do {
        starts.push_back(pos_);
        expr();
      } while (accept_symbol(","));
      expect_symbol(")");
      const size_t after = pos_;
      auto set_of = [&](const std::vector<size_t>& members) {
        ExprPtr set = make(ExprKind::kRowCtor, t.pos);
        set->paren = true;
        for (size_t m : members) {
          pos_ = starts[m];
          set->args.push_back(expr());
        }
        pos_ = after;
        return set;
      };
      const size_t n = starts.size();
      if (upper == "ROLLUP") {
        for (size_t len = n + 1; len-- > 0;) {
          std::vector<size_t> members;
          for (size_t i = 0; i < len; ++i) members.push_back(i);
          sets->args.push_back(set_of(members));
        }
      } else {
        if (n > 12) fail_at(t.pos, "CUBE of more than 12 expressions is not supported");
        // Calcite's order: the subsets as bit patterns counted down from all items to none, the
        // first item the highest bit.
        for (size_t mask = (size_t{1} << n); mask-- > 0;) {
          std::vector<size_t> members;
          for (size_t i = 0; i < n; ++i) {
            if (mask & (size_t{1} << (n - 1 - i))) members.push_back(i);
          }
          sets->args.push_back(set_of(members));
        }
      }
      return sets;
    }
    // SESSION / TUMBLE / HOP(...) are group windows, planned in planner_group_window.cc; CUMULATE
    // has only its table function.
    if (upper == "CUMULATE" && is_symbol("(", 1)) {
      fail_at(t.pos, "CUMULATE has no group window form; use the window table function: FROM TABLE(CUMULATE(TABLE "
                     "t, DESCRIPTOR(ts), step, size)) GROUP BY window_start, window_end");
    }
  }
  return expr();
}

// One grouping set of GROUPING SETS (...): (a, b), (), or a bare expression (a set of one).
ExprPtr Parser::grouping_set() {
  const Token& t = peek();
  ExprPtr set = make(ExprKind::kRowCtor, t.pos);
  set->paren = true;
  if (t.kind == TokenKind::kIdentifier && (to_upper(t.text) == "GROUPING" || is_grouping_construct(to_upper(t.text))) &&
      (is_word("SETS", 1) || is_symbol("(", 1))) {
    fail_at(t.pos, fmt::format("{} inside GROUPING SETS is not supported yet; list the grouping sets it stands for",
                               to_upper(t.text)));
  }
  if (accept_symbol("(")) {
    if (!is_symbol(")")) {
      do {
        set->args.push_back(expr());
      } while (accept_symbol(","));
    }
    expect_symbol(")");
    return set;
  }
  set->args.push_back(expr());
  return set;
}

}  // namespace careflow::sql
