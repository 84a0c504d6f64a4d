#pragma once
// What engine_bench's query families share (engine_bench.cc has the method): a query is its DDL,
// its SELECT and the input rows, in push order, in batches of one table each.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "exec/row.h"
#include "exec/session.h"

namespace careflow::bench {

constexpr size_t kBatchRows = 1000;

// One batch of rows for one table, in push order.
struct Batch {
  std::string table;
  exec::RowBatch rows;
};

struct Query {
  std::string name;          // file and table key
  std::string title;         // for the results table
  std::string setup;         // DDL, statements separated by ';'
  std::string sql;           // the measured SELECT
  std::vector<Batch> input;  // generated rows
  size_t input_rows = 0;
  // Input shared with other queries (the Nexmark queries read one generated stream): when set, it
  // is the input instead of `input`, and its files are written once.
  std::shared_ptr<const std::vector<Batch>> shared_input;
  // Set when careflow is not run on this query, saying why (the Flink side still runs it).
  std::string careflow_skip;
  // Set when the output depends on the wall clock (windows on PROCTIME(): a window gives rows only
  // if it ended while the engine ran, and Flink fires none at the end of input): its row count is
  // not comparable between engines and may be zero; its rows/s is comparable.
  bool wall_clock_output = false;

  const std::vector<Batch>& batches() const { return shared_input ? *shared_input : input; }
};

// Appends `row` to the last batch of `table`, starting a new batch when it is full.
inline void add_row(std::vector<Batch>& batches, const std::string& table, exec::Row row) {
  if (batches.empty() || batches.back().table != table || batches.back().rows.size() >= kBatchRows) {
    batches.push_back({table, {}});
    batches.back().rows.reserve(kBatchRows + 1);
  }
  batches.back().rows.push_back(std::move(row));
}

inline size_t count_rows(const std::vector<Batch>& batches) {
  size_t n = 0;
  for (const Batch& b : batches) n += b.rows.size();
  return n;
}

// A query's setup run and its SELECT planned and started on a session of its own.
struct StartedJob {
  std::string status = "ok";  // ok | unavailable (careflow refuses the query) | failed
  std::string note;           // why not, one line
  std::unique_ptr<exec::Session> session;
  std::vector<exec::StatementResult> results;  // holds the job
  exec::Job* job = nullptr;
};
StartedJob start_query(const Query& q);

// The Nexmark queries that `want` names (nexmark_queries.cc), over `events` events of one seeded
// Nexmark stream (nexmark_generator.h) that they share.
std::vector<Query> nexmark_queries(size_t events, const std::function<bool(const std::string&)>& want);

}  // namespace careflow::bench
