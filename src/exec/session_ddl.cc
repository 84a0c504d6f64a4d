#include "exec/session.h"

#include <fmt/format.h>

#include "exec/session_results.h"
#include "sql/printer.h"

namespace careflow::exec {

using sql::Statement;
using namespace session_results;  // ok(), one(), at(), table_text()

Result<std::vector<StatementResult>> Session::create_table(Statement& s) {
  sql::CreateTable& ddl = *s.create_table;
  std::string name = sql::join_name(ddl.name);
  sql::Planner planner(catalog_, options_);
  if (!ddl.like.empty()) {
    std::string source = sql::join_name(ddl.like);
    const sql::TableDef* like = catalog_.table(source);
    if (!like) return at(s.pos, catalog_.not_found(source).message());
    CF_ASSIGN_OR_RETURN(sql::TableDef t, sql::table_without_keys_from_ddl(ddl));
    sql::TableDef merged = *like;
    merged.name = name;
    merged.temporary = ddl.temporary;
    for (sql::TableColumn& c : t.columns) {
      if (c.system) continue;  // the catalog gives the new table its own
      if (merged.column_index(c.name) >= 0) return at(s.pos, fmt::format("column '{}' is already in '{}'", c.name, source));
      merged.columns.push_back(c);
    }
    // `strategy` (EXCLUDING, OVERWRITING) given for `feature` (or for ALL).
    const auto given = [&](const char* strategy, const char* feature) {
      for (size_t i = 0; i + 1 < ddl.like_options.size(); ++i) {
        if (ddl.like_options[i] == strategy && (ddl.like_options[i + 1] == feature || ddl.like_options[i + 1] == "ALL")) {
          return true;
        }
      }
      return false;
    };
    const auto excluding = [&](const char* feature) { return given("EXCLUDING", feature); };
    if (excluding("OPTIONS")) merged.options.clear();
    // The source's key comes along unless EXCLUDING CONSTRAINTS; declaring another beside it is
    // Flink's error (MergeTableLikeUtil).
    if (excluding("CONSTRAINTS")) merged.primary_key.clear();
    if (!ddl.primary_key.empty() && !merged.primary_key.empty()) {
      return at(ddl.primary_key_pos, "The base table already has a primary key. You might want to specify EXCLUDING CONSTRAINTS.");
    }
    if (excluding("WATERMARKS")) {
      merged.watermark = nullptr;
      merged.watermark_column.reset();
    }
    if (ddl.watermark && merged.watermark && merged.watermark_column == ddl.watermark->column &&
        !given("OVERWRITING", "WATERMARKS")) {
      return at(ddl.watermark->pos, fmt::format("There already exists a watermark spec for column '{}' in the base table. "
                                                "You might want to specify EXCLUDING WATERMARKS or OVERWRITING WATERMARKS.",
                                                ddl.watermark->column));
    }
    for (const auto& [k, v] : t.options) {
      bool replaced = false;
      for (auto& [mk, mv] : merged.options) {
        if (mk == k) { mv = v; replaced = true; }
      }
      if (!replaced) merged.options.emplace_back(k, v);
    }
    // The statement's key and watermark may name the source's columns: resolved on the merged table.
    // A key over a nullable column of the source is Flink's error (only a column the statement
    // declares is made NOT NULL by its key).
    for (const std::string& k : ddl.primary_key) {
      const int i = like->column_index(k);
      if (i >= 0 && like->columns[static_cast<size_t>(i)].type.nullable) {
        std::string constraint = "PK";
        for (const std::string& c : ddl.primary_key) constraint += "_" + c;
        return at(ddl.primary_key_pos, fmt::format("Invalid primary key '{}'. Column '{}' is nullable.", constraint, k));
      }
    }
    CF_RETURN_IF_ERROR(sql::apply_keys_from_ddl(merged, ddl));
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
      if (declared.system) continue;  // the catalog adds them again, last
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

Result<std::vector<StatementResult>> Session::create_view(Statement& s, std::string_view text) {
  sql::Planner planner(catalog_, options_);
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

Result<std::vector<StatementResult>> Session::drop_table(Statement& s) {
  std::string name = sql::join_name(s.name);
  Status dropped = catalog_.drop_table(name, s.if_exists);
  if (!dropped.is_ok()) return at(s.pos, dropped.message());
  return one(ok(fmt::format("table '{}' dropped", name)));
}

Result<std::vector<StatementResult>> Session::drop_view(Statement& s) {
  std::string name = sql::join_name(s.name);
  Status dropped = catalog_.drop_view(name, s.if_exists);
  if (!dropped.is_ok()) return at(s.pos, dropped.message());
  return one(ok(fmt::format("view '{}' dropped", name)));
}

Result<std::vector<StatementResult>> Session::alter_table(Statement& s) {
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
  sql::add_system_columns(updated);  // 'connector' may have changed
  CF_RETURN_IF_ERROR(check_options(updated, s.pos));
  *t = std::move(updated);
  return one(ok(fmt::format("table '{}' altered", name)));
}

}  // namespace careflow::exec
