// WindowAggregate over SESSION windows, after Flink 1.20's UnsliceWindowAggProcessor: sessions per
// PARTITION BY key, merged as merging_sessions.h describes, each holding the accumulators of its
// group keys (the partition keys and any further GROUP BY keys). When a session fires it emits
// one +I per group, in order of the group's first row (as Flink's session function feeding a
// window aggregate gives them), with the group keys, window_start, window_end, window_time
// (end - 1 ms) and the aggregates. A row whose own
// window is behind the watermark and merges with no open session is dropped and counted
// (late_rows_dropped); a NULL time fails the job, as in Flink. Accumulators of merged sessions
// are merged in order of their start (Flink picks the target by HashSet order: it can show only
// for an order-sensitive aggregate such as LISTAGG over three or more merged sessions).
// On a processing-time attribute (Flink's SessionUnsliceAssigner with processing time): a row's
// window starts at the processing time it arrives at and sessions fire on the job's processing-time
// clock (window_clock.h).
#include <absl/container/flat_hash_map.h>

#include <algorithm>

#include "exec/evaluator.h"
#include "exec/operators/operators.h"
#include "exec/operators/window/merging_sessions.h"
#include "exec/operators/window/window_clock.h"
#include "values/types.h"

namespace careflow::exec {

namespace {

using Accumulators = std::vector<std::unique_ptr<sql::Accumulator>>;

struct Group {
  uint64_t first;  // the arrival number of the group's first row
  Accumulators accs;
};
using Groups = absl::flat_hash_map<Key, Group, values::KeyHash>;

void merge_groups(Groups& into, Groups& from) {
  for (auto& [key, group] : from) {
    auto [it, inserted] = into.try_emplace(key);
    if (inserted) {
      it->second = std::move(group);
      continue;
    }
    it->second.first = std::min(it->second.first, group.first);
    for (size_t i = 0; i < it->second.accs.size(); ++i) it->second.accs[i]->merge(*group.accs[i]);
  }
}

class SessionWindowAggregate : public Operator {
 public:
  explicit SessionWindowAggregate(const sql::PlanNode& node)
      : window_(node.window), keys_(node.group_keys), aggs_(node.aggs), rowtime_(node.rowtime_index),
        null_rowtime_(null_rowtime_message(node, node.rowtime_index, "WindowAggregate")),
        partition_keys_(node.window.partition_keys), sessions_(window_, &merge_groups),
        window_clock_(node.window.proctime, node.rowtime_index) {
    for (int k : keys_) {
      if (k >= 0) plain_keys_.push_back(k);
    }
  }

  // Checkpoints, written whole (space 0): the arrival counter, late rows and the open sessions
  // with each group's accumulators (merging_sessions.h); they live only until their end passes.
  bool checkpointable() const override { return true; }
  void snapshot(StateWriter& out) override {
    sessions_.snapshot(out, 0, next_, late_, [](ByteWriter& b, const Groups& groups) {
      b.varint(groups.size());
      for (const auto& [key, group] : groups) {
        b.values(key);
        b.varint(group.first);
        b.varint(group.accs.size());
        for (const auto& acc : group.accs) b.value(acc->save());
      }
    });
  }
  void restore(const StateRecord& record) override {
    sessions_.restore(record, next_, late_, [&](ByteReader& b) {
      Groups groups;
      for (size_t n = b.count(); n > 0; --n) {
        Key key = b.values();
        Group g{b.varint(), fresh()};
        if (b.count() != g.accs.size()) throw StateFormatError("a session group with another number of aggregates");
        for (auto& acc : g.accs) acc->load(b.value());
        groups.insert_or_assign(std::move(key), std::move(g));
      }
      return groups;
    });
  }

  void process(int, Row& row) override {
    const std::optional<int64_t> time = window_clock_.row_time(row, *this);
    if (!time) throw values::EvalError(null_rowtime_);
    const int64_t ts = window::to_window_time(window_, *time, ctx());
    const int64_t wm = window_clock_.late_bound(*this);
    fill_key(key_, row.fields, partition_keys_);
    auto* session = sessions_.assign(key_, ts, wm, ctx(), [] { return Groups{}; });
    if (!session) {
      ++late_;
      dropped_late(0, row, ts, wm,
                   "the session the row would open has fired (its time + gap - 1 ms is at or before the watermark)");
      return;
    }
    fill_key(group_key_, row.fields, plain_keys_);
    auto [group, inserted] = session->content.try_emplace(group_key_);
    if (inserted) group->second = Group{next_++, fresh()};
    accumulate(group->second.accs, row);
  }

  int64_t late_rows_dropped() const override { return late_; }

 protected:
  void on_watermark(int64_t watermark) override {
    if (window_clock_.fires_on(true)) fire_until(watermark);
  }
  void on_processing_time(int64_t now) override {
    if (window_clock_.fires_on(false)) fire_until(now);
  }

 private:
  // Fires the sessions whose last millisecond is at or before `time` (watermark or processing time).
  void fire_until(int64_t time) {
    sessions_.fire(time, [&](const Key&, const auto& s) {
      std::vector<const std::pair<const Key, Group>*> groups;
      for (const auto& g : s.content) groups.push_back(&g);
      std::sort(groups.begin(), groups.end(), [](const auto* a, const auto* b) { return a->second.first < b->second.first; });
      for (const auto* g : groups) output(g->first, s.start, s.end, g->second.accs);
    });
  }

  Accumulators fresh() const {
    Accumulators a;
    for (const sql::AggCall& c : aggs_) a.push_back(make_append_only_accumulator(c));  // never retracted
    return a;
  }

  void accumulate(Accumulators& accs, const Row& row) {
    for (size_t i = 0; i < aggs_.size(); ++i) {
      if (call_selects(aggs_[i], row.fields)) accs[i]->accumulate(call_arguments(aggs_[i], row.fields, args_));
    }
  }

  void output(const Key& key, int64_t start, int64_t end, const Accumulators& accs) {
    std::vector<Value> out;
    out.reserve(keys_.size() + aggs_.size());
    size_t plain = 0;
    for (int k : keys_) {
      switch (k) {
        case sql::kWindowStartKey: out.push_back(Value::integer(start * 1000)); break;
        case sql::kWindowEndKey: out.push_back(Value::integer(end * 1000)); break;
        case sql::kWindowTimeKey:
          out.push_back(Value::integer(window_clock_.window_time_micros(sessions_.last_instant(end, ctx()), *this)));
          break;
        default: out.push_back(key[plain++]); break;
      }
    }
    for (const auto& acc : accs) out.push_back(acc->result());
    emit(RowKind::kInsert, std::move(out));
  }

  sql::WindowSpec window_;
  std::vector<int> keys_;        // the output's key columns: input columns or window properties
  std::vector<int> plain_keys_;  // the input columns among them
  std::vector<sql::AggCall> aggs_;
  int rowtime_;
  std::string null_rowtime_;  // the job's failure on a NULL time
  std::vector<int> partition_keys_;  // input columns: sessions are per these
  window::MergingSessions<Groups> sessions_;
  window::WindowClock window_clock_;  // event time, or processing time
  uint64_t next_ = 0;
  int64_t late_ = 0;
  Key key_, group_key_;
  std::vector<Value> args_;
};

}  // namespace

OperatorPtr make_session_window_aggregate(const sql::PlanNode& node) {
  return std::make_unique<SessionWindowAggregate>(node);
}

}  // namespace careflow::exec
