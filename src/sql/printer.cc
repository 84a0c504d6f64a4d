#include "sql/printer.h"

#include <fmt/format.h>

#include <cctype>

#include "sql/keywords.h"

namespace careflow::sql {

namespace {

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(sep) : "") + parts[i];
  return out;
}

std::string names(const std::vector<std::string>& parts) {
  std::vector<std::string> q;
  for (const std::string& p : parts) q.push_back(quote_identifier(p));
  return join(q, ".");
}

std::string exprs(const std::vector<ExprPtr>& list) {
  std::vector<std::string> parts;
  for (const ExprPtr& e : list) parts.push_back(print_expr(*e));
  return join(parts, ", ");
}

std::string order(const std::vector<OrderItem>& items) {
  std::vector<std::string> parts;
  for (const OrderItem& o : items) {
    std::string s = print_expr(*o.expr) + (o.ascending ? "" : " DESC");
    if (o.nulls_first) s += *o.nulls_first ? " NULLS FIRST" : " NULLS LAST";
    parts.push_back(s);
  }
  return join(parts, ", ");
}

std::string literal(const Literal& l) {
  switch (l.kind) {
    case Literal::Kind::kNull: return "NULL";
    case Literal::Kind::kBoolean: return l.text;
    case Literal::Kind::kInteger:
    case Literal::Kind::kDecimal:
    case Literal::Kind::kDouble: return l.text;
    case Literal::Kind::kString: return quote_string(l.text);
    case Literal::Kind::kBinary: return "X" + quote_string(l.text);
    case Literal::Kind::kDate: return "DATE " + quote_string(l.text);
    case Literal::Kind::kTime: return "TIME " + quote_string(l.text);
    case Literal::Kind::kTimestamp: return "TIMESTAMP " + quote_string(l.text);
    case Literal::Kind::kTimestampLtz: return "TIMESTAMP_LTZ " + quote_string(l.text);
  }
  return "";
}

std::string json_clauses(const Expr& e) {
  if (!e.json) return "";
  const JsonClauses& j = *e.json;
  std::string out;
  if (!j.on_null.empty()) out += " " + j.on_null + " ON NULL";
  if (j.returning) out += " RETURNING " + j.returning->to_string();
  if (!j.wrapper.empty()) out += " " + j.wrapper + " WRAPPER";
  auto behavior = [](const std::string& b, const ExprPtr& d) {
    return b == "DEFAULT" ? "DEFAULT " + print_expr(*d) : b;
  };
  if (!j.on_empty.empty()) out += " " + behavior(j.on_empty, j.on_empty_default) + " ON EMPTY";
  if (!j.on_error.empty()) out += " " + behavior(j.on_error, j.on_error_default) + " ON ERROR";
  return out;
}

std::string function(const Expr& e) {
  if (e.name == "EXTRACT") return fmt::format("EXTRACT({} FROM {})", e.time_unit, print_expr(*e.args[0]));
  if (e.name == "TIMESTAMPADD" || e.name == "TIMESTAMPDIFF") {
    return fmt::format("{}({}, {})", e.name, e.time_unit, exprs(e.args));
  }
  if (e.name == "TRIM") {
    if (e.args.size() == 2) {
      return fmt::format("TRIM({} {} FROM {})", e.trim_mode, print_expr(*e.args[1]), print_expr(*e.args[0]));
    }
    return fmt::format("TRIM({} FROM {})", e.trim_mode, print_expr(*e.args[0]));
  }
  if (e.name == "OVERLAY" && e.args.size() >= 3) {
    std::string out = fmt::format("OVERLAY({} PLACING {} FROM {}", print_expr(*e.args[0]), print_expr(*e.args[1]),
                                  print_expr(*e.args[2]));
    if (e.args.size() > 3) out += " FOR " + print_expr(*e.args[3]);
    return out + ")";
  }
  if (e.name == "POSITION") return fmt::format("POSITION({} IN {})", print_expr(*e.args[0]), print_expr(*e.args[1]));
  if (e.args.empty() && !e.star_arg && (e.name == "CURRENT_TIMESTAMP" || e.name == "CURRENT_DATE" ||
                                         e.name == "CURRENT_TIME" || e.name == "LOCALTIMESTAMP" ||
                                         e.name == "LOCALTIME")) {
    return e.name;
  }
  if (e.name == "JSON_OBJECT" || e.name == "JSON_OBJECTAGG") {
    std::vector<std::string> pairs;
    for (size_t i = 0; i + 1 < e.args.size(); i += 2) {
      pairs.push_back(fmt::format("KEY {} VALUE {}", print_expr(*e.args[i]), print_expr(*e.args[i + 1])));
    }
    return fmt::format("{}({}{})", e.name, join(pairs, ", "), json_clauses(e));
  }
  std::string args = e.star_arg ? "*" : exprs(e.args);
  std::string out = fmt::format("{}({}{}{})", e.name, e.distinct ? "DISTINCT " : "", args, json_clauses(e));
  if (e.filter) out += fmt::format(" FILTER (WHERE {})", print_expr(*e.filter));
  return out;
}

std::string table_ref(const TableRef& t);

std::string alias(const TableRef& t) {
  if (t.alias.empty()) return "";
  std::string out = " AS " + quote_identifier(t.alias);
  if (!t.column_aliases.empty()) {
    std::vector<std::string> cols;
    for (const std::string& c : t.column_aliases) cols.push_back(quote_identifier(c));
    out += "(" + join(cols, ", ") + ")";
  }
  return out;
}

std::string match_recognize(const MatchRecognize& m) {
  std::vector<std::string> clauses;
  if (!m.partition_by.empty()) clauses.push_back("PARTITION BY " + exprs(m.partition_by));
  if (!m.order_by.empty()) clauses.push_back("ORDER BY " + order(m.order_by));
  if (!m.measures.empty()) {
    std::vector<std::string> items;
    for (const MeasureItem& i : m.measures) items.push_back(print_expr(*i.expr) + " AS " + quote_identifier(i.alias));
    clauses.push_back("MEASURES " + join(items, ", "));
  }
  clauses.push_back(m.all_rows ? "ALL ROWS PER MATCH" : "ONE ROW PER MATCH");
  static const char* kAfter[] = {"PAST LAST ROW", "TO NEXT ROW", "TO FIRST ", "TO LAST "};
  if (m.after_written) {
    clauses.push_back(std::string("AFTER MATCH SKIP ") + kAfter[static_cast<int>(m.after)] +
                      (m.after_variable.empty() ? "" : quote_identifier(m.after_variable)));
  }
  std::string pattern = "PATTERN (" + print_pattern(m.pattern) + ")";
  if (m.within) pattern += " WITHIN " + print_expr(*m.within);
  clauses.push_back(pattern);
  std::vector<std::string> defs;
  for (const PatternDefinition& d : m.define) defs.push_back(quote_identifier(d.variable) + " AS " + print_expr(*d.condition));
  clauses.push_back("DEFINE " + join(defs, ", "));
  return "MATCH_RECOGNIZE (" + join(clauses, " ") + ")";
}

std::string table_ref(const TableRef& t) {
  switch (t.kind) {
    case TableRef::Kind::kTable: {
      std::string out = names(t.name);
      if (t.system_time) out += " FOR SYSTEM_TIME AS OF " + print_expr(*t.system_time);
      return out + alias(t);
    }
    case TableRef::Kind::kSubquery:
      return std::string(t.lateral ? "LATERAL " : "") + "(" + print_query(*t.subquery) + ")" + alias(t);
    case TableRef::Kind::kUnnest:
      return "UNNEST(" + exprs(t.unnest_args) + ")" + (t.with_ordinality ? " WITH ORDINALITY" : "") + alias(t);
    case TableRef::Kind::kLateralTable: return "LATERAL TABLE(" + exprs(t.unnest_args) + ")" + alias(t);
    case TableRef::Kind::kWindowTvf: {
      std::vector<std::string> args;
      for (const TvfArg& a : t.tvf_args) {
        std::string text = a.name.empty() ? "" : a.name + " => ";
        if (a.table) {
          text += "TABLE " + table_ref(*a.table);
          std::vector<std::string> keys;
          for (const std::string& c : a.partition_by) keys.push_back(quote_identifier(c));
          if (!keys.empty()) text += " PARTITION BY (" + join(keys, ", ") + ")";
        } else if (a.is_descriptor) {
          std::vector<std::string> cols;
          for (const std::string& c : a.descriptor) cols.push_back(quote_identifier(c));
          text += "DESCRIPTOR(" + join(cols, ", ") + ")";
        } else {
          text += print_expr(*a.expr);
        }
        args.push_back(text);
      }
      return "TABLE(" + t.function + "(" + join(args, ", ") + "))" + alias(t);
    }
    case TableRef::Kind::kMatchRecognize: return table_ref(*t.left) + " " + match_recognize(*t.match) + alias(t);
    case TableRef::Kind::kJoin: {
      static const char* kJoin[] = {"JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN", "CROSS JOIN"};
      std::string out = table_ref(*t.left) + " " + kJoin[static_cast<int>(t.join_type)] + " " + table_ref(*t.right);
      if (t.on) out += " ON " + print_expr(*t.on);
      if (!t.using_columns.empty()) {
        std::vector<std::string> cols;
        for (const std::string& c : t.using_columns) cols.push_back(quote_identifier(c));
        out += " USING (" + join(cols, ", ") + ")";
      }
      return out;
    }
  }
  return "";
}

std::string column_def(const ColumnDef& c) {
  std::string out = quote_identifier(c.name);
  if (c.computed) {
    out += " AS " + print_expr(*c.computed);
  } else {
    out += " " + c.type.to_string();
    if (c.metadata) {
      out += " METADATA";
      if (!c.metadata_key.empty()) out += " FROM " + quote_string(c.metadata_key);
      if (c.is_virtual) out += " VIRTUAL";
    }
  }
  if (!c.comment.empty()) out += " COMMENT " + quote_string(c.comment);
  return out;
}

std::string options(const std::vector<TableOption>& opts) {
  std::vector<std::string> parts;
  for (const TableOption& o : opts) parts.push_back(quote_string(o.key) + " = " + quote_string(o.value));
  return "(" + join(parts, ", ") + ")";
}

std::string insert(const Insert& i) {
  std::string out = std::string(i.overwrite ? "INSERT OVERWRITE " : "INSERT INTO ") + names(i.table);
  if (!i.columns.empty()) {
    std::vector<std::string> cols;
    for (const std::string& c : i.columns) cols.push_back(quote_identifier(c));
    out += " (" + join(cols, ", ") + ")";
  }
  return out + " " + print_query(*i.query);
}

}  // namespace

std::string quote_identifier(const std::string& name) {
  bool plain = !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (char c : name) plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (plain && !is_reserved_keyword(name)) return name;
  std::string out = "`";
  for (char c : name) out += c == '`' ? std::string("``") : std::string(1, c);
  return out + "`";
}

std::string quote_string(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string print_pattern(const PatternTerm& t) {
  std::string out;
  switch (t.kind) {
    case PatternTerm::Kind::kVariable: out = quote_identifier(t.name); break;
    case PatternTerm::Kind::kConcat:
    case PatternTerm::Kind::kAlternation: {
      std::vector<std::string> parts;
      for (const PatternTerm& i : t.items) parts.push_back(print_pattern(i));
      return join(parts, t.kind == PatternTerm::Kind::kConcat ? " " : " | ");
    }
    case PatternTerm::Kind::kPermute: {
      std::vector<std::string> parts;
      for (const PatternTerm& i : t.items) parts.push_back(print_pattern(i));
      out = "PERMUTE(" + join(parts, ", ") + ")";
      break;
    }
    case PatternTerm::Kind::kExclusion: out = "{- " + print_pattern(t.items[0]) + " -}"; break;
    case PatternTerm::Kind::kGroup: out = "(" + print_pattern(t.items[0]) + ")"; break;
    case PatternTerm::Kind::kAnchor: out = t.name; break;
  }
  return out + t.quantifier_text;
}

std::string print_expr(const Expr& e) {
  std::string out;
  switch (e.kind) {
    case ExprKind::kColumn: {
      std::vector<std::string> parts = e.qualifier;
      parts.push_back(e.name);
      out = names(parts);
      break;
    }
    case ExprKind::kStar: out = e.qualifier.empty() ? "*" : names(e.qualifier) + ".*"; break;
    case ExprKind::kLiteral: out = literal(e.literal); break;
    case ExprKind::kUnary:
      out = e.name == "NOT" ? "NOT " + print_expr(*e.args[0]) : e.name + print_expr(*e.args[0]);
      break;
    case ExprKind::kBinary:
      out = print_expr(*e.args[0]) + " " + e.name + " " + print_expr(*e.args[1]);
      break;
    case ExprKind::kFunction: out = function(e); break;
    case ExprKind::kCast:
      out = fmt::format("{}({} AS {})", e.try_cast ? "TRY_CAST" : "CAST", print_expr(*e.args[0]), e.type.to_string());
      break;
    case ExprKind::kCase: {
      out = "CASE";
      size_t i = 0;
      if (e.has_case_operand) out += " " + print_expr(*e.args[i++]);
      size_t end = e.args.size() - (e.has_else ? 1 : 0);
      for (; i + 1 < end; i += 2) {
        out += " WHEN " + print_expr(*e.args[i]) + " THEN " + print_expr(*e.args[i + 1]);
      }
      if (e.has_else) out += " ELSE " + print_expr(*e.args.back());
      out += " END";
      break;
    }
    case ExprKind::kIsNull: out = print_expr(*e.args[0]) + (e.negated ? " IS NOT NULL" : " IS NULL"); break;
    case ExprKind::kIsBool: out = print_expr(*e.args[0]) + (e.negated ? " IS NOT " : " IS ") + e.name; break;
    case ExprKind::kIsJson:
      out = print_expr(*e.args[0]) + (e.negated ? " IS NOT JSON " : " IS JSON ") + e.name;
      break;
    case ExprKind::kBetween:
      out = fmt::format("{}{} BETWEEN {} AND {}", print_expr(*e.args[0]), e.negated ? " NOT" : "",
                        print_expr(*e.args[1]), print_expr(*e.args[2]));
      break;
    case ExprKind::kLike:
      out = fmt::format("{}{} {} {}", print_expr(*e.args[0]), e.negated ? " NOT" : "", e.name, print_expr(*e.args[1]));
      if (e.args.size() > 2) out += " ESCAPE " + print_expr(*e.args[2]);
      break;
    case ExprKind::kInList: {
      std::vector<std::string> items;
      for (size_t i = 1; i < e.args.size(); ++i) items.push_back(print_expr(*e.args[i]));
      out = fmt::format("{}{} IN ({})", print_expr(*e.args[0]), e.negated ? " NOT" : "", join(items, ", "));
      break;
    }
    case ExprKind::kInSubquery:
      out = fmt::format("{}{} IN ({})", print_expr(*e.args[0]), e.negated ? " NOT" : "", print_query(*e.subquery));
      break;
    case ExprKind::kExists: out = fmt::format("{}EXISTS ({})", e.negated ? "NOT " : "", print_query(*e.subquery)); break;
    case ExprKind::kScalarSubquery: out = "(" + print_query(*e.subquery) + ")"; break;
    case ExprKind::kOver: {
      std::string window;
      if (!e.partition_by.empty()) window += "PARTITION BY " + exprs(e.partition_by);
      if (!e.order_by.empty()) window += std::string(window.empty() ? "" : " ") + "ORDER BY " + order(e.order_by);
      if (e.frame) {
        window += std::string(window.empty() ? "" : " ") + (e.frame->rows ? "ROWS" : "RANGE") + " BETWEEN " +
                  (e.frame->unbounded ? "UNBOUNDED" : print_expr(*e.frame->preceding)) + " PRECEDING AND CURRENT ROW";
      }
      if (!e.name.empty()) {
        out = print_expr(*e.args[0]) + " OVER " + quote_identifier(e.name);
        break;
      }
      out = e.args.empty() ? "(" + window + ")" : print_expr(*e.args[0]) + " OVER (" + window + ")";
      break;
    }
    case ExprKind::kSubscript: out = print_expr(*e.args[0]) + "[" + print_expr(*e.args[1]) + "]"; break;
    case ExprKind::kFieldAccess: out = print_expr(*e.args[0]) + "." + quote_identifier(e.name); break;
    case ExprKind::kRowCtor: out = (e.paren ? "(" : "ROW(") + exprs(e.args) + ")"; return out;
    case ExprKind::kArrayCtor: out = "ARRAY[" + exprs(e.args) + "]"; break;
    case ExprKind::kMapCtor: out = "MAP[" + exprs(e.args) + "]"; break;
    case ExprKind::kInterval:
      out = "INTERVAL " + quote_string(e.literal.text) + " " + e.interval_from;
      if (!e.interval_to.empty()) out += " TO " + e.interval_to;
      break;
  }
  return e.paren ? "(" + out + ")" : out;
}

std::string print_query(const Query& q) {
  std::string out;
  if (!q.with.empty()) {
    std::vector<std::string> ctes;
    for (const CommonTable& c : q.with) {
      std::string cols;
      if (!c.columns.empty()) {
        std::vector<std::string> cs;
        for (const std::string& col : c.columns) cs.push_back(quote_identifier(col));
        cols = "(" + join(cs, ", ") + ")";
      }
      ctes.push_back(quote_identifier(c.name) + cols + " AS (" + print_query(*c.query) + ")");
    }
    out += "WITH " + join(ctes, ", ") + " ";
  }
  switch (q.kind) {
    case Query::Kind::kSelect: {
      const Select& s = q.select;
      out += "SELECT ";
      if (s.distinct) out += "DISTINCT ";
      std::vector<std::string> items;
      for (const SelectItem& i : s.items) {
        items.push_back(print_expr(*i.expr) + (i.alias.empty() ? "" : " AS " + quote_identifier(i.alias)));
      }
      out += join(items, ", ");
      if (s.from) out += " FROM " + table_ref(*s.from);
      if (s.where) out += " WHERE " + print_expr(*s.where);
      if (!s.group_by.empty()) out += " GROUP BY " + exprs(s.group_by);
      if (s.having) out += " HAVING " + print_expr(*s.having);
      for (size_t i = 0; i < s.windows.size(); ++i) {
        out += (i == 0 ? " WINDOW " : ", ") + quote_identifier(s.windows[i].first) + " AS " + print_expr(*s.windows[i].second);
      }
      break;
    }
    case Query::Kind::kSetOp:
      out += print_query(*q.left) + " " + q.set_op + (q.set_all ? " ALL " : " ") + print_query(*q.right);
      break;
    case Query::Kind::kValues: {
      std::vector<std::string> rows;
      for (const auto& row : q.values) rows.push_back("(" + exprs(row) + ")");
      out += "VALUES " + join(rows, ", ");
      break;
    }
  }
  if (!q.order_by.empty()) out += " ORDER BY " + order(q.order_by);
  if (q.limit) out += " LIMIT " + print_expr(*q.limit);
  if (q.offset) out += " OFFSET " + print_expr(*q.offset);
  return q.paren ? "(" + out + ")" : out;
}

std::string print_statement(const Statement& s) {
  switch (s.kind) {
    case Statement::Kind::kQuery: return print_query(*s.query);
    case Statement::Kind::kCreateTable: {
      const CreateTable& t = *s.create_table;
      std::string out = std::string("CREATE ") + (t.temporary ? "TEMPORARY " : "") + "TABLE " +
                        (t.if_not_exists ? "IF NOT EXISTS " : "") + names(t.name);
      std::vector<std::string> parts;
      for (const ColumnDef& c : t.columns) parts.push_back(column_def(c));
      if (!t.primary_key.empty()) {
        std::vector<std::string> cols;
        for (const std::string& c : t.primary_key) cols.push_back(quote_identifier(c));
        parts.push_back("PRIMARY KEY (" + join(cols, ", ") + ") NOT ENFORCED");
      }
      if (t.watermark) {
        parts.push_back("WATERMARK FOR " + quote_identifier(t.watermark->column) + " AS " +
                        print_expr(*t.watermark->expr));
      }
      if (!parts.empty()) out += " (" + join(parts, ", ") + ")";
      if (!t.comment.empty()) out += " COMMENT " + quote_string(t.comment);
      if (!t.distributed_by.empty()) {
        std::vector<std::string> cols;
        for (const std::string& c : t.distributed_by) cols.push_back(quote_identifier(c));
        out += " DISTRIBUTED BY HASH(" + join(cols, ", ") + ")";
        if (t.buckets) out += fmt::format(" INTO {} BUCKETS", *t.buckets);
      }
      if (!t.partitioned_by.empty()) {
        std::vector<std::string> cols;
        for (const std::string& c : t.partitioned_by) cols.push_back(quote_identifier(c));
        out += " PARTITIONED BY (" + join(cols, ", ") + ")";
      }
      if (!t.options.empty()) out += " WITH " + options(t.options);
      if (!t.like.empty()) {
        out += " LIKE " + names(t.like);
        if (!t.like_options.empty()) out += " (" + join(t.like_options, " ") + ")";
      }
      if (t.as_query) out += " AS " + print_query(*t.as_query);
      return out;
    }
    case Statement::Kind::kCreateView: {
      const CreateView& v = *s.create_view;
      std::string out = std::string("CREATE ") + (v.temporary ? "TEMPORARY " : "") + "VIEW " +
                        (v.if_not_exists ? "IF NOT EXISTS " : "") + names(v.name);
      if (!v.columns.empty()) {
        std::vector<std::string> cols;
        for (const std::string& c : v.columns) cols.push_back(quote_identifier(c));
        out += " (" + join(cols, ", ") + ")";
      }
      return out + " AS " + print_query(*v.query);
    }
    case Statement::Kind::kInsert: return insert(s.inserts[0]);
    case Statement::Kind::kStatementSet: {
      std::string out = "EXECUTE STATEMENT SET BEGIN ";
      for (const Insert& i : s.inserts) out += insert(i) + "; ";
      return out + "END";
    }
    case Statement::Kind::kSet:
      return s.key.empty() ? "SET" : "SET " + quote_string(s.key) + " = " + quote_string(s.value);
    case Statement::Kind::kReset: return s.key.empty() ? "RESET" : "RESET " + quote_string(s.key);
    case Statement::Kind::kShowTables: return "SHOW TABLES";
    case Statement::Kind::kShowViews: return "SHOW VIEWS";
    case Statement::Kind::kShowJobs: return "SHOW JOBS";
    case Statement::Kind::kStopJob: return "STOP JOB " + quote_string(s.key) + (s.with_savepoint ? " WITH SAVEPOINT" : "");
    case Statement::Kind::kDescribeJob: return "DESCRIBE JOB " + quote_string(s.key);
    case Statement::Kind::kShowFunctions: return "SHOW FUNCTIONS";
    case Statement::Kind::kShowCreateTable: return "SHOW CREATE TABLE " + names(s.name);
    case Statement::Kind::kDescribe: return "DESCRIBE " + names(s.name);
    case Statement::Kind::kExplain: return "EXPLAIN " + print_statement(*s.explained);
    case Statement::Kind::kDropTable:
    case Statement::Kind::kDropView:
      return std::string("DROP ") + (s.temporary ? "TEMPORARY " : "") +
             (s.kind == Statement::Kind::kDropTable ? "TABLE " : "VIEW ") + (s.if_exists ? "IF EXISTS " : "") +
             names(s.name);
    case Statement::Kind::kAlterTable: {
      const AlterTable& a = *s.alter;
      std::string out = "ALTER TABLE " + names(a.name);
      switch (a.action) {
        case AlterTable::Action::kSetOptions: return out + " SET " + options(a.options);
        case AlterTable::Action::kResetOptions: {
          std::vector<std::string> keys;
          for (const std::string& k : a.reset_keys) keys.push_back(quote_string(k));
          return out + " RESET (" + join(keys, ", ") + ")";
        }
        case AlterTable::Action::kAddColumns: {
          std::vector<std::string> cols;
          for (const ColumnDef& c : a.columns) cols.push_back(column_def(c));
          return out + " ADD (" + join(cols, ", ") + ")";
        }
        case AlterTable::Action::kModifyWatermark:
          return out + " MODIFY WATERMARK FOR " + quote_identifier(a.watermark->column) + " AS " +
                 print_expr(*a.watermark->expr);
        case AlterTable::Action::kDropWatermark: return out + " DROP WATERMARK";
        case AlterTable::Action::kRename: return out + " RENAME TO " + names(a.new_name);
      }
      return out;
    }
    case Statement::Kind::kUseCatalog: return "USE CATALOG " + names(s.name);
    case Statement::Kind::kUseDatabase: return "USE " + names(s.name);
  }
  return "";
}

}  // namespace careflow::sql
