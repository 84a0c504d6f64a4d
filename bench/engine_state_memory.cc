#include "engine_state_memory.h"

#include <mimalloc.h>

#include <random>

#include "exec/session.h"

namespace careflow::bench {
namespace {

using exec::Row;
using exec::RowKind;
using values::Value;

// The live bytes of `heap`: for every area (blocks of one size class), its allocated blocks times
// the block size. mimalloc collects the area's freed blocks before reporting it.
int64_t live_bytes(const mi_heap_t* heap) {
  int64_t total = 0;
  mi_heap_visit_blocks(
      heap, false,
      [](const mi_heap_t*, const mi_heap_area_t* area, void* block, size_t, void* arg) {
        if (block == nullptr) *static_cast<int64_t*>(arg) += static_cast<int64_t>(area->used * area->block_size);
        return true;
      },
      &total);
  return total;
}

// Makes `heap` the thread's default heap (every malloc and new of this thread) for its lifetime.
class DefaultHeap {
 public:
  explicit DefaultHeap(mi_heap_t* heap) : previous_(mi_heap_set_default(heap)) {}
  ~DefaultHeap() { mi_heap_set_default(previous_); }
  DefaultHeap(const DefaultHeap&) = delete;
  DefaultHeap& operator=(const DefaultHeap&) = delete;

 private:
  mi_heap_t* previous_;
};

}  // namespace

Query state_memory_query(size_t keys) {
  Query q{kStateMemoryName, "1-hour TUMBLE, COUNT/SUM/MAX, window open",
          "CREATE TABLE t (k INT, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)",
          "SELECT k, window_start, window_end, COUNT(*), SUM(v), MAX(v) FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), "
          "INTERVAL '1' HOUR)) GROUP BY k, window_start, window_end",
          {}, 0, nullptr, {}};
  std::mt19937_64 rng(16);
  const int64_t hour = 1'767'225'600'000;  // 2026-01-01T00:00Z: the rows' 1,000 s stay inside one window
  const size_t rows = keys * 10;
  for (size_t i = 0; i < rows; ++i) {
    add_row(q.input, "t",
            Row{RowKind::kInsert, {Value::integer(static_cast<int64_t>(i % keys)),
                                   Value::integer(static_cast<int64_t>(rng() % 1'000'000)),
                                   Value::integer((hour + static_cast<int64_t>(i)) * 1000)}});
  }
  q.input_rows = rows;
  return q;
}

StateMemory measure_state_memory(const Query& q, size_t keys) {
  StateMemory m;
  m.keys = keys;
  mi_heap_t* heap = mi_heap_new();
  {
    DefaultHeap in_heap(heap);
    StartedJob started = start_query(q);
    if (started.status != "ok") {
      m.status = started.status;
      m.note = started.note;
    } else {
      exec::Job& job = *started.job;
      const int64_t before = live_bytes(heap);
      for (const Batch& b : q.batches()) {
        Status s = job.push(b.table, b.rows);
        if (s) s = job.emit_watermarks();
        if (!s) {
          m.status = "failed";
          m.note = s.message();
          break;
        }
        m.output_rows += job.take_output().size();
      }
      if (m.status == "ok" && m.output_rows != 0) {
        m.status = "failed";
        m.note = "the window fired before the end of input";
      }
      m.bytes = live_bytes(heap) - before;
      if (m.status == "ok") {
        if (Status s = job.end_input(); !s) {
          m.status = "failed";
          m.note = s.message();
        }
        m.output_rows = job.take_output().size();
        if (m.status == "ok" && m.output_rows != keys) {
          m.status = "failed";
          m.note = "expected one output row a key";
        }
      }
    }
  }
  mi_heap_delete(heap);  // what is still allocated moves to the thread's backing heap
  return m;
}

}  // namespace careflow::bench
