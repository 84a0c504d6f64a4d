#include "exec/session.h"

#include <fmt/format.h>

#include "exec/session_results.h"
#include "sql/printer.h"

namespace careflow::exec {

using sql::Statement;
using namespace session_results;  // ok(), one(), at(), table_text()

std::string Session::describe(const sql::TableDef& t, bool extended) const {
  std::vector<std::vector<std::string>> rows;
  for (const sql::TableColumn& c : t.columns) {
    if (c.system && !extended) continue;
    std::string type = c.type.without_time_attribute().to_string();
    std::string base = type.ends_with(" NOT NULL") ? type.substr(0, type.size() - 9) : type;
    // The rowtime attribute, marked as Flink's DESCRIBE marks it.
    if (t.watermark_column && *t.watermark_column == c.name) base += " *ROWTIME*";
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
    if (c.system) extras += ", SYSTEM";
    std::string watermark = t.watermark_column && *t.watermark_column == c.name ? sql::print_expr(*t.watermark) : "";
    rows.push_back({c.name, base, c.type.nullable ? "TRUE" : "FALSE", key, extras, watermark});
  }
  return table_text({"name", "type", "null", "key", "extras", "watermark"}, rows);
}

Result<std::vector<StatementResult>> Session::show_tables() {
  std::vector<std::vector<std::string>> rows;
  for (const std::string& n : catalog_.table_names()) rows.push_back({n});
  return one(text_result(table_text({"table name"}, rows)));
}

Result<std::vector<StatementResult>> Session::show_views() {
  std::vector<std::vector<std::string>> rows;
  for (const std::string& n : catalog_.view_names()) rows.push_back({n});
  return one(text_result(table_text({"view name"}, rows)));
}

Result<std::vector<StatementResult>> Session::show_create_table(Statement& s) {
  std::string name = sql::join_name(s.name);
  if (const sql::TableDef* t = catalog_.table(name)) return one(text_result(t->create_statement() + "\n"));
  if (const sql::ViewDef* v = catalog_.view(name)) return one(text_result(v->text + "\n"));
  return at(s.pos, catalog_.not_found(name).message());
}

Result<std::vector<StatementResult>> Session::describe_statement(Statement& s) {
  sql::Planner planner(catalog_, options_);
  std::string name = sql::join_name(s.name);
  if (const sql::TableDef* t = catalog_.table(name)) return one(text_result(describe(*t, s.extended)));
  if (catalog_.view(name)) {
    CF_ASSIGN_OR_RETURN(sql::PlanPtr p, planner.plan_query(*catalog_.view(name)->query));
    std::vector<std::vector<std::string>> rows;
    for (const sql::PlanField& f : p->schema) {
      std::string type = f.type.without_time_attribute().to_string();
      std::string base = type.ends_with(" NOT NULL") ? type.substr(0, type.size() - 9) : type;
      if (f.type.time_attribute == values::TimeAttribute::kRowtime) base += " *ROWTIME*";
      if (f.type.time_attribute == values::TimeAttribute::kProctime) base += " *PROCTIME*";
      rows.push_back({f.name, base, f.type.nullable ? "TRUE" : "FALSE", "", "", ""});
    }
    return one(text_result(table_text({"name", "type", "null", "key", "extras", "watermark"}, rows)));
  }
  return at(s.pos, catalog_.not_found(name).message());
}

Result<std::vector<StatementResult>> Session::explain(Statement& s) {
  sql::Planner planner(catalog_, options_);
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

}  // namespace careflow::exec
