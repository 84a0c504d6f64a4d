// GroupAggFunction: per group key, accumulators and a count of rows. An accumulate message (+I,
// +U) accumulates, a retract message (-U, -D) retracts. The first row of a key emits +I; a change
// emits -U of the previous result and +U of the new one; no change emits nothing; the last row
// retracted emits -D of the previous result. A retraction for an unknown key is ignored.
//
// With 'table.exec.state.ttl' (state_ttl.h) a key whose state was last written longer ago than the
// TTL is a new key: its next row emits +I from fresh accumulators (the old result is not
// retracted) and a retraction for it is ignored, as in Flink; and, as Flink's GroupAggFunction
// does when state retention is on, an update that leaves the result unchanged still emits -U/+U
// so that downstream operators' state is refreshed too.
#include <limits>

#include "exec/operators/distinct_values.h"
#include "exec/operators/operators.h"
#include "exec/operators/state_ttl.h"
#include "exec/state.h"

namespace careflow::exec {

namespace {

// DISTINCT: the inner accumulator sees a value only when it first appears and when it last leaves.
class DistinctAccumulator : public sql::Accumulator {
 public:
  DistinctAccumulator(std::unique_ptr<sql::Accumulator> inner, size_t arity) : inner_(std::move(inner)), arity_(arity) {}
  void accumulate(const Value* args) override {
    Key k(args, args + arity_);
    if (key_has_null(k)) return;  // DISTINCT aggregates ignore NULL arguments
    if (++counts_[k] == 1) inner_->accumulate(args);
  }
  void retract(const Value* args) override {
    Key k(args, args + arity_);
    auto it = counts_.find(k);
    if (it == counts_.end()) return;
    if (--it->second == 0) {
      counts_.erase(it);
      inner_->retract(args);
    }
  }
  Value result() const override { return inner_->result(); }
  // The inner accumulator's state, then each distinct argument list with its count.
  Value save() const override {
    std::vector<Value> out{inner_->save()};
    out.reserve(1 + counts_.size() * 2);
    for (const auto& [k, n] : counts_) {
      out.push_back(Value::list(k));
      out.push_back(Value::integer(n));
    }
    return Value::list(std::move(out));
  }
  void load(const Value& state) override {
    const std::vector<Value>& s = state.as_list();
    inner_->load(s.at(0));
    for (size_t i = 1; i + 1 < s.size(); i += 2) counts_[s[i].as_list()] = s[i + 1].as_int();
  }
  // Values the other side saw and this one did not reach the inner accumulator once.
  void merge(const sql::Accumulator& other) override {
    const auto& o = static_cast<const DistinctAccumulator&>(other);
    for (const auto& [k, n] : o.counts_) {
      auto [it, inserted] = counts_.try_emplace(k, 0);
      it->second += n;
      if (inserted) inner_->accumulate(k.data());
    }
  }

 private:
  std::unique_ptr<sql::Accumulator> inner_;
  size_t arity_;
  KeyedState<int64_t> counts_;
};

class GroupAggregate : public Operator {
 public:
  GroupAggregate(std::vector<int> keys, std::vector<sql::AggCall> aggs, StateTtl ttl)
      : keys_(std::move(keys)),
        aggs_(std::move(aggs)),
        distinct_plan_(aggs_),
        results_(aggs_.size()),
        ttl_(std::move(ttl)) {}

  // Checkpoints: one entry per group key (space 0), incrementally.
  bool checkpointable() const override { return true; }
  void track_changes() override { state_.track_changes(); }
  void snapshot(StateWriter& out) override {
    write_keyed(out, 0, state_, [&](ByteWriter& w, const Group& g) {
      w.svarint(g.count);
      w.values(g.last);
      w.varint(g.accumulators.size());
      for (size_t i = 0; i < g.accumulators.size(); ++i) {
        const sql::Accumulator& a = *g.accumulators[i];
        w.value(distinct_plan_.is_distinct(i) ? g.distinct.save(distinct_plan_, i, a) : a.save());
      }
      w.svarint(g.written_ms);
    });
  }
  void restore(const StateRecord& record) override {
    restore_keyed(record, state_, [&](ByteReader& in) {
      Group g = new_group();
      g.count = in.svarint();
      g.last = in.values();
      if (in.count() != g.accumulators.size()) throw StateFormatError("a group with another number of aggregates");
      for (size_t i = 0; i < g.accumulators.size(); ++i) {
        if (distinct_plan_.is_distinct(i)) g.distinct.load(distinct_plan_, i, *g.accumulators[i], in.value());
        else g.accumulators[i]->load(in.value());
      }
      // Checkpoints written before state TTL have no write time: the restore counts as one.
      g.written_ms = in.done() ? ttl_.now() : in.svarint();
      return g;
    });
  }

  void process(int, Row& row) override {
    const int64_t now = ttl_.now();
    ttl_.sweep(state_, now, next_sweep_ms_, written_of);
    fill_key(key_, row.fields, keys_);
    auto it = ttl_.live(state_, state_.find(key_), now, written_of);
    const bool accumulate = is_accumulate(row.kind);
    bool first = false;
    if (it == state_.end()) {
      if (!accumulate) return;
      first = true;
      it = state_.emplace(key_, new_group()).first;
    }
    Group& g = it->second;
    state_.touch(key_, g.stamp);
    g.written_ms = now;
    for (size_t i = 0; i < aggs_.size(); ++i) {
      if (distinct_plan_.is_distinct(i) || !call_selects(aggs_[i], row.fields)) continue;
      const Value* args = call_arguments(aggs_[i], row.fields, args_);
      if (accumulate) g.accumulators[i]->accumulate(args);
      else g.accumulators[i]->retract(args);
    }
    if (!distinct_plan_.empty()) g.distinct.process(distinct_plan_, aggs_, row.fields, accumulate, g.accumulators, distinct_key_);
    g.count += accumulate ? 1 : -1;
    if (g.count <= 0) {
      if (!first) emit(RowKind::kDelete, output_row(it->first, std::move(g.last)));
      state_.erase(it);
      return;
    }
    // The previous result is the one last emitted, kept with the group; the new one is computed
    // into a reused buffer, so an unchanged result costs no allocation.
    for (size_t i = 0; i < aggs_.size(); ++i) results_[i] = g.accumulators[i]->result();
    if (first) {
      emit(RowKind::kInsert, output_row(it->first, results_));
      g.last = results_;
      return;
    }
    if (!ttl_.enabled() && results_ == g.last) return;
    // The old result leaves with the -U row; the new one is copied into the +U row and kept.
    emit(RowKind::kUpdateBefore, output_row(it->first, std::move(g.last)));
    emit(RowKind::kUpdateAfter, output_row(it->first, results_));
    g.last.swap(results_);
  }

 private:
  struct Group {
    explicit Group(const DistinctPlan& plan) : distinct(plan) {}
    std::vector<std::unique_ptr<sql::Accumulator>> accumulators;
    DistinctValues distinct;  // the values DISTINCT calls count (their accumulators see each once)
    int64_t count = 0;
    std::vector<Value> last;  // the aggregate results last emitted (without the key)
    int64_t written_ms = 0;   // processing time of the last write (state TTL)
    ChangeStamp stamp;        // incremental checkpoints: recorded as changed in this interval
  };
  static int64_t written_of(const Group& g) { return g.written_ms; }

  Group new_group() const {
    Group g(distinct_plan_);
    g.accumulators.reserve(aggs_.size());
    // DISTINCT calls get their aggregate's own accumulator: the group's DistinctValues feeds it.
    for (const sql::AggCall& a : aggs_) g.accumulators.push_back(a.distinct ? a.binding.create() : make_accumulator(a));
    return g;
  }


  // The output row: the group key, then the aggregate results (copied, or moved from an rvalue).
  template <typename Results>
  static std::vector<Value> output_row(const Key& key, Results&& results) {
    std::vector<Value> out;
    out.reserve(key.size() + results.size());
    for (const Value& v : key) out.push_back(v);
    for (auto& v : results) {
      if constexpr (std::is_rvalue_reference_v<Results&&>) out.push_back(std::move(v));
      else out.push_back(v);
    }
    return out;
  }

  std::vector<int> keys_;
  std::vector<sql::AggCall> aggs_;
  DistinctPlan distinct_plan_;
  KeyedState<Group> state_;
  Key key_;                     // the key of the row being processed, reused
  Key distinct_key_;            // a DISTINCT call's argument values, reused
  std::vector<Value> args_;     // reused for calls with several arguments
  std::vector<Value> results_;  // the new aggregate results, reused
  StateTtl ttl_;
  int64_t next_sweep_ms_ = std::numeric_limits<int64_t>::min();
};

}  // namespace

std::unique_ptr<sql::Accumulator> make_accumulator(const sql::AggCall& call) {
  std::unique_ptr<sql::Accumulator> acc = call.binding.create();
  if (call.distinct) acc = std::make_unique<DistinctAccumulator>(std::move(acc), call.args.size());
  return acc;
}

std::unique_ptr<sql::Accumulator> make_append_only_accumulator(const sql::AggCall& call) {
  if (!call.distinct && call.binding.create_append_only) return call.binding.create_append_only();
  return make_accumulator(call);
}

OperatorPtr make_group_aggregate(std::vector<int> keys, std::vector<sql::AggCall> aggs, StateTtl ttl) {
  return std::make_unique<GroupAggregate>(std::move(keys), std::move(aggs), std::move(ttl));
}

}  // namespace careflow::exec
