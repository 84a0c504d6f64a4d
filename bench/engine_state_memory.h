#pragma once
// engine_bench's memory case: the state bytes per key of a 1-hour TUMBLE window aggregation with
// 100,000 keys, the window still open (issue 16's "state bytes per key ... against Flink's heap
// backend"). The Flink side is tests/interop/flink's StateMemoryBench over the same files.

#include <cstdint>
#include <string>

#include "engine_bench.h"

namespace careflow::bench {

// Name of the memory case's data directory (DIR/<name>: setup.sql, query.sql, input.tsv, keys).
inline constexpr const char* kStateMemoryName = "state_tumble_1h";

// The query and its rows: table t (k INT, v BIGINT, ts TIMESTAMP(3)), `keys` keys ten rows each, one
// row a millisecond from the start of an hour, so every row falls into one window that stays open.
Query state_memory_query(size_t keys);

struct StateMemory {
  std::string status = "ok";  // ok | unavailable | failed
  std::string note;
  size_t keys = 0;
  int64_t bytes = 0;       // live bytes the job holds with the rows in, minus before
  size_t output_rows = 0;  // after the end of input: one a key
};

// Runs `q` on careflow with every allocation of the job in a mimalloc heap of its own and counts
// that heap's live bytes (allocated blocks × their size class) after start() and again once every
// row is in and the watermark moved: the difference is the state (keys, accumulators, timers, hash
// tables' buckets). Then ends the input and checks one output row a key.
StateMemory measure_state_memory(const Query& q, size_t keys);

}  // namespace careflow::bench
