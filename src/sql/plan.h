#pragma once
// The plan of a streaming statement: a tree of nodes named after Flink's physical operators
// (StreamPhysicalCalc, GroupAggregate, Join, Rank, Deduplicate, Correlate, ChangelogNormalize, ...)
// so that EXPLAIN reads like Flink's. Each node knows its output schema and the changelog it
// emits; src/exec turns nodes into running operators one to one.

#include <memory>
#include <string>
#include <vector>

#include "sql/ast.h"
#include "sql/bound_expr.h"
#include "sql/catalog.h"
#include "sql/functions.h"

namespace careflow::sql {

struct PlanField {
  std::string name;
  DataType type;
};

struct AggCall {
  std::string name;        // COUNT, SUM, ...
  std::vector<int> args;   // input columns
  bool distinct = false;
  AggregateBinding binding;
  std::string text;        // "COUNT(*) AS cnt" for EXPLAIN
};

struct SortKey {
  int index;
  bool ascending = true;
  bool nulls_first = true;  // Flink: NULLS FIRST for ASC, NULLS LAST for DESC unless written
};

enum class PlanKind {
  kSource,              // table scan; computed columns evaluated here
  kValues,              // constant rows
  kCalc,                // projection + filter
  kChangelogNormalize,  // upsert source → full changelog, keyed by the primary key
  kGroupAggregate,      // GROUP BY with retraction
  kJoin,                // regular join, equi keys + residual condition
  kSemiJoin,            // IN / EXISTS (anti: NOT IN / NOT EXISTS)
  kRank,                // ROW_NUMBER() ... WHERE rn <= N (Top-N), LIMIT
  kDeduplicate,         // ROW_NUMBER() OVER (.. ORDER BY time attribute) WHERE rn = 1
  kCorrelate,           // CROSS JOIN UNNEST / LEFT JOIN UNNEST ON TRUE
  kUnion,               // UNION ALL
  kSink,                // INSERT INTO
};

struct PlanNode;
using PlanPtr = std::shared_ptr<PlanNode>;

struct PlanNode {
  PlanKind kind;
  std::vector<PlanField> schema;
  std::vector<PlanPtr> inputs;

  // The changelog this node emits: only +I, or also updates (-U/+U) and deletes (-D).
  bool insert_only = true;
  // Columns that are unique among the rows currently in the result (Flink's upsert key).
  std::vector<int> upsert_key;

  // kSource / kSink
  std::shared_ptr<const TableDef> table;
  std::vector<BoundExprPtr> computed;  // kSource: one per column; nullptr for physical/metadata
  bool normalize_upserts = false;      // kSource: an upsert table (a kChangelogNormalize follows)
  std::vector<int> sink_key;           // kSink: primary key columns (upsert materialization)

  // kValues: constant expressions, one list per row
  std::vector<std::vector<BoundExprPtr>> rows;

  // kCalc
  std::vector<BoundExprPtr> projections;
  BoundExprPtr filter;

  // kGroupAggregate
  std::vector<int> group_keys;
  std::vector<AggCall> aggs;

  // kJoin / kSemiJoin
  JoinType join_type = JoinType::kInner;
  bool anti = false;
  std::vector<int> left_keys, right_keys;
  BoundExprPtr condition;  // over left columns followed by right columns; nullptr if none

  // kRank / kDeduplicate / kChangelogNormalize (partition_keys = the key)
  std::vector<int> partition_keys;
  std::vector<SortKey> order;
  int64_t rank_start = 1, rank_end = INT64_MAX;
  bool output_rank_number = false;
  bool keep_last = false;       // kDeduplicate
  bool rowtime = false;         // kDeduplicate: ordered by event time, else by arrival

  // kCorrelate
  BoundExprPtr unnest;          // ARRAY, MAP or MULTISET over the input row
  bool with_ordinality = false;
  bool left_outer = false;

  std::vector<std::string> field_names() const;
  bool updates() const { return !insert_only; }
};

// Flink-style plan text, one node per line, children indented:
//   Sink(table=[sink], fields=[a, cnt])
//   +- GroupAggregate(groupBy=[a], select=[a, COUNT(*) AS cnt])
//      +- TableSourceScan(table=[[orders]], fields=[a, b], changelogMode=[I])
std::string explain_plan(const PlanNode& root);

// "I", "I,UB,UA,D": the changelog kinds a node emits, as Flink's EXPLAIN CHANGELOG_MODE prints.
std::string changelog_kinds(const PlanNode& node);

}  // namespace careflow::sql
