// OverAggregate ordered by event time, as flink-table-runtime's operators/over functions run it:
//
// - RANGE / ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW (AbstractRowTimeUnboundedPrecedingOver):
//   a row at or behind the watermark is late and dropped; the others wait in the key's buffer and
//   the key asks for one timer at the next watermark. When it fires, every buffered row at or
//   behind the watermark is processed in time order into the key's running accumulators: ROWS
//   emits each row with the value after it, RANGE accumulates all rows of one timestamp first and
//   emits each with that value.
// - ROWS BETWEEN n PRECEDING AND CURRENT ROW (RowTimeRowsBoundedPrecedingFunction) and RANGE
//   BETWEEN interval PRECEDING AND CURRENT ROW (RowTimeRangeBoundedPrecedingFunction): a row is
//   late when its time is not after the key's last fired timer (0 before any: rows at or before
//   the epoch are dropped too, as in Flink); each timestamp gets a timer. When it fires, ROWS
//   retracts the oldest kept row once n + 1 rows are held and accumulates and emits the rows of
//   that time one by one; RANGE retracts the rows older than the interval, accumulates the rows
//   of that time and emits each with one value. RANGE also schedules Flink's event-time state
//   cleanup (timestamp + 1.5 * interval + 1), which clears the key when no newer row moved it.
//
// 'table.exec.state.ttl' (KeyedProcessFunctionWithCleanupState: min retention = the TTL, max = 1.5 x
// it, on when the TTL is over 1 ms) bounds the unbounded frames and ROWS n PRECEDING, as in Flink
// (RANGE interval PRECEDING has only its event-time cleanup there too): every row, late ones
// included, and every fired timer move the key's processing-time cleanup time to now + max when
// now + min is past it. When it passes, a key with no row waiting for a watermark (unbounded:
// none buffered; ROWS: none after the last fired timer) is dropped — accumulators, frame,
// counters — and starts afresh; one with rows waiting gets another max retention. careflow checks
// it when the key is next touched and sweeps all keys once per TTL period (no output comes of it).
//
// Timers fire in order of time, keys in the order they first appeared (Flink's timer queue does
// not promise an order among keys at one time). Output: the input row followed by the
// aggregates' values, inserts only.
#include <limits>
#include <map>
#include <set>

#include "exec/evaluator.h"
#include "exec/operators/operators.h"
#include "exec/operators/window/window_math.h"
#include "exec/state.h"

namespace careflow::exec {

namespace {

using Fields = std::vector<Value>;

constexpr int64_t kNoTtlCleanup = std::numeric_limits<int64_t>::min();

struct KeyState {
  uint64_t order = 0;                           // when the key first appeared: ties among timers
  std::map<int64_t, std::vector<Fields>> rows;  // by time: waiting rows and (bounded) the frame's rows
  std::vector<std::unique_ptr<sql::Accumulator>> accs;
  std::set<int64_t> timers;
  int64_t last_triggering = 0;  // bounded frames: the last timer fired (Flink's lastTriggeringTsState)
  int64_t frame_rows = 0;       // ROWS n PRECEDING: rows held in the frame (Flink's counterState)
  int64_t cleanup_at = -1;      // RANGE interval PRECEDING: the state-cleanup timer, -1 when none
  int64_t ttl_cleanup_at = kNoTtlCleanup;  // with a TTL: the processing time the key is dropped at
};

class RowTimeOverAggregate : public Operator {
 public:
  RowTimeOverAggregate(const sql::PlanNode& node, StateTtl ttl)
      : keys_(node.partition_keys),
        aggs_(node.aggs),
        rowtime_(node.rowtime_index),
        null_rowtime_(null_rowtime_message(node, node.rowtime_index, "OverAggregate")),
        frame_(node.over),
        ttl_(std::move(ttl)),
        cleaning_(ttl_.ttl_ms() > 1 && (frame_.unbounded || frame_.rows)),
        // ttl * 3 / 2 in Java's long arithmetic, without overflowing for a huge TTL.
        max_retention_(ttl_.ttl_ms() / 2 * 3 + ttl_.ttl_ms() % 2 * 3 / 2) {}

  // Checkpoints: each key's rows, accumulators, timers and frame counters (space 0,
  // incrementally); the arrival counter and late rows (space 1). The timer queue is rebuilt.
  bool checkpointable() const override {
    for (const sql::AggCall& c : aggs_) {
      if (!c.binding.checkpointable) return false;  // the ML functions' models (ml_functions.cc)
    }
    return true;
  }
  void track_changes() override { state_.track_changes(); }
  void snapshot(StateWriter& out) override {
    write_keyed(out, 0, state_, [](ByteWriter& w, const KeyState& ks) {
      w.varint(ks.order);
      w.varint(ks.rows.size());
      for (const auto& [ts, list] : ks.rows) {
        w.svarint(ts);
        w.varint(list.size());
        for (const Fields& f : list) w.values(f);
      }
      w.varint(ks.accs.size());
      for (const auto& a : ks.accs) w.value(a->save());
      w.varint(ks.timers.size());
      for (int64_t t : ks.timers) w.svarint(t);
      w.svarint(ks.last_triggering);
      w.svarint(ks.frame_rows);
      w.svarint(ks.cleanup_at);
      w.svarint(ks.ttl_cleanup_at);
    });
    write_counters(out, 1, next_order_, late_);
  }
  void restore(const StateRecord& record) override {
    if (record.space == 1) {
      read_counters(record, next_order_, late_);
      return;
    }
    restore_keyed(record, state_, [&](ByteReader& in) {
      KeyState ks;
      ks.order = in.varint();
      for (size_t n = in.count(); n > 0; --n) {
        const int64_t ts = in.svarint();
        std::vector<Fields>& list = ks.rows[ts];
        list.resize(in.count());
        for (Fields& f : list) f = in.values();
      }
      ks.accs = fresh();
      if (in.count() != ks.accs.size()) throw StateFormatError("a key with another number of aggregates");
      for (auto& a : ks.accs) a->load(in.value());
      for (size_t n = in.count(); n > 0; --n) ks.timers.insert(in.svarint());
      ks.last_triggering = in.svarint();
      ks.frame_rows = in.svarint();
      ks.cleanup_at = in.svarint();
      if (!in.done()) ks.ttl_cleanup_at = in.svarint();  // absent in checkpoints written before the TTL
      return ks;
    });
  }
  void restored() override {
    timers_.clear();
    for (const auto& [key, ks] : state_) {
      for (int64_t at : ks.timers) timers_.insert(Timer{at, ks.order, key});
    }
  }

  void process(int, Row& row) override {
    const Value& t = row.fields[static_cast<size_t>(rowtime_)];
    if (t.is_null()) {
      throw values::EvalError(null_rowtime_);
    }
    const int64_t ts = window::micros_to_millis(t.as_int());
    const int64_t wm = current_watermark();
    const int64_t now = cleaning_ ? ttl_.now() : 0;
    if (cleaning_ && ttl_.sweep_due(now, next_sweep_)) sweep(now);
    fill_key(key_, row.fields, keys_);
    state_.touch(key_);
    auto it = state_.find(key_);
    if (it != state_.end() && cleaning_ && !cleanup_passed(it, now)) it = state_.end();
    if (it == state_.end()) {
      KeyState fresh_state;
      fresh_state.order = next_order_++;
      fresh_state.accs = fresh();
      it = state_.emplace(key_, std::move(fresh_state)).first;
    }
    KeyState& ks = it->second;
    if (cleaning_) register_cleanup(ks, now);  // first, as Flink's processElement: late rows too
    if (frame_.unbounded) {
      if (ts <= wm) {
        ++late_;
        dropped_late(0, row, ts, wm, "the row's time is at or before the watermark");
        return;
      }
      ks.rows[ts].push_back(std::move(row.fields));
      schedule(it->first, ks, wm < 0 ? 0 : wm + 1);
      return;
    }
    if (ts <= ks.last_triggering) {
      ++late_;
      dropped_late(0, row, ts, wm, "the row's time is at or before the time its partition last fired");
      return;
    }
    std::vector<Fields>& at = ks.rows[ts];
    at.push_back(std::move(row.fields));
    if (at.size() == 1) schedule(it->first, ks, ts);
    if (!frame_.rows) {
      const int64_t earliest_cleanup = ts + frame_.preceding + 1;
      const int64_t cleanup = ts + static_cast<int64_t>(static_cast<double>(frame_.preceding) * 1.5) + 1;
      if (ks.cleanup_at < 0 || ks.cleanup_at < earliest_cleanup) {
        schedule(it->first, ks, cleanup);
        ks.cleanup_at = cleanup;
      }
    }
  }

  int64_t late_rows_dropped() const override { return late_; }

 protected:
  void on_watermark(int64_t watermark) override {
    const int64_t now = cleaning_ ? ttl_.now() : 0;
    while (!timers_.empty() && timers_.begin()->at <= watermark) {
      Timer timer = *timers_.begin();
      timers_.erase(timers_.begin());
      auto it = state_.find(timer.key);
      if (it == state_.end()) continue;
      state_.touch(timer.key);
      it->second.timers.erase(timer.at);
      // A key whose cleanup time passed before this timer: dropped when nothing waited (then no
      // timer of it is left either), else moved on.
      if (cleaning_ && !cleanup_passed(it, now)) continue;
      if (frame_.unbounded) {
        fire_unbounded(it->first, it->second, watermark);
      } else if (frame_.rows) {
        fire_rows(it->second, timer.at);
      } else {
        fire_range(it->second, timer.at);
      }
      if (cleaning_) register_cleanup(it->second, now);
    }
  }

 private:
  struct Timer {
    int64_t at;
    uint64_t order;
    Key key;
    bool operator<(const Timer& o) const { return at != o.at ? at < o.at : order < o.order; }
  };

  std::vector<std::unique_ptr<sql::Accumulator>> fresh() const {
    std::vector<std::unique_ptr<sql::Accumulator>> accs;
    accs.reserve(aggs_.size());
    for (const sql::AggCall& c : aggs_) {
      // An unbounded frame never retracts: the cheaper accumulator when there is one.
      accs.push_back(frame_.unbounded ? make_append_only_accumulator(c) : make_accumulator(c));
    }
    return accs;
  }

  void accumulate(KeyState& ks, const Fields& fields) {
    for (size_t i = 0; i < aggs_.size(); ++i) ks.accs[i]->accumulate(call_arguments(aggs_[i], fields, args_));
  }
  void retract(KeyState& ks, const Fields& fields) {
    for (size_t i = 0; i < aggs_.size(); ++i) ks.accs[i]->retract(call_arguments(aggs_[i], fields, args_));
  }

  void output(const Fields& input, const std::vector<Value>& results) {
    Fields out;
    out.reserve(input.size() + results.size());
    out.insert(out.end(), input.begin(), input.end());
    out.insert(out.end(), results.begin(), results.end());
    emit(RowKind::kInsert, std::move(out));
  }

  std::vector<Value>& results_of(const KeyState& ks) {
    results_.clear();
    for (const auto& acc : ks.accs) results_.push_back(acc->result());
    return results_;
  }

  // Flink's registerProcessingCleanupTimer: moved only when now + min retention passes it.
  void register_cleanup(KeyState& ks, int64_t now) {
    if (ks.ttl_cleanup_at == kNoTtlCleanup || now + ttl_.ttl_ms() > ks.ttl_cleanup_at) {
      ks.ttl_cleanup_at = now + max_retention_;
    }
  }

  // Whether rows wait for a watermark (Flink's check before a cleanup).
  bool rows_waiting(const KeyState& ks) const {
    if (frame_.unbounded) return !ks.rows.empty();
    return !ks.rows.empty() && ks.rows.rbegin()->first > ks.last_triggering;
  }

  // The key's processing-time cleanup timers that passed by `now`, as Flink fires them: false
  // when they dropped the key (erased from state_), true when it is still there.
  bool cleanup_passed(typename KeyedState<KeyState>::iterator it, int64_t now) {
    KeyState& ks = it->second;
    while (ks.ttl_cleanup_at != kNoTtlCleanup && ks.ttl_cleanup_at <= now) {
      if (!rows_waiting(ks)) {
        for (int64_t at : ks.timers) timers_.erase(Timer{at, ks.order, it->first});
        state_.touch(it->first);
        state_.erase(it);
        return false;
      }
      // Rows wait (the input stopped): another max retention from the timer's time.
      ks.ttl_cleanup_at += max_retention_;
    }
    return true;
  }

  // Once per TTL period: the cleanup timers of every key.
  void sweep(int64_t now) {
    for (auto it = state_.begin(); it != state_.end();) {
      auto next = std::next(it);
      cleanup_passed(it, now);
      it = next;
    }
  }

  void schedule(const Key& key, KeyState& ks, int64_t at) {
    if (ks.timers.insert(at).second) timers_.insert({at, ks.order, key});
  }

  // Every waiting row at or behind the watermark, in time order; a timer at the next watermark
  // when rows remain.
  void fire_unbounded(const Key& key, KeyState& ks, int64_t watermark) {
    auto end = ks.rows.upper_bound(watermark);
    for (auto at = ks.rows.begin(); at != end; ++at) {
      if (frame_.rows) {
        for (const Fields& row : at->second) {
          accumulate(ks, row);
          output(row, results_of(ks));
        }
        continue;
      }
      for (const Fields& row : at->second) accumulate(ks, row);
      const std::vector<Value>& results = results_of(ks);
      for (const Fields& row : at->second) output(row, results);
    }
    ks.rows.erase(ks.rows.begin(), end);
    if (!ks.rows.empty()) schedule(key, ks, watermark + 1);
  }

  // ROWS BETWEEN n PRECEDING AND CURRENT ROW at time `at`: each row of that time in arrival order,
  // retracting the oldest row held once the frame is full.
  void fire_rows(KeyState& ks, int64_t at) {
    ks.last_triggering = at;
    auto current = ks.rows.find(at);
    if (current == ks.rows.end()) return;
    const size_t count = current->second.size();
    size_t next = 0;  // where the next row of this time is in its list (the list loses retracted rows)
    for (size_t k = 0; k < count; ++k) {
      if (ks.frame_rows > frame_.preceding) {
        auto oldest = ks.rows.begin();
        retract(ks, oldest->second.front());
        oldest->second.erase(oldest->second.begin());
        if (oldest == current) --next;
        else if (oldest->second.empty()) ks.rows.erase(oldest);
      } else {
        ++ks.frame_rows;
      }
      const Fields& row = current->second[next++];
      accumulate(ks, row);
      output(row, results_of(ks));
    }
  }

  // RANGE BETWEEN interval PRECEDING AND CURRENT ROW at time `at`, or the key's state cleanup.
  void fire_range(KeyState& ks, int64_t at) {
    if (ks.cleanup_at >= 0 && ks.cleanup_at <= at) {
      ks.rows.clear();
      ks.accs = fresh();
      ks.last_triggering = 0;
      ks.cleanup_at = -1;
      return;
    }
    auto current = ks.rows.find(at);
    if (current != ks.rows.end()) {
      // Rows older than the interval leave the frame before this time's rows enter it.
      auto keep = ks.rows.lower_bound(at - frame_.preceding);
      for (auto old = ks.rows.begin(); old != keep; ++old) {
        for (const Fields& row : old->second) retract(ks, row);
      }
      for (const Fields& row : current->second) accumulate(ks, row);
      const std::vector<Value>& results = results_of(ks);
      for (const Fields& row : current->second) output(row, results);
      ks.rows.erase(ks.rows.begin(), keep);
    }
    ks.last_triggering = at;
  }

  std::vector<int> keys_;
  std::vector<sql::AggCall> aggs_;
  int rowtime_;
  std::string null_rowtime_;  // the job's failure on a NULL time
  sql::OverFrameSpec frame_;
  StateTtl ttl_;
  bool cleaning_;          // Flink's stateCleaningEnabled (a TTL over 1 ms), for the frames it applies to
  int64_t max_retention_;  // 1.5 x the TTL (TableConfigUtils.getMaxIdleStateRetentionTime)
  int64_t next_sweep_ = std::numeric_limits<int64_t>::min();
  KeyedState<KeyState> state_;
  std::set<Timer> timers_;
  uint64_t next_order_ = 0;
  int64_t late_ = 0;
  Key key_;
  std::vector<Value> args_, results_;
};

}  // namespace

OperatorPtr make_over_aggregate(const sql::PlanNode& node, StateTtl ttl) {
  return std::make_unique<RowTimeOverAggregate>(node, std::move(ttl));
}

}  // namespace careflow::exec
