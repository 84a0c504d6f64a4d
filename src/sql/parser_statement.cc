// Statements: DDL, INSERT, statement sets, SET/RESET, SHOW/DESCRIBE/EXPLAIN; and the entry points.
#include "sql/parser.h"
#include "sql/parser_impl.h"

namespace careflow::sql {

std::string join_name(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ".") + p;
  return out;
}

StatementPtr Parser::statement() {
  const Token& first = peek();
  SourcePos pos = first.pos;
  if (is_word("SELECT") || is_word("WITH") || is_word("VALUES") || is_symbol("(")) {
    auto s = std::make_unique<Statement>(Statement::Kind::kQuery, pos);
    s->query = query();
    return s;
  }
  if (is_word("CREATE")) return create();
  if (is_word("INSERT")) {
    auto s = std::make_unique<Statement>(Statement::Kind::kInsert, pos);
    s->inserts.push_back(insert());
    return s;
  }
  if (is_word("EXECUTE") || (is_word("BEGIN") && is_word("STATEMENT", 1))) return statement_set();
  if (accept_word("SET")) {
    auto s = std::make_unique<Statement>(Statement::Kind::kSet, pos);
    if (!at_end() && !is_symbol(";")) {
      s->key = string_literal("a quoted configuration key such as 'table.local-time-zone'");
      expect_symbol("=");
      s->value = string_literal("a quoted value");
    }
    return s;
  }
  if (accept_word("RESET")) {
    auto s = std::make_unique<Statement>(Statement::Kind::kReset, pos);
    if (peek().kind == TokenKind::kString) s->key = next().text;
    return s;
  }
  if (accept_word("SHOW")) {
    if (accept_word("TABLES")) return std::make_unique<Statement>(Statement::Kind::kShowTables, pos);
    if (accept_word("VIEWS")) return std::make_unique<Statement>(Statement::Kind::kShowViews, pos);
    if (accept_word("JOBS")) return std::make_unique<Statement>(Statement::Kind::kShowJobs, pos);
    if (accept_word("FUNCTIONS") || accept_words({"USER", "FUNCTIONS"})) {
      return std::make_unique<Statement>(Statement::Kind::kShowFunctions, pos);
    }
    if (accept_word("CREATE")) {
      if (!accept_word("TABLE")) expect_word("VIEW");
      auto s = std::make_unique<Statement>(Statement::Kind::kShowCreateTable, pos);
      s->name = compound_name("a table name");
      return s;
    }
    fail(peek(), "TABLES, VIEWS, JOBS, FUNCTIONS or CREATE TABLE after SHOW");
  }
  if (accept_word("STOP")) {
    expect_word("JOB");
    auto s = std::make_unique<Statement>(Statement::Kind::kStopJob, pos);
    s->key = string_literal("a quoted job id such as 'job-1'");
    if (accept_word("WITH")) {
      expect_word("SAVEPOINT");
      s->with_savepoint = true;
    }
    return s;
  }
  // DESCRIBE JOB 'id' (a job: its id is quoted, as Flink writes it); DESCRIBE job is a table named job.
  if ((is_word("DESCRIBE") || is_word("DESC")) && is_word("JOB", 1) && peek(2).kind == TokenKind::kString) {
    next();
    next();
    auto s = std::make_unique<Statement>(Statement::Kind::kDescribeJob, pos);
    s->key = next().text;
    return s;
  }
  if (accept_word("DESCRIBE") || accept_word("DESC")) {
    auto s = std::make_unique<Statement>(Statement::Kind::kDescribe, pos);
    s->extended = accept_word("EXTENDED");
    s->name = compound_name("a table name");
    return s;
  }
  if (accept_word("EXPLAIN")) {
    auto s = std::make_unique<Statement>(Statement::Kind::kExplain, pos);
    accept_words({"PLAN", "FOR"});
    s->explained = statement();
    return s;
  }
  if (accept_word("DROP")) {
    bool temporary = accept_word("TEMPORARY");
    Statement::Kind kind;
    if (accept_word("TABLE")) kind = Statement::Kind::kDropTable;
    else if (accept_word("VIEW")) kind = Statement::Kind::kDropView;
    else fail(peek(), "TABLE or VIEW after DROP");
    auto s = std::make_unique<Statement>(kind, pos);
    s->temporary = temporary;
    s->if_exists = accept_words({"IF", "EXISTS"});
    s->name = compound_name("a table name");
    return s;
  }
  if (is_word("ALTER")) return alter();
  if (accept_word("USE")) {
    bool catalog = accept_word("CATALOG");
    auto s = std::make_unique<Statement>(catalog ? Statement::Kind::kUseCatalog : Statement::Kind::kUseDatabase, pos);
    s->name = compound_name("a catalog or database name");
    return s;
  }
  fail(first, "a statement (SELECT, INSERT, CREATE, DROP, ALTER, SET, RESET, SHOW, DESCRIBE, EXPLAIN, EXECUTE, STOP JOB)");
}

StatementPtr Parser::create() {
  SourcePos pos = expect_word("CREATE").pos;
  bool temporary = accept_word("TEMPORARY");
  if (accept_word("TABLE")) {
    auto s = std::make_unique<Statement>(Statement::Kind::kCreateTable, pos);
    s->create_table = create_table_body(temporary);
    return s;
  }
  if (accept_word("VIEW")) {
    auto s = std::make_unique<Statement>(Statement::Kind::kCreateView, pos);
    auto view = std::make_unique<CreateView>();
    view->temporary = temporary;
    view->if_not_exists = accept_words({"IF", "NOT", "EXISTS"});
    view->name = compound_name("a view name");
    if (accept_symbol("(")) {
      do {
        view->columns.push_back(identifier("a column name"));
      } while (accept_symbol(","));
      expect_symbol(")");
    }
    expect_word("AS");
    view->query = query();
    s->create_view = std::move(view);
    return s;
  }
  if (is_word("FUNCTION")) {
    fail_at(peek().pos, "CREATE FUNCTION is not supported yet (user-defined functions); the built-in functions are "
                        "listed by SHOW FUNCTIONS");
  }
  if (is_word("CATALOG") || is_word("DATABASE") || is_word("MODEL")) {
    fail_at(peek().pos, fmt::format("CREATE {} is not supported", to_upper(peek().text)));
  }
  fail(peek(), "TABLE, TEMPORARY TABLE or VIEW after CREATE");
}

ColumnDef Parser::column_def() {
  ColumnDef c;
  c.pos = peek().pos;
  c.name = identifier("a column name");
  if (accept_word("AS")) {
    c.computed = expr();
  } else {
    c.type = type();
    if (accept_word("METADATA")) {
      c.metadata = true;
      if (accept_word("FROM")) c.metadata_key = string_literal("a metadata key such as 'timestamp'");
      if (accept_word("VIRTUAL")) c.is_virtual = true;
    }
  }
  if (accept_word("COMMENT")) c.comment = string_literal();
  return c;
}

WatermarkDef Parser::watermark_def() {
  WatermarkDef w;
  w.pos = expect_word("WATERMARK").pos;
  expect_word("FOR");
  w.column = identifier("a column name");
  expect_word("AS");
  w.expr = expr();
  return w;
}

std::vector<TableOption> Parser::options() {
  std::vector<TableOption> out;
  expect_symbol("(");
  if (!is_symbol(")")) {
    do {
      TableOption o;
      o.pos = peek().pos;
      o.key = string_literal("a quoted option key such as 'connector'");
      expect_symbol("=");
      o.value = string_literal("a quoted option value");
      out.push_back(std::move(o));
    } while (accept_symbol(","));
  }
  expect_symbol(")");
  return out;
}

std::unique_ptr<CreateTable> Parser::create_table_body(bool temporary) {
  auto t = std::make_unique<CreateTable>();
  t->temporary = temporary;
  t->if_not_exists = accept_words({"IF", "NOT", "EXISTS"});
  t->name = compound_name("a table name");
  if (accept_symbol("(")) {
    for (;;) {
      if (accept_word("CONSTRAINT")) identifier("a constraint name");
      if (is_word("PRIMARY") && is_word("KEY", 1)) {
        t->primary_key_pos = next().pos;
        next();
        expect_symbol("(");
        do {
          t->primary_key.push_back(identifier("a column name"));
        } while (accept_symbol(","));
        expect_symbol(")");
        if (!accept_words({"NOT", "ENFORCED"})) {
          fail(peek(), "NOT ENFORCED (Flink does not enforce primary keys; write PRIMARY KEY (...) NOT ENFORCED)");
        }
      } else if (is_word("WATERMARK")) {
        t->watermark = watermark_def();
      } else {
        t->columns.push_back(column_def());
        if (is_word("PRIMARY") && is_word("KEY", 1)) {  // column-level PRIMARY KEY
          t->primary_key_pos = next().pos;
          next();
          if (!accept_words({"NOT", "ENFORCED"})) fail(peek(), "NOT ENFORCED");
          t->primary_key.push_back(t->columns.back().name);
        }
      }
      if (accept_symbol(",")) continue;
      expect_symbol(")");
      break;
    }
  }
  if (accept_word("COMMENT")) t->comment = string_literal();
  if (accept_word("DISTRIBUTED")) {
    expect_word("BY");
    accept_word("HASH");
    expect_symbol("(");
    do {
      t->distributed_by.push_back(identifier("a column name"));
    } while (accept_symbol(","));
    expect_symbol(")");
    if (accept_word("INTO")) {
      t->buckets = integer_literal("a bucket count");
      expect_word("BUCKETS");
    }
  }
  if (accept_word("PARTITIONED")) {
    expect_word("BY");
    expect_symbol("(");
    do {
      t->partitioned_by.push_back(identifier("a column name"));
    } while (accept_symbol(","));
    expect_symbol(")");
  }
  if (accept_word("WITH")) t->options = options();
  if (accept_word("LIKE")) {
    t->like = compound_name("a table name");
    if (accept_symbol("(")) {
      while (!is_symbol(")") && !at_end()) t->like_options.push_back(to_upper(next().text));
      expect_symbol(")");
    }
  }
  if (accept_word("AS")) t->as_query = query();
  return t;
}

Insert Parser::insert() {
  expect_word("INSERT");
  Insert ins;
  if (accept_word("OVERWRITE")) ins.overwrite = true;
  else expect_word("INTO");
  accept_word("TABLE");
  ins.table_pos = peek().pos;
  ins.table = compound_name("a table name");
  if (is_symbol("(") && !is_word("SELECT", 1) && !is_word("WITH", 1) && !is_word("VALUES", 1)) {
    next();
    do {
      ins.columns.push_back(identifier("a column name"));
    } while (accept_symbol(","));
    expect_symbol(")");
  }
  ins.query = query();
  return ins;
}

StatementPtr Parser::statement_set() {
  SourcePos pos = peek().pos;
  accept_word("EXECUTE");
  expect_word("STATEMENT");
  expect_word("SET");
  expect_word("BEGIN");
  auto s = std::make_unique<Statement>(Statement::Kind::kStatementSet, pos);
  while (!is_word("END")) {
    if (!is_word("INSERT")) fail(peek(), "INSERT INTO or END inside a statement set");
    s->inserts.push_back(insert());
    expect_symbol(";");
  }
  expect_word("END");
  return s;
}

StatementPtr Parser::alter() {
  SourcePos pos = expect_word("ALTER").pos;
  expect_word("TABLE");
  auto s = std::make_unique<Statement>(Statement::Kind::kAlterTable, pos);
  auto a = std::make_unique<AlterTable>();
  a->name = compound_name("a table name");
  if (accept_word("SET")) {
    a->action = AlterTable::Action::kSetOptions;
    a->options = options();
  } else if (accept_word("RESET")) {
    a->action = AlterTable::Action::kResetOptions;
    expect_symbol("(");
    do {
      a->reset_keys.push_back(string_literal("a quoted option key"));
    } while (accept_symbol(","));
    expect_symbol(")");
  } else if (accept_word("ADD") || accept_word("MODIFY")) {
    bool paren = accept_symbol("(");
    if (is_word("WATERMARK")) {
      a->watermark = watermark_def();
      a->action = AlterTable::Action::kModifyWatermark;
    } else {
      a->action = AlterTable::Action::kAddColumns;
      do {
        a->columns.push_back(column_def());
      } while (paren && accept_symbol(","));
    }
    if (paren) expect_symbol(")");
  } else if (accept_word("DROP")) {
    expect_word("WATERMARK");
    a->action = AlterTable::Action::kDropWatermark;
  } else if (accept_word("RENAME")) {
    expect_word("TO");
    a->action = AlterTable::Action::kRename;
    a->new_name = compound_name("a table name");
  } else {
    fail(peek(), "SET, RESET, ADD, MODIFY, DROP WATERMARK or RENAME TO");
  }
  s->alter = std::move(a);
  return s;
}

namespace {

template <typename F>
auto run_parser(std::string_view sql, F&& body) -> Result<decltype(body(std::declval<Parser&>()))> {
  CF_ASSIGN_OR_RETURN(std::vector<Token> tokens, tokenize(sql));
  Parser parser(sql, std::move(tokens));
  try {
    return body(parser);
  } catch (const ParseError& e) {
    return Status::invalid_argument(e.message);
  }
}

// Offset in `sql` of a 1-based line:column.
size_t offset_of(std::string_view sql, SourcePos pos) {
  int line = 1;
  size_t i = 0;
  while (i < sql.size() && line < pos.line) {
    if (sql[i] == '\n') ++line;
    ++i;
  }
  return std::min(sql.size(), i + static_cast<size_t>(pos.column - 1));
}

}  // namespace

Result<StatementPtr> parse_statement(std::string_view sql) {
  return run_parser(sql, [](Parser& p) {
    StatementPtr s = p.statement();
    p.accept_symbol(";");
    if (!p.at_end()) p.fail(p.peek(), "end of statement");
    return s;
  });
}

Result<std::vector<ScriptStatement>> parse_script(std::string_view sql) {
  return run_parser(sql, [sql](Parser& p) {
    std::vector<ScriptStatement> out;
    while (!p.at_end()) {
      if (p.accept_symbol(";")) continue;
      size_t start = offset_of(sql, p.peek().pos);
      StatementPtr s = p.statement();
      size_t end = p.at_end() ? sql.size() : offset_of(sql, p.peek().pos);
      if (!p.at_end() && !p.is_symbol(";")) p.fail(p.peek(), "';' between statements");
      std::string text(sql.substr(start, end - start));
      while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
      if (s->kind == Statement::Kind::kCreateView) {
        // Keep the view's query text as written, for SHOW CREATE VIEW.
        s->create_view->text = text;
      }
      out.push_back({std::move(s), std::move(text)});
    }
    return out;
  });
}

Result<ExprPtr> parse_expression(std::string_view sql) {
  return run_parser(sql, [](Parser& p) {
    ExprPtr e = p.expr();
    if (!p.at_end()) p.fail(p.peek(), "end of expression");
    return e;
  });
}

Result<DataType> parse_type(std::string_view sql) {
  return run_parser(sql, [](Parser& p) {
    DataType t = p.type();
    if (!p.at_end()) p.fail(p.peek(), "end of type");
    return t;
  });
}

}  // namespace careflow::sql
