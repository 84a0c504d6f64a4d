// WindowAggregate over TUMBLE, HOP and CUMULATE windows, on slices as Flink's SlicingWindowOperator
// (SliceSharedSyncStateWindowAggProcessor / SliceUnshared...) computes it: each row is accumulated
// once, into its slice (window_math.h), whatever the number of windows it belongs to; a window is
// the merge of its slices, computed when the watermark passes its end. So a row costs the same
// for HOP with size / slide = 60 as for TUMBLE.
//
// Per key: the slices with rows, and the window ends to fire ("timers", as Flink registers them).
// A window fires once, in order of window end (keys in the order they first appeared), and emits
// +I only when some row fell in it. After a window of HOP or CUMULATE fires, the next window of
// the key is scheduled if this one had rows (Flink's nextTriggerWindow), so windows whose newest
// slices are empty still fire. CUMULATE keeps one running accumulator per window start and merges
// each slice into it once. A row whose slice is behind the watermark is still counted in the
// windows not yet fired; when the last window holding it has fired, it is dropped and counted
// (late_rows_dropped).
//
// Rows that carry their windows (`window_attached`: GROUP BY the window columns of a window
// aggregation's results) are aggregated into the window their window_start / window_end columns
// name, the start part of the key (Flink's WindowedSliceAssigner: the slice is the window); it
// fires when the watermark passes its end, and a row whose window has fired is dropped as late.
//
// A legacy group window (GROUP BY TUMBLE|HOP(...), `group_window`) is the same aggregation with
// Flink's WindowOperator timers: a row registers a timer for each window holding it that has not
// fired (HOP: latest start first, as SlidingWindowAssigner lists them; at most one per key and
// window), kept in Flink's timer heap (event_time_timers.h), so keys whose windows end at one
// instant come out in Flink's order; no window is scheduled after another fires.
//
// On a processing-time attribute, the same with the job's processing-time clock in place of the
// watermark, as Flink's window operators register processing-time timers then (window_clock.h):
// a row falls into the slice of the processing time it arrives at, windows fire when the clock
// passes their end - 1 ms, nothing is late, and window_time (<W>_PROCTIME) is the processing time
// the window fired at. Pending windows are state like any other: they survive a checkpoint and fire
// once the restored job's clock passes them.
#include <absl/container/node_hash_map.h>
#include <fmt/format.h>

#include <functional>
#include <queue>
#include <vector>

#include "exec/evaluator.h"
#include "exec/operators/event_time_timers.h"
#include "exec/operators/operators.h"
#include "exec/operators/window/time_sorted.h"
#include "exec/operators/window/window_clock.h"
#include "exec/operators/window/window_math.h"
#include "exec/state.h"
#include "values/types.h"

namespace careflow::exec {

namespace {

using sql::WindowSpec;

struct Accumulators {
  std::vector<std::unique_ptr<sql::Accumulator>> accs;
  int64_t rows = 0;
};

struct KeyState {
  uint64_t order = 0;                              // when the key first appeared: ties among timers
  window::TimeSortedMap<Accumulators> slices;      // by slice end
  window::TimeSortedSet timers;                    // window ends to fire
  // CUMULATE: per window start, the accumulators of the slices merged so far and how far.
  struct Running {
    Accumulators acc;
    int64_t merged_until = INT64_MIN;
  };
  window::TimeSortedMap<Running, std::vector<std::pair<int64_t, Running>>> running;  // none but in CUMULATE
};

class WindowAggregate : public Operator {
 public:
  using Entry = std::pair<const Key, KeyState>;  // a key's entry in the state

  explicit WindowAggregate(const sql::PlanNode& node)
      : window_(node.window), keys_(node.group_keys), aggs_(node.aggs), rowtime_(node.rowtime_index),
        null_rowtime_(null_rowtime_message(node, node.rowtime_index, "WindowAggregate")),
        slice_(window::slice_size(node.window)), attached_(node.window_attached),
        window_start_(node.window_start_index), group_window_(node.group_window),
        grouping_sets_(node.grouping_sets), grouping_functions_(node.grouping_functions),
        window_clock_(node.window.proctime, node.rowtime_index) {
    for (int k : keys_) {
      if (k >= 0) plain_keys_.push_back(k);
    }
  }

  // Checkpoints: each key's slices, timers and running windows (space 0, incrementally); the
  // arrival counter and late rows (space 1). The timer queue is rebuilt from the keys' timers.
  bool checkpointable() const override { return true; }
  void track_changes() override { state_.track_changes(); }
  void snapshot(StateWriter& out) override {
    write_keyed(out, 0, state_, [](ByteWriter& w, const KeyState& ks) {
      w.varint(ks.order);
      w.varint(ks.slices.size());
      for (const auto& [end, acc] : ks.slices) {
        w.svarint(end);
        write_accumulators(w, acc);
      }
      w.varint(ks.timers.size());
      for (int64_t t : ks.timers) w.svarint(t);
      w.varint(ks.running.size());
      for (const auto& [start, run] : ks.running) {
        w.svarint(start);
        w.svarint(run.merged_until);
        write_accumulators(w, run.acc);
      }
    });
    write_counters(out, 1, next_order_, late_);
    if (group_window_) {
      // The heap in array order: a restore rebuilds it entry by entry, equal times keep their order.
      ByteWriter w;
      w.varint(static_cast<uint64_t>(heap_.end() - heap_.begin()));
      for (const auto* t = heap_.begin(); t != heap_.end(); ++t) w.values(*t->target->id);
      out.misc(2, w.data());
    }
  }
  void restore(const StateRecord& record) override {
    if (record.space == 1) {
      read_counters(record, next_order_, late_);
      return;
    }
    if (record.space == 2) {
      if (record.kind != StateRecordKind::kMisc) throw StateFormatError("a keyed record where timers were expected");
      heap_.clear();
      heap_ids_.clear();
      ByteReader in(record.value);
      for (size_t n = in.count(); n > 0; --n) {
        Key id = in.values();
        if (id.empty()) throw StateFormatError("a window timer without its window");
        const int64_t end = id.back().as_int();
        add_heap_timer(std::move(id), end);
      }
      return;
    }
    restore_keyed(record, state_, [&](ByteReader& in) {
      KeyState ks;
      ks.order = in.varint();
      for (size_t n = in.count(); n > 0; --n) {
        int64_t end = in.svarint();
        ks.slices[end] = read_accumulators(in);
      }
      for (size_t n = in.count(); n > 0; --n) ks.timers.insert(in.svarint());
      for (size_t n = in.count(); n > 0; --n) {
        int64_t start = in.svarint();
        KeyState::Running& run = ks.running[start];
        run.merged_until = in.svarint();
        run.acc = read_accumulators(in);
      }
      return ks;
    });
  }
  void restored() override {
    if (group_window_) return;  // the heap came whole (space 2)
    timers_ = {};
    for (auto& entry : state_) {
      for (int64_t end : entry.second.timers) timers_.push(Timer{end, entry.second.order, &entry});
    }
  }

  void process(int, Row& row) override {
    if (attached_) return process_attached(row);
    const std::optional<int64_t> time = window_clock_.row_time(row, *this);
    if (!time) throw values::EvalError(null_rowtime_);
    const int64_t ts = window::to_window_time(window_, *time, ctx());
    const int64_t end = window::slice_end(window_, ts);
    const int64_t wm = window_clock_.late_bound(*this);
    const bool late = wm != kNoWatermark && window::fired(window_, end, wm, ctx());
    // With grouping sets, the row once per set (Flink's Expand makes that many rows of it).
    const size_t passes = grouping_sets_.empty() ? 1 : grouping_sets_.size();
    if (late && window::fired(window_, window::last_window_end(window_, end, slice_), wm, ctx())) {
      for (size_t set = 0; set < passes; ++set) {
        ++late_;
        dropped_late(0, row, ts, wm,
                     "every window of the row has fired (the last one's end - 1 ms is at or before the watermark)");
      }
      return;
    }
    for (size_t set = 0; set < passes; ++set) {
      fill_key(key_, row.fields, plain_keys_);
      if (!grouping_sets_.empty()) {
        // The keys outside the set are NULL; the set's number keeps its groups apart (Flink's $e).
        for (size_t k = 0; k < key_.size(); ++k) {
          if (!grouping_sets_[set][k]) key_[k] = Value();
        }
        key_.push_back(Value::integer(static_cast<int64_t>(set)));
      }
      add(row, ts, end, wm, late);
    }
  }

  int64_t late_rows_dropped() const override { return late_; }

 private:
  // A row with its window: the key is the plain keys, then the window's start.
  void process_attached(const Row& row) {
    const Value& start = row.fields[static_cast<size_t>(window_start_)];
    const Value& end_value = row.fields[static_cast<size_t>(rowtime_)];
    if (start.is_null() || end_value.is_null()) {
      throw values::EvalError("a window aggregation over windowed rows got a row whose window_start or window_end is "
                              "NULL");
    }
    const int64_t end = window::micros_to_millis(end_value.as_int());
    const int64_t wm = current_watermark();
    if (wm != kNoWatermark && window::fired(window_, end, wm, ctx())) {
      ++late_;
      dropped_late(0, row, end - 1, wm, "the row's window has fired (its end - 1 ms is at or before the watermark)");
      return;
    }
    fill_key(key_, row.fields, plain_keys_);
    key_.push_back(Value::integer(window::micros_to_millis(start.as_int())));
    Entry& entry = entry_of_key();
    accumulate(slice_of(entry.second, end), row);
    schedule(entry, entry.second, end);
  }

  // The entry of key_, added (in arrival order) when the key is new; recorded as changed.
  Entry& entry_of_key() {
    state_.touch(key_);
    auto it = state_.find(key_);
    if (it == state_.end()) {
      it = state_.emplace(key_, KeyState{}).first;
      it->second.order = next_order_++;
    }
    return *it;
  }
  // The accumulators of the key's slice ending at `end`, fresh when the slice is new.
  Accumulators& slice_of(KeyState& ks, int64_t end) {
    auto [slot, inserted] = ks.slices.try_emplace(end);
    if (inserted) slot->second = fresh();
    return slot->second;
  }

  // Accumulates `row` into the group of key_ (ts its window time, end its slice's end).
  void add(const Row& row, int64_t ts, int64_t end, int64_t wm, bool late) {
    Entry& entry = entry_of_key();
    KeyState& ks = entry.second;
    Accumulators* target = nullptr;
    if (late && window_.kind == WindowSpec::Kind::kCumulate) {
      // Its slice was merged into the running window already: count it there.
      auto run = ks.running.find(window::start_of(window_, end));
      if (run != ks.running.end() && run->second.merged_until >= end) target = &run->second.acc;
    }
    if (!target) target = &slice_of(ks, end);
    accumulate(*target, row);
    if (group_window_) {
      for (const window::Window& w : window::windows_of(window_, ts)) {
        if (wm == kNoWatermark || !window::fired(window_, w.end, wm, ctx())) schedule_group_window(entry.first, ks, w.end);
      }
      return;
    }
    // The first window that can still fire with this row.
    int64_t first = window::first_window_end(window_, end);
    while (wm != kNoWatermark && window::fired(window_, first, wm, ctx())) first += window_.slide;
    schedule(entry, ks, first);
  }

 protected:
  void on_watermark(int64_t watermark) override {
    if (window_clock_.fires_on(true)) fire_until(watermark);
  }
  void on_processing_time(int64_t now) override {
    if (window_clock_.fires_on(false)) fire_until(now);
  }

 private:
  // Fires every window whose end - 1 ms is at or before `time` (the watermark, or processing time).
  void fire_until(int64_t time) {
    if (group_window_) return fire_group_windows(time);
    while (!timers_.empty() && window::fired(window_, timers_.top().end, time, ctx())) {
      const Timer timer = timers_.top();
      timers_.pop();
      const Key& key = timer.entry->first;
      KeyState& ks = timer.entry->second;
      state_.touch(key);
      ks.timers.erase(timer.end);
      fire(*timer.entry, ks, timer.end);
      if (ks.slices.empty() && ks.timers.empty() && ks.running.empty()) state_.erase(key);
    }
  }

  // A window timer of the table-function path. It points at its key's entry (which never moves and
  // is erased only once it has no timer left) rather than holding a copy of the key; `timers_` is
  // a min-heap on (end, order): keys fire by window end, then in the order they first appeared.
  struct Timer {
    int64_t end;
    uint64_t order;
    Entry* entry;
    bool operator>(const Timer& o) const { return end != o.end ? end > o.end : order > o.order; }
  };

  static void write_accumulators(ByteWriter& w, const Accumulators& a) {
    w.svarint(a.rows);
    w.varint(a.accs.size());
    for (const auto& acc : a.accs) w.value(acc->save());
  }
  Accumulators read_accumulators(ByteReader& in) const {
    Accumulators a = fresh();
    a.rows = in.svarint();
    if (in.count() != a.accs.size()) throw StateFormatError("a window with another number of aggregates");
    for (auto& acc : a.accs) acc->load(in.value());
    return a;
  }

  Accumulators fresh() const {
    Accumulators a;
    a.accs.reserve(aggs_.size());
    for (const sql::AggCall& c : aggs_) a.accs.push_back(make_append_only_accumulator(c));  // never retracted
    return a;
  }

  void accumulate(Accumulators& a, const Row& row) {
    for (size_t i = 0; i < aggs_.size(); ++i) {
      if (call_selects(aggs_[i], row.fields)) a.accs[i]->accumulate(call_arguments(aggs_[i], row.fields, args_));
    }
    ++a.rows;
  }

  static void merge_into(Accumulators& into, const Accumulators& from) {
    for (size_t i = 0; i < into.accs.size(); ++i) into.accs[i]->merge(*from.accs[i]);
    into.rows += from.rows;
  }

  void schedule(Entry& entry, KeyState& ks, int64_t end) {
    if (ks.timers.insert(end)) timers_.push({end, ks.order, &entry});
  }

  // Group windows: one heap timer per key and window (Flink's timer set ignores a second one).
  void schedule_group_window(const Key& key, KeyState& ks, int64_t end) {
    if (!ks.timers.insert(end)) return;
    Key id = key;
    id.push_back(Value::integer(end));
    add_heap_timer(std::move(id), end);
  }
  void add_heap_timer(Key id, int64_t end) {
    auto [slot, inserted] = heap_ids_.try_emplace(std::move(id));
    if (!inserted) return;
    slot->second.id = &slot->first;
    heap_.add(window::to_utc(window_, end - 1, ctx()), &slot->second);
  }

  void fire_group_windows(int64_t watermark) {
    while (!heap_.empty() && heap_.peek().time <= watermark) {
      Key key = *heap_.poll().target->id;
      const int64_t end = key.back().as_int();
      heap_ids_.erase(key);
      key.pop_back();
      auto it = state_.find(key);
      if (it == state_.end()) continue;
      state_.touch(key);
      it->second.timers.erase(end);
      fire(*it, it->second, end);
      if (it->second.slices.empty() && it->second.timers.empty()) state_.erase(it);
    }
  }

  void fire(Entry& entry, KeyState& ks, int64_t end) {
    const Key& key = entry.first;
    // A window that is one slice: a row's own window (attached; its start ends the key) or TUMBLE.
    auto fire_slice = [&](int64_t start) {
      auto slice = ks.slices.find(end);
      if (slice == ks.slices.end()) return;
      output(key, start, end, slice->second);
      ks.slices.erase(slice);
    };
    if (attached_) return fire_slice(key.back().as_int());
    const int64_t start = window::start_of(window_, end);
    switch (window_.kind) {
      case WindowSpec::Kind::kTumble: return fire_slice(start);
      case WindowSpec::Kind::kHop: {
        // The slices of [start, end), newest first (HoppingSliceAssigner#mergeSlices' order).
        Accumulators merged = fresh();
        auto lo = ks.slices.upper_bound(start);
        for (auto s = ks.slices.upper_bound(end); s != lo;) {
          --s;
          merge_into(merged, s->second);
        }
        if (merged.rows > 0) {
          output(key, start, end, merged);
          if (!group_window_) schedule(entry, ks, end + window_.slide);
        }
        // Slices that no later window holds.
        const int64_t next_start = window::start_of(window_, end + window_.slide);
        ks.slices.erase(ks.slices.begin(), ks.slices.upper_bound(next_start));
        return;
      }
      case WindowSpec::Kind::kCumulate: {
        auto [run, inserted] = ks.running.try_emplace(start);
        if (inserted) run->second.acc = fresh();
        auto lo = ks.slices.upper_bound(std::max(start, run->second.merged_until));
        auto hi = ks.slices.upper_bound(end);
        for (auto s = lo; s != hi; ++s) merge_into(run->second.acc, s->second);
        ks.slices.erase(lo, hi);
        run->second.merged_until = end;
        if (run->second.acc.rows > 0) output(key, start, end, run->second.acc);
        if (end < start + window_.size) {
          if (run->second.acc.rows > 0) schedule(entry, ks, end + window_.slide);
        } else {
          ks.running.erase(run);
        }
        return;
      }
      case WindowSpec::Kind::kSession: return;  // merging windows: session_window_aggregate.cc
    }
  }

  void output(const Key& key, int64_t start, int64_t end, const Accumulators& a) {
    std::vector<Value> out;
    out.reserve(keys_.size() + aggs_.size());
    size_t plain = 0;
    for (int k : keys_) {
      switch (k) {
        case sql::kWindowStartKey: out.push_back(Value::integer(start * 1000)); break;
        case sql::kWindowEndKey: out.push_back(Value::integer(end * 1000)); break;
        case sql::kWindowTimeKey: out.push_back(window_time(end)); break;
        default: out.push_back(key[plain++]); break;
      }
    }
    for (const auto& acc : a.accs) out.push_back(acc->result());
    // GROUPING() / GROUPING_ID(): their value in the key's grouping set (its number ends the key).
    if (!grouping_functions_.empty()) {
      const size_t set = grouping_sets_.empty() ? 0 : static_cast<size_t>(key.back().as_int());
      for (const sql::PlanNode::GroupingFunction& g : grouping_functions_) out.push_back(Value::integer(g.values[set]));
    }
    emit(RowKind::kInsert, std::move(out));
  }

  // window_end - 1 ms (for an LTZ time attribute, the UTC instant of that local time); in processing time,
  // the processing time now (window_clock.h).
  Value window_time(int64_t end) const {
    return Value::integer(window_clock_.window_time_micros(window::to_utc(window_, end - 1, ctx()), *this));
  }

  WindowSpec window_;
  std::vector<int> keys_;        // the output's key columns: input columns or window properties
  std::vector<int> plain_keys_;  // the input columns among them
  std::vector<sql::AggCall> aggs_;
  int rowtime_;  // attached: the window_end column
  std::string null_rowtime_;  // the job's failure on a NULL time
  int64_t slice_;
  bool attached_;
  int window_start_;  // attached: the window_start column
  StableKeyedState<KeyState> state_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers_;
  // Group windows: the timer heap, its entries' ids (the key, then the window end).
  struct HeapTimer {
    const Key* id = nullptr;
    size_t timer_index = 0;
  };
  bool group_window_;
  // GROUPING SETS: per set, which plain keys it holds (empty: none); the set's number ends the key.
  std::vector<std::vector<bool>> grouping_sets_;
  std::vector<sql::PlanNode::GroupingFunction> grouping_functions_;
  EventTimeTimers<HeapTimer> heap_;
  absl::node_hash_map<Key, HeapTimer, values::KeyHash> heap_ids_;
  window::WindowClock window_clock_;  // event time, or processing time
  uint64_t next_order_ = 0;
  int64_t late_ = 0;
  Key key_;
  std::vector<Value> args_;
};

}  // namespace

OperatorPtr make_window_aggregate(const sql::PlanNode& node) { return std::make_unique<WindowAggregate>(node); }

}  // namespace careflow::exec
