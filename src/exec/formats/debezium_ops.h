#pragma once
// Which rows a Debezium change event becomes, by its op and the table's changelog mode: one rule
// for debezium-json and the Debezium Avro formats, so that the reader emits exactly the changelog
// the planner declared for the table (EXPLAIN's changelogMode, checked by Job in debug builds).
//
//   retract, upsert (Flink's Debezium formats): c/r → +I after; u → -U before, +U after;
//                                               d → -D before
//   append ('changelog.mode' = 'append', as Confluent Cloud reads a Debezium table in append
//   mode, https://docs.confluent.io/cloud/current/flink/reference/statements/create-table.html
//   #changelog-mode): every event is one +I row: c/r/u → the after image, d → the before image
//   (the only image a delete carries), so the table is the history of row images.
// t (truncate) and m (message) events carry no rows.

#include <string_view>
#include <vector>

#include "exec/row.h"
#include "sql/catalog.h"

namespace careflow::exec {

struct DebeziumSide {
  const char* field;  // "before" or "after"
  RowKind kind;
};

// The rows of an event, in order. False for an op that is not c, r, u, d, t or m.
bool debezium_sides(std::string_view op, sql::ChangelogMode mode, std::vector<DebeziumSide>* out);

}  // namespace careflow::exec
