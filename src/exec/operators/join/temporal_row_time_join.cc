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
// Without a state TTL, as in Flink without one, a key keeps its latest version for ever. With
// 'table.exec.state.ttl' (Flink's BaseTwoInputStreamOperatorWithStateRetention, min retention = the
// TTL, max = 1.5 x it, on when the TTL is over 1 ms) each key has a processing-time cleanup time:
// a row, and a fired timer that leaves rows waiting or versions kept, move it to now + max when
// now + min is past it; when it passes, the key's rows, versions and timer are dropped (Flink:
// cleanupState) and the key starts afresh. careflow checks it when the key is next touched and
// sweeps every key once per TTL period (no output comes of it, so the results are Flink's; Flink
// leaves the dropped key's event-time timer in its heap, where it fires with nothing to do, so
// keys sharing a timer's time may come out in another order after a cleanup).

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
  TemporalRowTimeJoin(const sql::PlanNode& node, StateTtl ttl)
      : ttl_(std::move(ttl)),
        cleaning_(ttl_.ttl_ms() > 1),
        // ttl * 3 / 2 in Java's long arithmetic, without overflowing for a huge TTL.
        max_retention_(ttl_.ttl_ms() / 2 * 3 + ttl_.ttl_ms() % 2 * 3 / 2),
        left_keys_(node.left_keys),
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
      value.svarint(ks.cleanup_at);
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
    if (!in.done()) ks.cleanup_at = in.svarint();  // absent in checkpoints written before the TTL
    auto [at, inserted] = state_.insert_or_assign(k.values(), std::move(ks));
    (void)inserted;
    at->second.key = &at->first;
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
    const int64_t now = cleaning_ ? ttl_.now() : 0;
    if (cleaning_ && ttl_.sweep_due(now, next_sweep_)) sweep(now);
    fill_key(key_, row.fields, is_left ? left_keys_ : right_keys_);
    auto it = state_.find(key_);
    if (it != state_.end() && cleaning_ && cleanup_due(it->second, now)) {
      timers_.remove(&it->second);
      state_.erase(it);
      it = state_.end();
    }
    if (it == state_.end()) {
      it = state_.emplace(key_, KeyState{}).first;
      it->second.key = &it->first;
    }
    KeyState& ks = it->second;
    if (cleaning_) register_cleanup(ks, now);
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
    const int64_t now = cleaning_ ? ttl_.now() : 0;
    while (!timers_.empty() && timers_.peek().time <= watermark) {
      KeyState& ks = *timers_.poll().target;
      ks.timer = kNoTimer;
      if (cleaning_ && cleanup_due(ks, now)) {
        // Flink's cleanup timer fired first: the key's state is gone, its timer finds nothing.
        erase_state(ks);
        continue;
      }
      const int64_t next = emit_and_clean_up(ks, watermark);
      if (next != kNoTimer) register_timer(ks, next);
      if (!cleaning_) continue;
      if (next != kNoTimer || !ks.versions.empty()) {
        register_cleanup(ks, now);
      } else {
        erase_state(ks);  // Flink: cleanupLastTimer and nextLeftIndex.clear(); nothing is left
      }
    }
  }

 private:
  static constexpr int64_t kNoTimer = std::numeric_limits<int64_t>::max();

  static constexpr int64_t kNoCleanup = std::numeric_limits<int64_t>::min();

  struct KeyState {
    std::map<uint64_t, Row> left;      // waiting left rows by arrival
    std::map<int64_t, Row> versions;   // the versioned side's rows by their time
    uint64_t next_left = 0;
    int64_t timer = kNoTimer;          // the key's one registered timer
    size_t timer_index = 0;            // where it is in timers_ (EventTimeTimers)
    int64_t cleanup_at = kNoCleanup;   // with a TTL: the processing time its state is dropped at
    const Key* key = nullptr;          // this state's key in state_ (node-based: it stays put)
  };

  bool cleanup_due(const KeyState& ks, int64_t now) const {
    return ks.cleanup_at != kNoCleanup && ks.cleanup_at <= now;
  }

  // Flink's registerProcessingCleanupTimer: moved only when now + min retention passes it.
  void register_cleanup(KeyState& ks, int64_t now) {
    if (ks.cleanup_at == kNoCleanup || now + ttl_.ttl_ms() > ks.cleanup_at) ks.cleanup_at = now + max_retention_;
  }

  // Drops a key's whole state (its timer, when it has one, too).
  void erase_state(KeyState& ks) {
    timers_.remove(&ks);
    const Key key = *ks.key;
    state_.erase(key);
  }

  // Once per TTL period: every key whose cleanup time has passed is dropped.
  void sweep(int64_t now) {
    for (auto it = state_.begin(); it != state_.end();) {
      if (cleanup_due(it->second, now)) {
        timers_.remove(&it->second);
        state_.erase(it++);
      } else {
        ++it;
      }
    }
  }

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

  StateTtl ttl_;
  bool cleaning_;            // Flink's stateCleaningEnabled: a TTL over 1 ms
  int64_t max_retention_;    // 1.5 x the TTL (TableConfigUtils.getMaxIdleStateRetentionTime)
  int64_t next_sweep_ = std::numeric_limits<int64_t>::min();
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

OperatorPtr make_temporal_row_time_join(const sql::PlanNode& node, StateTtl ttl) {
  return std::make_unique<TemporalRowTimeJoin>(node, std::move(ttl));
}

}  // namespace careflow::exec
