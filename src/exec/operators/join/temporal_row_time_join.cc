// TemporalRowTimeJoin: an event-time temporal join (JOIN versioned FOR SYSTEM_TIME AS OF
// left.rowtime), after flink-table-runtime's TemporalRowTimeJoinOperator, keyed by the equi keys:
//   - a left row is kept (in arrival order) until the watermark reaches its time; then it is
//     joined with the latest version whose time is <= its own, if that version is an insert or
//     an update (+I/+U) and the rest of the condition holds; a LEFT join pads it with NULLs
//     otherwise. The result keeps the left row's kind.
//   - a versioned-side row is stored under its time, replacing one with the same time, kind
//     included: a -D is a version meaning "no row from then on" (Flink: the -D of an upsert table
//     carries the deleted version's time, so it hides that version).
//   - one timer per key, at the smallest time waiting (Flink's registerSmallestTimer); when it
//     fires, every left row of the key up to the watermark is emitted, the versions older than the
//     latest one up to the watermark are dropped, and a timer is set at the earliest left row
//     still waiting. Timers are Flink's heap (event_time_timers.h), so keys come out in its order.
//   - a left row behind the watermark is not dropped: it is joined at the next watermark with the
//     versions still kept (the valid one may have been cleaned up by then).
//   - a NULL time reads as 0 (the epoch), as Flink's BinaryRowData reads a NULL long.
// Without a state TTL, as in Flink without one, a key keeps its latest version for ever.
#include <absl/container/flat_hash_map.h>
#include <absl/container/node_hash_map.h>

#include <map>

#include "exec/evaluator.h"
#include "exec/operators/event_time_timers.h"
#include "exec/operators/operators.h"
#include "exec/operators/window/window_math.h"
#include "exec/state.h"

namespace careflow::exec {

namespace {

class TemporalRowTimeJoin : public Operator {
 public:
  explicit TemporalRowTimeJoin(const sql::PlanNode& node)
      : left_keys_(node.left_keys),
        right_keys_(node.right_keys),
        condition_(node.condition),
        left_time_(static_cast<size_t>(node.rowtime_index)),
        right_time_(static_cast<size_t>(node.right_rowtime_index)),
        right_width_(node.inputs[1]->schema.size()),
        left_outer_(node.join_type == sql::JoinType::kLeft) {}

  // Checkpoints, written in full: each key's waiting left rows and versions (space 0), and the
  // timer heap in its array order by key (space 1), so that keys whose timers share a time fire
  // in the same order after a restore.
  bool checkpointable() const override { return true; }
  void snapshot(StateWriter& out) override {
    ByteWriter key, value;
    absl::flat_hash_map<const KeyState*, const Key*> key_of_state;
    out.clear(0);
    for (const auto& [k, ks] : state_) {
      key_of_state[&ks] = &k;
      key.clear();
      key.values(k);
      value.clear();
      value.varint(ks.next_left);
      value.varint(ks.left.size());
      for (const auto& [seq, row] : ks.left) {
        value.varint(seq);
        write_row(value, row);
      }
      value.varint(ks.versions.size());
      for (const auto& [time, row] : ks.versions) {
        value.svarint(time);
        write_row(value, row);
      }
      out.put(0, key.data(), value.data());
    }
    ByteWriter heap;
    heap.varint(static_cast<uint64_t>(timers_.end() - timers_.begin()));
    for (const auto* t = timers_.begin(); t != timers_.end(); ++t) {
      heap.svarint(t->time);
      heap.values(*key_of_state.at(t->target));
    }
    out.misc(1, heap.data());
  }
  void restore(const StateRecord& record) override {
    if (record.space == 1) {
      heap_.assign(record.value.begin(), record.value.end());
      return;
    }
    if (record.kind == StateRecordKind::kClear) {
      timers_.clear();
      state_.clear();
      return;
    }
    if (record.kind != StateRecordKind::kPut) throw StateFormatError("a temporal join record that is no entry");
    ByteReader k(record.key), in(record.value);
    KeyState ks;
    ks.next_left = in.varint();
    for (size_t n = in.count(); n > 0; --n) {
      const uint64_t seq = in.varint();
      ks.left.emplace(seq, read_row(in));
    }
    for (size_t n = in.count(); n > 0; --n) {
      const int64_t time = in.svarint();
      ks.versions.emplace(time, read_row(in));
    }
    state_.insert_or_assign(k.values(), std::move(ks));
  }
  void restored() override {
    timers_.clear();
    ByteReader in(heap_);
    for (size_t n = in.count(); n > 0; --n) {
      const int64_t time = in.svarint();
      auto it = state_.find(in.values());
      if (it == state_.end()) throw StateFormatError("a timer of a key without state");
      it->second.timer = time;
      timers_.restore_next(time, &it->second);
    }
    heap_.clear();
  }

  void process(int input, Row& row) override {
    const bool is_left = input == 0;
    fill_key(key_, row.fields, is_left ? left_keys_ : right_keys_);
    auto it = state_.find(key_);
    if (it == state_.end()) it = state_.emplace(key_, KeyState{}).first;
    KeyState& ks = it->second;
    if (is_left) {
      const int64_t time = time_of(row.fields[left_time_]);
      ks.left.emplace(ks.next_left++, std::move(row));
      register_smallest_timer(ks, time);
    } else {
      const int64_t time = time_of(row.fields[right_time_]);
      ks.versions.insert_or_assign(time, std::move(row));
      register_smallest_timer(ks, time);
    }
  }

 protected:
  void on_watermark(int64_t watermark) override {
    while (!timers_.empty() && timers_.peek().time <= watermark) {
      KeyState& ks = *timers_.poll().target;
      ks.timer = kNoTimer;
      const int64_t next = emit_and_clean_up(ks, watermark);
      if (next != kNoTimer) register_timer(ks, next);
    }
  }

 private:
  static constexpr int64_t kNoTimer = std::numeric_limits<int64_t>::max();

  struct KeyState {
    std::map<uint64_t, Row> left;      // waiting left rows by arrival
    std::map<int64_t, Row> versions;   // the versioned side's rows by their time
    uint64_t next_left = 0;
    int64_t timer = kNoTimer;          // the key's one registered timer
    size_t timer_index = 0;            // where it is in timers_ (EventTimeTimers)
  };

  static void write_row(ByteWriter& w, const Row& row) {
    w.u8(static_cast<uint8_t>(row.kind));
    w.values(row.fields);
  }
  static Row read_row(ByteReader& in) {
    const uint8_t kind = in.u8();
    if (kind > static_cast<uint8_t>(RowKind::kDelete)) throw StateFormatError("an unknown row kind");
    return Row{static_cast<RowKind>(kind), in.values()};
  }

  static int64_t time_of(const Value& v) { return v.is_null() ? 0 : window::micros_to_millis(v.as_int()); }

  void register_timer(KeyState& ks, int64_t time) {
    ks.timer = time;
    timers_.add(time, &ks);
  }

  void register_smallest_timer(KeyState& ks, int64_t time) {
    if (ks.timer == kNoTimer) {
      register_timer(ks, time);
    } else if (ks.timer > time) {
      timers_.remove(&ks);
      register_timer(ks, time);
    }
  }

  // Emits the key's left rows up to the watermark, in arrival order, and drops the versions no
  // later row can need. Returns the time of the earliest left row still waiting, or kNoTimer.
  int64_t emit_and_clean_up(KeyState& ks, int64_t watermark) {
    int64_t earliest_waiting = kNoTimer;
    for (auto it = ks.left.begin(); it != ks.left.end();) {
      const int64_t time = time_of(it->second.fields[left_time_]);
      if (time > watermark) {
        earliest_waiting = std::min(earliest_waiting, time);
        ++it;
        continue;
      }
      join_row(ks, it->second, time);
      it = ks.left.erase(it);
    }
    // Keep the latest version at or before the watermark and every later one.
    auto first_later = ks.versions.upper_bound(watermark);
    if (first_later != ks.versions.begin()) {
      auto keep = first_later == ks.versions.end() ? std::prev(ks.versions.end()) : std::prev(first_later);
      ks.versions.erase(ks.versions.begin(), keep);
    }
    return earliest_waiting;
  }

  void join_row(const KeyState& ks, Row& left, int64_t time) {
    auto after = ks.versions.upper_bound(time);
    const Row* version = after == ks.versions.begin() ? nullptr : &std::prev(after)->second;
    if (version && is_accumulate(version->kind) && matches(left.fields, version->fields)) {
      std::vector<Value> out;
      out.reserve(left.fields.size() + right_width_);
      for (Value& v : left.fields) out.push_back(std::move(v));
      for (const Value& v : version->fields) out.push_back(v);
      emit(left.kind, std::move(out));
    } else if (left_outer_) {
      left.fields.resize(left.fields.size() + right_width_);
      emit(left.kind, std::move(left.fields));
    }
  }

  bool matches(const std::vector<Value>& left, const std::vector<Value>& right) {
    if (!condition_) return true;
    joined_.clear();
    joined_.insert(joined_.end(), left.begin(), left.end());
    joined_.insert(joined_.end(), right.begin(), right.end());
    return passes(condition_.get(), joined_, ctx());
  }

  std::vector<int> left_keys_, right_keys_;
  sql::BoundExprPtr condition_;
  size_t left_time_, right_time_, right_width_;
  bool left_outer_;
  // Node-based: a key's state stays where it is while the timers point at it.
  absl::node_hash_map<Key, KeyState, values::KeyHash> state_;
  EventTimeTimers<KeyState> timers_;
  Key key_;                     // the input row's key, reused
  std::vector<Value> joined_;   // left then right row for the condition, reused
  std::string heap_;            // a restore's timer heap, until every key is back
};

}  // namespace

OperatorPtr make_temporal_row_time_join(const sql::PlanNode& node) {
  return std::make_unique<TemporalRowTimeJoin>(node);
}

}  // namespace careflow::exec
