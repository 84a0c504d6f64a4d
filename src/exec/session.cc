#include "exec/session.h"

#include <fmt/format.h>

#include <set>

#include "sql/parser.h"
#include "sql/printer.h"

namespace careflow::exec {

using sql::Statement;

namespace {

StatementResult ok(std::string text) {
  StatementResult r;
  r.kind = StatementResult::Kind::kOk;
  r.text = std::move(text);
  return r;
}

StatementResult text_result(std::string text) {
  StatementResult r;
  r.kind = StatementResult::Kind::kText;
  r.text = std::move(text);
  return r;
}

Result<std::vector<StatementResult>> one(StatementResult r) {
  std::vector<StatementResult> out;
  out.push_back(std::move(r));
  return out;
}

Status at(sql::SourcePos pos, const std::string& message) {
  return Status::invalid_argument(fmt::format("line {}:{}: {}", pos.line, pos.column, message));
}

// A text table with a header, as the SQL client prints results.
std::string table_text(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size());
  for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out = "|";
    for (size_t i = 0; i < cells.size(); ++i) out += " " + cells[i] + std::string(width[i] - cells[i].size(), ' ') + " |";
    return out + "\n";
  };
  std::string sep = "+";
  for (size_t w : width) sep += std::string(w + 2, '-') + "+";
  sep += "\n";
  std::string out = sep + line(header) + sep;
  for (const auto& r : rows) out += line(r);
  return out + sep;
}

}  // namespace

Session::Session() { config_["table.local-time-zone"] = "UTC"; }

Status Session::check_options(const sql::TableDef& table, sql::SourcePos pos) const {
  static const std::set<std::string> kConnectors = {"kafka", "upsert-kafka", "datagen", "filesystem"};
  static const std::set<std::string> kFormats = {"json", "raw", "debezium-json", "avro-registry", "csv", "avro",
                                                 "debezium-avro-registry", "debezium-avro-confluent", "avro-confluent"};
  if (const std::string* c = table.option("connector"); c && !kConnectors.count(*c)) {
    return at(pos, fmt::format("table '{}': unknown connector '{}'; careflow runs 'kafka', 'upsert-kafka', "
                               "'datagen' and 'filesystem' (or no connector: a topic of the log)", table.name, *c));
  }
  for (const char* key : {"format", "value.format", "key.format"}) {
    if (const std::string* f = table.option(key); f && !kFormats.count(*f)) {
      return at(pos, fmt::format("table '{}': unknown {} '{}'; careflow reads 'json', 'raw', 'debezium-json', "
                                 "'csv' (files), 'avro', 'avro-confluent', 'debezium-avro-confluent', 'avro-registry' and "
                                 "'debezium-avro-registry'", table.name, key, *f));
    }
  }
  return Status::ok();
}

Result<sql::PlanPtr> Session::plan(const Statement& s) const {
  sql::Planner planner(catalog_, options_);
  switch (s.kind) {
    case Statement::Kind::kQuery: return planner.plan_query(*s.query);
    case Statement::Kind::kInsert: return planner.plan_insert(s.inserts[0]);
    default: return Status::invalid_argument(fmt::format("line {}:{}: only a query or an INSERT has a plan", s.pos.line, s.pos.column));
  }
}

Result<std::vector<StatementResult>> Session::job_for(const sql::PlanPtr& plan, bool is_insert) {
  CF_ASSIGN_OR_RETURN(std::unique_ptr<Job> job, Job::build(plan, options_));
  StatementResult r;
  r.kind = StatementResult::Kind::kJob;
  r.job = std::move(job);
  r.is_insert = is_insert;
  return one(std::move(r));
}

Result<std::vector<StatementResult>> Session::create_table(Statement& s) {
  sql::CreateTable& ddl = *s.create_table;
  std::string name = sql::join_name(ddl.name);
  sql::Planner planner(catalog_, options_);
  if (!ddl.like.empty()) {
    std::string source = sql::join_name(ddl.like);
    const sql::TableDef* like = catalog_.table(source);
    if (!like) return at(s.pos, catalog_.not_found(source).message());
    CF_ASSIGN_OR_RETURN(sql::TableDef t, sql::table_from_ddl(ddl));
    sql::TableDef merged = *like;
    merged.name = name;
    merged.temporary = ddl.temporary;
    for (sql::TableColumn& c : t.columns) {
      if (merged.column_index(c.name) >= 0) return at(s.pos, fmt::format("column '{}' is already in '{}'", c.name, source));
      merged.columns.push_back(c);
    }
    bool excluding_options = false;
    for (size_t i = 0; i + 1 < ddl.like_options.size(); ++i) {
      if (ddl.like_options[i] == "EXCLUDING" && (ddl.like_options[i + 1] == "OPTIONS" || ddl.like_options[i + 1] == "ALL")) {
        excluding_options = true;
      }
    }
    if (excluding_options) merged.options.clear();
    for (const auto& [k, v] : t.options) {
      bool replaced = false;
      for (auto& [mk, mv] : merged.options) {
        if (mk == k) { mv = v; replaced = true; }
      }
      if (!replaced) merged.options.emplace_back(k, v);
    }
    if (!t.primary_key.empty()) merged.primary_key = t.primary_key;
    if (t.watermark) { merged.watermark = t.watermark; merged.watermark_column = t.watermark_column; }
    CF_RETURN_IF_ERROR(check_options(merged, s.pos));
    CF_RETURN_IF_ERROR(catalog_.create_table(std::move(merged), ddl.if_not_exists));
    return one(ok(fmt::format("table '{}' created", name)));
  }
  if (ddl.as_query) {
    // CREATE TABLE ... AS SELECT: the query's columns (plus any declared ones), then an INSERT.
    if (catalog_.table(name) || catalog_.view(name)) {
      if (ddl.if_not_exists) return one(ok(fmt::format("table '{}' already exists", name)));
      return at(s.pos, fmt::format("table '{}' already exists", name));
    }
    CF_ASSIGN_OR_RETURN(sql::PlanPtr query_plan, planner.plan_query(*ddl.as_query));
    CF_ASSIGN_OR_RETURN(sql::TableDef t, sql::table_from_ddl(ddl));
    std::vector<sql::TableColumn> columns;
    for (const sql::PlanField& f : query_plan->schema) {
      sql::TableColumn c;
      c.name = f.name;
      c.type = f.type.without_time_attribute();
      if (t.column_index(f.name) >= 0) c.type = t.columns[static_cast<size_t>(t.column_index(f.name))].type;
      if (std::find(t.primary_key.begin(), t.primary_key.end(), f.name) != t.primary_key.end()) c.type.nullable = false;
      columns.push_back(c);
    }
    for (const sql::TableColumn& declared : t.columns) {
      bool in_query = false;
      for (const auto& c : columns) in_query = in_query || c.name == declared.name;
      if (!in_query) columns.insert(columns.begin(), declared);
    }
    for (const std::string& k : t.primary_key) {
      bool present = false;
      for (const auto& c : columns) present = present || c.name == k;
      if (!present) return at(s.pos, fmt::format("primary key column '{}' is not a column of the query", k));
    }
    t.columns = std::move(columns);
    CF_RETURN_IF_ERROR(check_options(t, s.pos));
    CF_RETURN_IF_ERROR(catalog_.create_table(t, false));
    sql::Insert insert;
    insert.table = ddl.name;
    insert.table_pos = s.pos;
    for (const sql::PlanField& f : query_plan->schema) insert.columns.push_back(f.name);
    insert.query = std::move(ddl.as_query);
    Result<sql::PlanPtr> sink = planner.plan_insert(insert);
    if (!sink.is_ok()) {
      Status dropped = catalog_.drop_table(name, true);
      (void)dropped;
      return sink.status();
    }
    return job_for(*sink, true);
  }
  CF_ASSIGN_OR_RETURN(sql::TableDef t, sql::table_from_ddl(ddl));
  CF_RETURN_IF_ERROR(check_options(t, s.pos));
  bool existed = catalog_.table(name) != nullptr;
  Status created = catalog_.create_table(std::move(t), ddl.if_not_exists);
  if (!created.is_ok()) return at(s.pos, created.message());
  return one(ok(existed ? fmt::format("table '{}' already exists", name) : fmt::format("table '{}' created", name)));
}

std::string Session::describe(const sql::TableDef& t) const {
  std::vector<std::vector<std::string>> rows;
  for (const sql::TableColumn& c : t.columns) {
    std::string type = c.type.without_time_attribute().to_string();
    std::string base = type.ends_with(" NOT NULL") ? type.substr(0, type.size() - 9) : type;
    std::string key;
    if (std::find(t.primary_key.begin(), t.primary_key.end(), c.name) != t.primary_key.end()) {
      key = "PRI(" + [&] {
        std::string k;
        for (const std::string& p : t.primary_key) k += (k.empty() ? "" : ", ") + p;
        return k;
      }() + ")";
    }
    std::string extras;
    if (c.computed) extras = "AS " + sql::print_expr(*c.computed);
    else if (c.metadata) extras = "METADATA" + (c.metadata_key.empty() ? "" : " FROM '" + c.metadata_key + "'") + (c.is_virtual ? " VIRTUAL" : "");
    std::string watermark = t.watermark_column && *t.watermark_column == c.name ? sql::print_expr(*t.watermark) : "";
    rows.push_back({c.name, base, c.type.nullable ? "TRUE" : "FALSE", key, extras, watermark});
  }
  return table_text({"name", "type", "null", "key", "extras", "watermark"}, rows);
}

Result<std::vector<StatementResult>> Session::execute(sql::StatementPtr statement, std::string_view text) {
  Statement& s = *statement;
  sql::Planner planner(catalog_, options_);
  switch (s.kind) {
    case Statement::Kind::kQuery: {
      CF_ASSIGN_OR_RETURN(sql::PlanPtr p, planner.plan_query(*s.query));
      return job_for(p, false);
    }
    case Statement::Kind::kInsert: {
      CF_ASSIGN_OR_RETURN(sql::PlanPtr p, planner.plan_insert(s.inserts[0]));
      return job_for(p, true);
    }
    case Statement::Kind::kStatementSet: {
      std::vector<StatementResult> out;
      for (const sql::Insert& insert : s.inserts) {
        CF_ASSIGN_OR_RETURN(sql::PlanPtr p, planner.plan_insert(insert));
        CF_ASSIGN_OR_RETURN(std::vector<StatementResult> r, job_for(p, true));
        out.push_back(std::move(r[0]));
      }
      return out;
    }
    case Statement::Kind::kCreateTable: return create_table(s);
    case Statement::Kind::kCreateView: {
      sql::CreateView& v = *s.create_view;
      sql::ViewDef view;
      view.name = sql::join_name(v.name);
      view.columns = v.columns;
      view.temporary = v.temporary;
      view.text = v.text.empty() ? std::string(text) : v.text;
      // Plan once now so that a broken view fails at CREATE, as in Flink.
      CF_ASSIGN_OR_RETURN(sql::PlanPtr p, planner.plan_query(*v.query));
      if (!v.columns.empty() && v.columns.size() != p->schema.size()) {
        return at(s.pos, fmt::format("view '{}' names {} columns but its query has {}", view.name, v.columns.size(),
                                     p->schema.size()));
      }
      view.query = std::shared_ptr<const sql::Query>(std::move(v.query));
      bool existed = catalog_.view(view.name) != nullptr;
      Status created = catalog_.create_view(std::move(view), v.if_not_exists);
      if (!created.is_ok()) return at(s.pos, created.message());
      return one(ok(existed ? "view already exists" : fmt::format("view '{}' created", sql::join_name(v.name))));
    }
    case Statement::Kind::kDropTable: {
      std::string name = sql::join_name(s.name);
      Status dropped = catalog_.drop_table(name, s.if_exists);
      if (!dropped.is_ok()) return at(s.pos, dropped.message());
      return one(ok(fmt::format("table '{}' dropped", name)));
    }
    case Statement::Kind::kDropView: {
      std::string name = sql::join_name(s.name);
      Status dropped = catalog_.drop_view(name, s.if_exists);
      if (!dropped.is_ok()) return at(s.pos, dropped.message());
      return one(ok(fmt::format("view '{}' dropped", name)));
    }
    case Statement::Kind::kAlterTable: {
      sql::AlterTable& a = *s.alter;
      std::string name = sql::join_name(a.name);
      sql::TableDef* t = catalog_.mutable_table(name);
      if (!t) return at(s.pos, catalog_.not_found(name).message());
      sql::TableDef updated = *t;
      switch (a.action) {
        case sql::AlterTable::Action::kSetOptions:
          for (const sql::TableOption& o : a.options) {
            bool replaced = false;
            for (auto& [k, v] : updated.options) {
              if (k == o.key) { v = o.value; replaced = true; }
            }
            if (!replaced) updated.options.emplace_back(o.key, o.value);
          }
          break;
        case sql::AlterTable::Action::kResetOptions:
          for (const std::string& key : a.reset_keys) {
            std::erase_if(updated.options, [&](const auto& kv) { return kv.first == key; });
          }
          break;
        case sql::AlterTable::Action::kAddColumns:
          for (sql::ColumnDef& c : a.columns) {
            if (updated.column_index(c.name) >= 0) return at(c.pos, fmt::format("column '{}' already exists in '{}'", c.name, name));
            sql::TableColumn col;
            col.name = c.name;
            col.type = c.type;
            if (c.computed) col.computed = std::shared_ptr<const sql::Expr>(std::move(c.computed));
            col.metadata = c.metadata;
            col.metadata_key = c.metadata_key;
            col.is_virtual = c.is_virtual;
            updated.columns.push_back(std::move(col));
          }
          break;
        case sql::AlterTable::Action::kModifyWatermark:
          if (updated.column_index(a.watermark->column) < 0) {
            return at(a.watermark->pos, fmt::format("watermark column '{}' is not a column of '{}'", a.watermark->column, name));
          }
          updated.watermark_column = a.watermark->column;
          updated.watermark = std::shared_ptr<const sql::Expr>(std::move(a.watermark->expr));
          break;
        case sql::AlterTable::Action::kDropWatermark:
          updated.watermark_column.reset();
          updated.watermark.reset();
          break;
        case sql::AlterTable::Action::kRename: {
          std::string new_name = sql::join_name(a.new_name);
          if (catalog_.table(new_name) || catalog_.view(new_name)) return at(s.pos, fmt::format("table '{}' already exists", new_name));
          updated.name = new_name;
          Status dropped = catalog_.drop_table(name, false);
          (void)dropped;
          CF_RETURN_IF_ERROR(catalog_.create_table(std::move(updated), false));
          return one(ok(fmt::format("table '{}' renamed to '{}'", name, new_name)));
        }
      }
      CF_RETURN_IF_ERROR(check_options(updated, s.pos));
      *t = std::move(updated);
      return one(ok(fmt::format("table '{}' altered", name)));
    }
    case Statement::Kind::kSet: {
      if (s.key.empty()) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& [k, v] : config_) rows.push_back({k, v});
        return one(text_result(table_text({"key", "value"}, rows)));
      }
      config_[s.key] = s.value;
      if (s.key == "table.local-time-zone") options_.time_zone = s.value;
      return one(ok(fmt::format("'{}' set to '{}'", s.key, s.value)));
    }
    case Statement::Kind::kReset: {
      if (s.key.empty() || s.key == "table.local-time-zone") options_.time_zone = "UTC";
      if (s.key.empty()) {
        config_.clear();
        config_["table.local-time-zone"] = "UTC";
      } else {
        config_.erase(s.key);
        if (s.key == "table.local-time-zone") config_[s.key] = "UTC";
      }
      return one(ok("reset"));
    }
    case Statement::Kind::kShowTables: {
      std::vector<std::vector<std::string>> rows;
      for (const std::string& n : catalog_.table_names()) rows.push_back({n});
      return one(text_result(table_text({"table name"}, rows)));
    }
    case Statement::Kind::kShowViews: {
      std::vector<std::vector<std::string>> rows;
      for (const std::string& n : catalog_.view_names()) rows.push_back({n});
      return one(text_result(table_text({"view name"}, rows)));
    }
    case Statement::Kind::kShowFunctions: return one(text_result(function_reference(false)));
    case Statement::Kind::kShowCreateTable: {
      std::string name = sql::join_name(s.name);
      if (const sql::TableDef* t = catalog_.table(name)) return one(text_result(t->create_statement() + "\n"));
      if (const sql::ViewDef* v = catalog_.view(name)) return one(text_result(v->text + "\n"));
      return at(s.pos, catalog_.not_found(name).message());
    }
    case Statement::Kind::kDescribe: {
      std::string name = sql::join_name(s.name);
      if (const sql::TableDef* t = catalog_.table(name)) return one(text_result(describe(*t)));
      if (catalog_.view(name)) {
        CF_ASSIGN_OR_RETURN(sql::PlanPtr p, planner.plan_query(*catalog_.view(name)->query));
        std::vector<std::vector<std::string>> rows;
        for (const sql::PlanField& f : p->schema) {
          std::string type = f.type.without_time_attribute().to_string();
          std::string base = type.ends_with(" NOT NULL") ? type.substr(0, type.size() - 9) : type;
          rows.push_back({f.name, base, f.type.nullable ? "TRUE" : "FALSE", "", "", ""});
        }
        return one(text_result(table_text({"name", "type", "null", "key", "extras", "watermark"}, rows)));
      }
      return at(s.pos, catalog_.not_found(name).message());
    }
    case Statement::Kind::kExplain: {
      const Statement& inner = *s.explained;
      std::string out;
      if (inner.kind == Statement::Kind::kStatementSet) {
        for (const sql::Insert& insert : inner.inserts) {
          CF_ASSIGN_OR_RETURN(sql::PlanPtr p, planner.plan_insert(insert));
          out += sql::explain_plan(*p);
        }
      } else {
        CF_ASSIGN_OR_RETURN(sql::PlanPtr p, plan(inner));
        out = sql::explain_plan(*p);
      }
      return one(text_result("== Optimized Physical Plan ==\n" + out));
    }
    case Statement::Kind::kUseCatalog:
    case Statement::Kind::kUseDatabase:
      return one(ok("careflow has one catalog and one database; USE has no effect"));
  }
  return Status::internal("unhandled statement");
}

std::string function_reference(bool markdown) {
  auto docs = sql::FunctionRegistry::global().docs();
  if (!markdown) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& d : docs) rows.push_back({d.name, d.signature});
    return table_text({"function name", "signature"}, rows);
  }
  std::string out =
      "# SQL functions\n\n"
      "Generated by `careflow functions --markdown` from the function registry (src/sql/functions.h); a\n"
      "test keeps this file equal to that output. Semantics follow Apache Flink 1.20's built-in functions;\n"
      "the differences known are listed in src/exec/functions/README.md.\n\n"
      "| function | kind | signature | description |\n|---|---|---|---|\n";
  auto escape = [](std::string s) {
    std::string r;
    for (char c : s) r += c == '|' ? std::string("\\|") : std::string(1, c);
    return r;
  };
  for (const auto& d : docs) {
    out += fmt::format("| {} | {} | `{}` | {} |\n", d.name, d.aggregate ? "aggregate" : "scalar", escape(d.signature),
                       escape(d.description));
  }
  return out;
}

Result<std::vector<StatementResult>> Session::execute_script(std::string_view sql) {
  CF_ASSIGN_OR_RETURN(std::vector<sql::ScriptStatement> statements, sql::parse_script(sql));
  std::vector<StatementResult> out;
  for (sql::ScriptStatement& st : statements) {
    CF_ASSIGN_OR_RETURN(std::vector<StatementResult> r, execute(std::move(st.statement), st.text));
    for (auto& x : r) out.push_back(std::move(x));
  }
  return out;
}

}  // namespace careflow::exec
