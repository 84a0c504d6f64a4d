// SELECT, FROM, joins, set operations, ORDER BY / LIMIT.
#include "sql/parser_impl.h"

namespace careflow::sql {

QueryPtr Parser::query() {
  SourcePos pos = peek().pos;
  Nesting nesting(*this);
  nesting.deeper(pos);
  std::vector<CommonTable> with;
  if (accept_word("WITH")) {
    do {
      CommonTable cte;
      cte.pos = peek().pos;
      cte.name = identifier("a common table name");
      if (accept_symbol("(")) {
        do {
          cte.columns.push_back(identifier("a column name"));
        } while (accept_symbol(","));
        expect_symbol(")");
      }
      expect_word("AS");
      expect_symbol("(");
      cte.query = query();
      expect_symbol(")");
      with.push_back(std::move(cte));
    } while (accept_symbol(","));
  }
  QueryPtr q = query_no_with();
  if (!with.empty()) {
    if (!q->with.empty() || q->paren) {
      // Keep both levels: wrap so that the outer WITH scopes over the inner query.
      auto outer = std::make_unique<Query>();
      outer->kind = Query::Kind::kSelect;
      outer->pos = pos;
      outer->with = std::move(with);
      outer->select.items.push_back({nullptr, "", pos});
      outer->select.items.back().expr = std::make_unique<Expr>(ExprKind::kStar, pos);
      auto from = std::make_unique<TableRef>();
      from->kind = TableRef::Kind::kSubquery;
      from->pos = pos;
      from->subquery = std::move(q);
      outer->select.from = std::move(from);
      return outer;
    }
    q->with = std::move(with);
  }
  return q;
}

QueryPtr Parser::query_no_with() {
  QueryPtr left = query_term();
  Nesting chain(*this);
  for (;;) {
    if (is_word("UNION") || is_word("EXCEPT") || is_word("INTERSECT") || is_word("MINUS")) {
      const Token& op = next();
      chain.deeper(op.pos);
      auto q = std::make_unique<Query>();
      q->kind = Query::Kind::kSetOp;
      q->pos = op.pos;
      q->set_op = to_upper(op.text) == "MINUS" ? "EXCEPT" : to_upper(op.text);
      if (accept_word("ALL")) q->set_all = true;
      else accept_word("DISTINCT");
      q->left = std::move(left);
      q->right = query_term();
      left = std::move(q);
    } else {
      break;
    }
  }
  if (is_word("ORDER") && is_word("BY", 1)) {
    next();
    next();
    left->order_by = order_items();
  }
  if (accept_word("LIMIT")) left->limit = expr();
  if (accept_word("OFFSET")) {
    left->offset = expr();
    if (!accept_word("ROWS")) accept_word("ROW");
  }
  if (accept_word("FETCH")) {
    if (!accept_word("FIRST")) expect_word("NEXT");
    left->limit = expr();
    if (!accept_word("ROWS")) expect_word("ROW");
    expect_word("ONLY");
  }
  return left;
}

QueryPtr Parser::query_term() {
  if (is_symbol("(")) {
    // ( query ) — but not a parenthesized expression; at this position only queries can start.
    next();
    QueryPtr q = query();
    expect_symbol(")");
    q->paren = true;
    return q;
  }
  return query_primary();
}

std::vector<ExprPtr> Parser::values_row() {
  std::vector<ExprPtr> row;
  bool paren = accept_symbol("(");
  if (!paren && accept_word("ROW")) {
    expect_symbol("(");
    paren = true;
  }
  if (!paren) {
    row.push_back(expr());
    return row;
  }
  do {
    row.push_back(expr());
  } while (accept_symbol(","));
  expect_symbol(")");
  return row;
}

QueryPtr Parser::query_primary() {
  auto q = std::make_unique<Query>();
  q->pos = peek().pos;
  if (accept_word("VALUES")) {
    q->kind = Query::Kind::kValues;
    do {
      q->values.push_back(values_row());
    } while (accept_symbol(","));
    return q;
  }
  if (!is_word("SELECT")) fail(peek(), "SELECT, VALUES, WITH or '('");
  next();
  q->kind = Query::Kind::kSelect;
  select_body(q->select);
  return q;
}

void Parser::select_body(Select& select) {
  if (accept_word("DISTINCT")) select.distinct = true;
  else accept_word("ALL");
  do {
    SelectItem item;
    item.pos = peek().pos;
    item.expr = expr();
    if (accept_word("AS")) {
      item.alias = identifier("an alias");
    } else if (is_identifier_start()) {
      item.alias = next().text;
    }
    select.items.push_back(std::move(item));
  } while (accept_symbol(","));
  if (accept_word("FROM")) select.from = table_expression();
  if (accept_word("WHERE")) select.where = expr();
  if (is_word("GROUP") && is_word("BY", 1)) {
    select.group_by_pos = next().pos;
    next();
    do {
      select.group_by.push_back(grouping_element());
    } while (accept_symbol(","));
  }
  if (accept_word("HAVING")) select.having = expr();
  if (is_word("WINDOW")) window_clause(select);
}

TableRefPtr Parser::table_expression() {
  TableRefPtr left = table_primary();
  Nesting chain(*this);
  for (;;) {
    SourcePos pos = peek().pos;
    JoinType type;
    if (accept_symbol(",")) {
      type = JoinType::kCross;
    } else if (accept_words({"CROSS", "JOIN"})) {
      type = JoinType::kCross;
    } else if (accept_word("JOIN") || accept_words({"INNER", "JOIN"})) {
      type = JoinType::kInner;
    } else if (accept_words({"LEFT", "JOIN"}) || accept_words({"LEFT", "OUTER", "JOIN"})) {
      type = JoinType::kLeft;
    } else if (accept_words({"RIGHT", "JOIN"}) || accept_words({"RIGHT", "OUTER", "JOIN"})) {
      type = JoinType::kRight;
    } else if (accept_words({"FULL", "JOIN"}) || accept_words({"FULL", "OUTER", "JOIN"})) {
      type = JoinType::kFull;
    } else if (is_word("NATURAL")) {
      fail_at(pos, "NATURAL JOIN is not supported; name the join columns with ON or USING");
    } else {
      return left;
    }
    chain.deeper(pos);
    auto join = std::make_unique<TableRef>();
    join->kind = TableRef::Kind::kJoin;
    join->pos = pos;
    join->join_type = type;
    join->left = std::move(left);
    join->right = table_primary();
    if (type != JoinType::kCross) {
      if (accept_word("ON")) {
        join->on = expr();
      } else if (accept_word("USING")) {
        expect_symbol("(");
        do {
          join->using_columns.push_back(identifier("a column name"));
        } while (accept_symbol(","));
        expect_symbol(")");
      } else {
        fail(peek(), "ON or USING after the joined table");
      }
    }
    left = std::move(join);
  }
}

void Parser::table_alias(TableRef& ref) {
  if (accept_word("AS")) {
    ref.alias = identifier("an alias");
  } else if (is_identifier_start()) {
    ref.alias = next().text;
  } else {
    return;
  }
  if (accept_symbol("(")) {
    do {
      ref.column_aliases.push_back(identifier("a column alias"));
    } while (accept_symbol(","));
    expect_symbol(")");
  }
}

TableRefPtr Parser::table_primary() {
  auto ref = std::make_unique<TableRef>();
  ref->pos = peek().pos;
  if (accept_word("LATERAL")) {
    ref->lateral = true;
    if (accept_word("TABLE")) {
      ref->kind = TableRef::Kind::kLateralTable;
      expect_symbol("(");
      ref->unnest_args.push_back(expr());
      expect_symbol(")");
      table_alias(*ref);
      return ref;
    }
  }
  if (accept_word("UNNEST")) {
    ref->kind = TableRef::Kind::kUnnest;
    expect_symbol("(");
    do {
      ref->unnest_args.push_back(expr());
    } while (accept_symbol(","));
    expect_symbol(")");
    if (accept_word("WITH")) {
      expect_word("ORDINALITY");
      ref->with_ordinality = true;
    }
    table_alias(*ref);
    return ref;
  }
  if (is_word("TABLE") && is_symbol("(", 1)) return table_function_call(peek());
  if (is_symbol("(")) {
    next();
    ref->kind = TableRef::Kind::kSubquery;
    ref->subquery = query();
    expect_symbol(")");
    if (is_word("MATCH_RECOGNIZE")) return match_recognize(std::move(ref));
    table_alias(*ref);
    return ref;
  }
  ref->kind = TableRef::Kind::kTable;
  ref->name = compound_name("a table name");
  if (is_word("FOR") && is_word("SYSTEM_TIME", 1)) {
    next();
    next();
    expect_word("AS");
    expect_word("OF");
    ref->system_time = additive();
  }
  if (is_word("MATCH_RECOGNIZE")) return match_recognize(std::move(ref));
  table_alias(*ref);
  return ref;
}

std::vector<OrderItem> Parser::order_items() {
  std::vector<OrderItem> items;
  do {
    OrderItem item;
    item.expr = expr();
    if (accept_word("DESC")) item.ascending = false;
    else accept_word("ASC");
    if (accept_words({"NULLS", "FIRST"})) item.nulls_first = true;
    else if (accept_words({"NULLS", "LAST"})) item.nulls_first = false;
    items.push_back(std::move(item));
  } while (accept_symbol(","));
  return items;
}

}  // namespace careflow::sql

namespace careflow::sql {

// TABLE(TUMBLE|HOP|CUMULATE(TABLE t, DESCRIPTOR(col), INTERVAL ..., ...)), arguments positional
// or named (DATA =>, TIMECOL =>, SIZE =>, SLIDE =>, STEP =>, OFFSET =>); the planner checks them.
TableRefPtr Parser::window_table_function(const Token& table_token) {
  auto ref = std::make_unique<TableRef>();
  ref->kind = TableRef::Kind::kWindowTvf;
  ref->pos = table_token.pos;
  next();  // TABLE
  expect_symbol("(");
  ref->function = to_upper(next().text);
  expect_symbol("(");
  do {
    TvfArg arg;
    arg.pos = peek().pos;
    if (peek().kind == TokenKind::kIdentifier && is_symbol("=>", 1)) {
      arg.name = to_upper(next().text);
      next();
    }
    if (is_word("TABLE") && !is_symbol("(", 1)) {
      next();
      arg.table = std::make_unique<TableRef>();
      arg.table->kind = TableRef::Kind::kTable;
      arg.table->pos = peek().pos;
      arg.table->name = compound_name("a table name");
      // SESSION's partition keys: PARTITION BY a or PARTITION BY (a, b) (Calcite's
      // SimpleIdentifierOrList: a list needs the parentheses, a comma ends the argument).
      if (is_word("PARTITION") && is_word("BY", 1)) {
        next();
        next();
        if (accept_symbol("(")) {
          do {
            arg.partition_by.push_back(identifier("a column name"));
          } while (accept_symbol(","));
          expect_symbol(")");
        } else {
          arg.partition_by.push_back(identifier("a column name"));
        }
      }
    } else if (is_word("DESCRIPTOR") && is_symbol("(", 1)) {
      next();
      next();
      arg.is_descriptor = true;
      do {
        arg.descriptor.push_back(identifier("a column name"));
      } while (accept_symbol(","));
      expect_symbol(")");
    } else {
      arg.expr = expr();
    }
    ref->tvf_args.push_back(std::move(arg));
  } while (accept_symbol(","));
  expect_symbol(")");
  expect_symbol(")");
  table_alias(*ref);
  return ref;
}

}  // namespace careflow::sql
