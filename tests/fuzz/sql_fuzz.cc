// Flink SQL text (src/sql): lexer, parser, printer and planner over a small catalog. Any bytes
// tokenize, parse and plan or fail with a line:column message, never crash (deep nesting
// included: the parser caps it so that no later pass overflows the stack).

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sql/catalog.h"
#include "sql/parser.h"
#include "sql/planner.h"
#include "sql/printer.h"

namespace {

using namespace careflow::sql;

const Catalog& catalog() {
  static const Catalog c = [] {
    Catalog out;
    const char* ddl[] = {
        "CREATE TABLE readings (device_id STRING, metric_name STRING, metric_value DOUBLE, tags ARRAY<STRING>, "
        "attrs MAP<STRING, STRING>, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)",
        "CREATE TABLE patients (patient_id STRING, name STRING, birth_date DATE, address ROW<zip STRING, city STRING>, "
        "PRIMARY KEY (patient_id) NOT ENFORCED)",
        "CREATE TABLE alerts (device_id STRING, n BIGINT, avg_value DOUBLE)",
    };
    for (const char* text : ddl) {
      auto statement = parse_statement(text);
      if (!statement) std::abort();
      auto table = table_from_ddl(*(*statement)->create_table);
      if (!table || !out.create_table(std::move(*table), false).is_ok()) std::abort();
    }
    return out;
  }();
  return c;
}

void plan(const Statement& s, const Planner& planner) {
  (void)print_statement(s);
  switch (s.kind) {
    case Statement::Kind::kQuery: (void)planner.plan_query(*s.query); break;
    case Statement::Kind::kInsert:
    case Statement::Kind::kStatementSet:
      for (const Insert& insert : s.inserts) (void)planner.plan_insert(insert);
      break;
    case Statement::Kind::kExplain:
      if (s.explained) plan(*s.explained, planner);
      break;
    default: break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Planner planner(catalog(), SessionOptions{});
  auto script = parse_script(text);
  if (!script) return 0;
  for (const ScriptStatement& s : *script) plan(*s.statement, planner);
  return 0;
}
