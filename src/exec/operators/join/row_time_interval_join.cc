// RowTimeIntervalJoin: a join whose condition bounds each input's rowtime by the other's (a left
// row at lt joins a right row at rt when rt + left_lower <= lt <= rt + left_upper), after
// flink-table-runtime's TimeIntervalJoin / RowTimeIntervalJoin with allowedLateness 0, keyed by
// the equi keys (one key for all rows without them):
//   - an arriving row is joined with the other input's cached rows inside its window (a NULL key
//     joins nothing; the rest of the condition is checked per pair); cached rows the watermark
//     has moved past are dropped on the way, an outer side's unjoined ones emitted padded with
//     NULLs. The other input's expiration time is an operator-wide figure, as Flink's field, and
//     a row skips the cache walk when its window ends at or before it.
//   - the row is cached (with whether it joined) while the watermark has not reached the end of
//     its window; else an unjoined outer row is emitted padded at once. A late row is therefore
//     never dropped: it joins what is still cached.
//   - each cache has one cleanup timer per key, set at the first cached row's time + its side's
//     relative window size + table.exec.interval-join.min-cleanup-interval (0 by default since
//     Flink 1.18; before, half the window) + 1 ms; when it fires the cache drops (and pads) the rows at or before watermark - window size - 1 and sets the timer
//     again for the earliest row left, or is cleared. Timers are never deleted: an outdated one
//     fires and finds nothing to do, as in Flink, and equal timers of a key are one.
//   - the output watermark is held back by the larger window size (KeyedCoProcessOperatorWithWatermarkDelay).
//   - a window whose upper bound is below its lower one joins nothing: outer rows go out padded at
//     once, as Flink's FilterAll / Padding maps do.
// Caches iterate their rows' times in java.util.HashMap's order (java_long_hash_map.h) and timers
// fire in the order of Flink's timer heap (event_time_timers.h), so rows come out in Flink's order.
// A NULL time reads as 0 (the epoch), as Flink's BinaryRowData reads a NULL long.
#include <absl/container/node_hash_map.h>

#include "exec/evaluator.h"
#include "exec/operators/event_time_timers.h"
#include "exec/operators/java_long_hash_map.h"
#include "exec/operators/operators.h"
#include "exec/operators/window/window_math.h"
#include "exec/state.h"

namespace careflow::exec {

namespace {

// Java's long arithmetic (two's complement, wrapping): the bounds are the user's and may be huge.
int64_t wrap_add(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b)); }
int64_t wrap_sub(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b)); }

constexpr int64_t kNoTimer = std::numeric_limits<int64_t>::min();

struct Cached {
  Row row;
  bool joined;  // Flink's emitted flag: this row has been in at least one joined result
};

struct KeyState;

// One registered timer of a key (a heap entry of EventTimeTimers).
struct Timer {
  KeyState* key;
  int64_t time;
  size_t timer_index = 0;
};

struct KeyState {
  JavaLongHashMap<std::vector<Cached>> left, right;  // cached rows by their time
  // The cleanup timer of each cache (Flink: rightTimerState cleans the left cache, leftTimerState
  // the right one); kNoTimer when none is set.
  int64_t left_timer = kNoTimer, right_timer = kNoTimer;
  int pending_timers = 0;  // entries in the heap pointing here (outdated ones included)
  const Key* key = nullptr;  // this state's key in the operator's map
};

class RowTimeIntervalJoin : public Operator {
 public:
  explicit RowTimeIntervalJoin(const sql::PlanNode& node)
      : left_keys_(node.left_keys),
        right_keys_(node.right_keys),
        condition_(node.condition),
        left_time_(static_cast<size_t>(node.interval.left_time)),
        right_time_(static_cast<size_t>(node.interval.right_time)),
        left_width_(node.inputs[0]->schema.size()),
        right_width_(node.inputs[1]->schema.size()),
        left_outer_(node.join_type == sql::JoinType::kLeft || node.join_type == sql::JoinType::kFull),
        right_outer_(node.join_type == sql::JoinType::kRight || node.join_type == sql::JoinType::kFull),
        left_relative_(wrap_sub(0, node.interval.left_lower)),
        right_relative_(node.interval.left_upper),
        negative_window_(node.interval.left_upper < node.interval.left_lower),
        min_cleanup_(node.interval.min_cleanup),
        output_delay_(std::max(left_relative_, right_relative_)) {}

  // Checkpoints, written in full: each key's caches and cleanup timers (space 0; a cache as its
  // bucket count and its entries in iteration order, so the restored one iterates as Java's
  // HashMap would), then the operator-wide expiration times and the timer heap in its array order
  // by key (space 1), so that keys whose timers share a time fire in the same order after a
  // restore. The held-back output watermark follows from the operator's clock (kClockSpace).
  bool checkpointable() const override { return true; }
  void snapshot(StateWriter& out) override {
    ByteWriter key, value;
    out.clear(0);
    for (const auto& [k, ks] : state_) {
      key.clear();
      key.values(k);
      value.clear();
      value.svarint(ks.left_timer);
      value.svarint(ks.right_timer);
      write_cache(value, ks.left);
      write_cache(value, ks.right);
      out.put(0, key.data(), value.data());
    }
    ByteWriter rest;
    rest.svarint(left_expiration_);
    rest.svarint(right_expiration_);
    rest.varint(static_cast<uint64_t>(timers_.end() - timers_.begin()));
    for (const auto* t = timers_.begin(); t != timers_.end(); ++t) {
      rest.svarint(t->time);
      rest.values(*t->target->key->key);
    }
    out.misc(1, rest.data());
  }
  void restore(const StateRecord& record) override {
    if (record.space == 1 && record.kind == StateRecordKind::kMisc) {
      timers_state_.assign(record.value.begin(), record.value.end());
      return;
    }
    if (record.space != 0) throw StateFormatError("an interval join record of an unknown space");
    if (record.kind == StateRecordKind::kClear) {
      timers_.clear();
      timer_entries_.clear();
      state_.clear();
      return;
    }
    if (record.kind != StateRecordKind::kPut) throw StateFormatError("an interval join record that is no entry");
    ByteReader k(record.key), in(record.value);
    KeyState ks;
    ks.left_timer = in.svarint();
    ks.right_timer = in.svarint();
    read_cache(in, ks.left);
    read_cache(in, ks.right);
    auto [it, inserted] = state_.insert_or_assign(k.values(), std::move(ks));
    (void)inserted;
    it->second.key = &it->first;
  }
  void restored() override {
    timers_.clear();
    timer_entries_.clear();
    for (auto& [k, ks] : state_) ks.pending_timers = 0;
    if (timers_state_.empty()) return;
    ByteReader in(timers_state_);
    left_expiration_ = in.svarint();
    right_expiration_ = in.svarint();
    for (size_t n = in.count(); n > 0; --n) {
      const int64_t time = in.svarint();
      auto it = state_.find(in.values());
      if (it == state_.end()) throw StateFormatError("an interval join timer of a key without state");
      KeyState& ks = it->second;
      auto [entry, inserted] = timer_entries_.try_emplace({&ks, time}, Timer{&ks, time});
      if (!inserted) throw StateFormatError("an interval join timer written twice");
      ++ks.pending_timers;
      timers_.restore_next(time, &entry->second);
    }
    timers_state_.clear();
  }

  void process(int input, Row& row) override {
    const bool is_left = input == 0;
    if (negative_window_) {
      if (is_left && left_outer_) emit_padded_left(std::move(row.fields));
      if (!is_left && right_outer_) emit_padded_right(std::move(row.fields));
      return;
    }
    fill_key(key_, row.fields, is_left ? left_keys_ : right_keys_);
    auto it = state_.find(key_);
    if (it == state_.end()) {
      it = state_.emplace(key_, KeyState{}).first;
      it->second.key = &it->first;
    }
    KeyState& ks = it->second;
    key_joins_ = !key_has_null(key_);
    const int64_t now = operator_time();
    if (is_left) {
      process_left(ks, row, now);
    } else {
      process_right(ks, row, now);
    }
    if (ks.left.empty() && ks.right.empty() && ks.pending_timers == 0) state_.erase(it);
  }

 protected:
  void on_watermark(int64_t watermark) override {
    while (!timers_.empty() && timers_.peek().time <= watermark) {
      Timer* t = timers_.poll().target;
      KeyState& ks = *t->key;
      const int64_t time = t->time;
      timer_entries_.erase({t->key, time});
      --ks.pending_timers;
      on_timer(ks, time);
      if (ks.left.empty() && ks.right.empty() && ks.pending_timers == 0) {
        const Key key = *ks.key;
        state_.erase(key);
      }
    }
  }

  int64_t output_watermark(int64_t watermark) const override {
    if (negative_window_ || output_delay_ == 0) return watermark;
    return watermark < kNoWatermark + output_delay_ ? kNoWatermark + 1 : watermark - output_delay_;
  }

 private:
  // The operator's time for both inputs: its watermark, 0 before the first (Flink's
  // updateOperatorTime).
  int64_t operator_time() const { return std::max<int64_t>(current_watermark(), 0); }

  int64_t expiration_time(int64_t now, int64_t relative) const {
    return now == kMaxWatermark ? kMaxWatermark : wrap_sub(wrap_sub(now, relative), 1);
  }

  int64_t time_of(const Row& row, size_t column) const {
    const Value& v = row.fields[column];
    return v.is_null() ? 0 : window::micros_to_millis(v.as_int());
  }

  void process_left(KeyState& ks, Row& row, int64_t now) {
    const int64_t t = time_of(row, left_time_);
    const int64_t lower = wrap_sub(t, right_relative_), upper = wrap_add(t, left_relative_);
    bool joined = false;
    if (right_expiration_ < upper) {
      right_expiration_ = expiration_time(now, right_relative_);
      ks.right.visit_removing([&](auto& entry) {
        if (entry.key >= lower && entry.key <= upper) {
          for (Cached& c : entry.value) {
            if (!join(row.fields, c.row.fields)) continue;
            joined = true;
            c.joined = true;
          }
        }
        if (entry.key > right_expiration_) return false;
        if (right_outer_) {
          for (Cached& c : entry.value) {
            if (!c.joined) emit_padded_right(std::move(c.row.fields));
          }
        }
        return true;
      });
    }
    if (now < upper) {
      ks.left[t].push_back({std::move(row), joined});
      if (ks.left_timer == kNoTimer) set_cleanup_timer(ks, t, /*left=*/true);
    } else if (!joined && left_outer_) {
      emit_padded_left(std::move(row.fields));
    }
  }

  void process_right(KeyState& ks, Row& row, int64_t now) {
    const int64_t t = time_of(row, right_time_);
    const int64_t lower = wrap_sub(t, left_relative_), upper = wrap_add(t, right_relative_);
    bool joined = false;
    if (left_expiration_ < upper) {
      left_expiration_ = expiration_time(now, left_relative_);
      ks.left.visit_removing([&](auto& entry) {
        if (entry.key >= lower && entry.key <= upper) {
          for (Cached& c : entry.value) {
            if (!join(c.row.fields, row.fields)) continue;
            joined = true;
            c.joined = true;
          }
        }
        if (entry.key > left_expiration_) return false;
        if (left_outer_) {
          for (Cached& c : entry.value) {
            if (!c.joined) emit_padded_left(std::move(c.row.fields));
          }
        }
        return true;
      });
    }
    if (now < upper) {
      ks.right[t].push_back({std::move(row), joined});
      if (ks.right_timer == kNoTimer) set_cleanup_timer(ks, t, /*left=*/false);
    } else if (!joined && right_outer_) {
      emit_padded_right(std::move(row.fields));
    }
  }

  // Flink's onTimer: the right cache's timer first, then the left's.
  void on_timer(KeyState& ks, int64_t time) {
    const int64_t now = operator_time();
    if (ks.right_timer == time) {
      right_expiration_ = expiration_time(now, right_relative_);
      remove_expired(ks, right_expiration_, /*left=*/false);
    }
    if (ks.left_timer == time) {
      left_expiration_ = expiration_time(now, left_relative_);
      remove_expired(ks, left_expiration_, /*left=*/true);
    }
  }

  void remove_expired(KeyState& ks, int64_t expiration, bool left) {
    JavaLongHashMap<std::vector<Cached>>& cache = left ? ks.left : ks.right;
    const bool outer = left ? left_outer_ : right_outer_;
    int64_t earliest = -1;
    cache.visit_removing([&](auto& entry) {
      if (entry.key <= expiration) {
        if (outer) {
          for (Cached& c : entry.value) {
            if (c.joined) continue;
            if (left) emit_padded_left(std::move(c.row.fields));
            else emit_padded_right(std::move(c.row.fields));
          }
        }
        return true;
      }
      if (entry.key < earliest || earliest < 0) earliest = entry.key;
      return false;
    });
    // As Flink: only a positive earliest time keeps the cache (rows at or before the epoch that
    // have not expired are let go with it).
    if (earliest > 0) {
      set_cleanup_timer(ks, earliest, left);
    } else {
      (left ? ks.left_timer : ks.right_timer) = kNoTimer;
      cache.clear();
    }
  }

  // Flink's registerCleanUpTimer: the cache of `left` rows is cleaned when no row of the other
  // input can join a row at `time` any more.
  void set_cleanup_timer(KeyState& ks, int64_t time, bool left) {
    const int64_t at = wrap_add(wrap_add(wrap_add(time, left ? left_relative_ : right_relative_), min_cleanup_), 1);
    (left ? ks.left_timer : ks.right_timer) = at;
    auto [entry, inserted] = timer_entries_.try_emplace({&ks, at}, Timer{&ks, at});
    if (!inserted) return;  // the key has a timer at that time already
    ++ks.pending_timers;
    timers_.add(at, &entry->second);
  }

  bool join(const std::vector<Value>& left, const std::vector<Value>& right) {
    if (!key_joins_) return false;
    if (condition_) {
      joined_.clear();
      joined_.insert(joined_.end(), left.begin(), left.end());
      joined_.insert(joined_.end(), right.begin(), right.end());
      if (!passes(condition_.get(), joined_, ctx())) return false;
    }
    std::vector<Value> out;
    out.reserve(left_width_ + right_width_);
    out.insert(out.end(), left.begin(), left.end());
    out.insert(out.end(), right.begin(), right.end());
    emit(RowKind::kInsert, std::move(out));
    return true;
  }

  void emit_padded_left(std::vector<Value> left) {
    left.resize(left_width_ + right_width_);
    emit(RowKind::kInsert, std::move(left));
  }

  void emit_padded_right(std::vector<Value> right) {
    std::vector<Value> out(left_width_);
    out.insert(out.end(), std::make_move_iterator(right.begin()), std::make_move_iterator(right.end()));
    emit(RowKind::kInsert, std::move(out));
  }

  static void write_cache(ByteWriter& w, const JavaLongHashMap<std::vector<Cached>>& cache) {
    w.varint(cache.capacity());
    w.varint(cache.size());
    cache.visit([&](const auto& entry) {
      w.svarint(entry.key);
      w.varint(entry.value.size());
      for (const Cached& c : entry.value) {
        w.u8(c.joined ? 1 : 0);
        w.values(c.row.fields);
      }
    });
  }
  static void read_cache(ByteReader& in, JavaLongHashMap<std::vector<Cached>>& cache) {
    const uint64_t capacity = in.varint();
    if (capacity != 0 && (capacity < 16 || (capacity & (capacity - 1)) != 0 || capacity > (uint64_t{1} << 30))) {
      throw StateFormatError("an interval join cache of " + std::to_string(capacity) + " buckets");
    }
    const size_t entries = in.count();
    if (entries > 0 && capacity == 0) throw StateFormatError("an interval join cache with entries and no buckets");
    cache.restore_capacity(static_cast<size_t>(capacity));
    for (size_t n = entries; n > 0; --n) {
      const int64_t time = in.svarint();
      std::vector<Cached> rows(in.count());
      for (Cached& c : rows) {
        c.joined = in.u8() != 0;
        c.row.fields = in.values();
      }
      if (cache.find(time)) throw StateFormatError("an interval join cache time written twice");
      cache.restore_append(time, std::move(rows));
    }
  }

  struct TimerKeyHash {
    size_t operator()(const std::pair<KeyState*, int64_t>& k) const {
      return std::hash<const void*>()(k.first) * 31 + std::hash<int64_t>()(k.second);
    }
  };

  std::vector<int> left_keys_, right_keys_;
  sql::BoundExprPtr condition_;
  size_t left_time_, right_time_, left_width_, right_width_;
  bool left_outer_, right_outer_;
  int64_t left_relative_, right_relative_;  // Flink's leftRelativeSize (-left_lower), rightRelativeSize (left_upper)
  bool negative_window_;
  int64_t min_cleanup_, output_delay_;
  // Operator-wide, as Flink's fields: the times up to which each cache has been cleaned.
  int64_t left_expiration_ = 0, right_expiration_ = 0;
  // Node-based: a key's state stays where it is while timers point at it.
  absl::node_hash_map<Key, KeyState, values::KeyHash> state_;
  absl::node_hash_map<std::pair<KeyState*, int64_t>, Timer, TimerKeyHash> timer_entries_;
  EventTimeTimers<Timer> timers_;
  Key key_;                   // the input row's key, reused
  bool key_joins_ = true;     // the current key has no NULL (Flink's filterNulls)
  std::vector<Value> joined_;  // left then right row for the condition, reused
  std::string timers_state_;   // a restore's expirations and timer heap, until every key is back
};

}  // namespace

OperatorPtr make_row_time_interval_join(const sql::PlanNode& node) {
  return std::make_unique<RowTimeIntervalJoin>(node);
}

}  // namespace careflow::exec
