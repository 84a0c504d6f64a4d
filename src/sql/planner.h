#pragma once
// Syntax tree → plan: resolves names against the catalog, types every expression by Flink's
// rules, turns SQL constructs into Flink's streaming operators and works out the changelog each
// one emits. Every error names the place in the statement: "line 3:17: column 'preasure' not
// found; did you mean 'pressure'?", and an unsupported construct is an error, never a different
// result.

#include <functional>
#include <map>
#include <string>

#include "common/status.h"
#include "sql/ast.h"
#include "sql/catalog.h"
#include "sql/plan.h"

namespace careflow::sql {

struct SessionOptions {
  std::string time_zone = "UTC";  // 'table.local-time-zone'
  // Whether a table is read by lookups only (its connector looks rows up by key and cannot be
  // scanned: 'connector' = 'jdbc'): the right side of a lookup join. The exec layer answers from
  // its connector registry; without it no table is.
  std::function<bool(const TableDef&)> is_lookup_table;
  // 'table.exec.interval-join.min-cleanup-interval' as SET (a duration: '0', '5 s', '1min', ...;
  // Flink 1.20's default 0): how much longer an interval join keeps unjoined rows. Parsed when an
  // interval join is planned (an invalid value fails that query, as in Flink).
  std::string interval_join_min_cleanup = "0";
  // 'table.exec.source.idle-timeout' as SET (a duration; '0', Flink's default, disables it): how
  // long a source partition may give no rows before it stops holding back its source's
  // watermark. A table's 'scan.watermark.idle-timeout' takes precedence.
  std::string source_idle_timeout = "0";
  // 'table.exec.state.ttl' as SET (a duration; '0', Flink's default, keeps state forever): how
  // long regular joins and group aggregations keep a key's state after it was last written.
  std::string state_ttl = "0";
  // 'table.exec.late-rows.topic' as SET (careflow's own key, not Flink's; empty: off): the topic of
  // the log that rows dropped as late are written to, with the reason (exec/job.h).
  std::string late_rows_topic;
};

class Planner {
 public:
  Planner(const Catalog& catalog, SessionOptions options) : catalog_(catalog), options_(std::move(options)) {}

  // A SELECT / VALUES / set operation as a streaming query.
  Result<PlanPtr> plan_query(const Query& query) const;
  // INSERT INTO t SELECT ...: a kSink node over the query, columns matched to the table's by
  // position (or by the listed names) with Flink's implicit casts. Rejects an updating query into
  // an append-only table, saying which operator produces the updates and what to change.
  Result<PlanPtr> plan_insert(const Insert& insert) const;

 private:
  const Catalog& catalog_;
  SessionOptions options_;
};

}  // namespace careflow::sql
