// GroupAggFunction: per group key, accumulators and a count of rows. An accumulate message (+I,
// +U) accumulates, a retract message (-U, -D) retracts. The first row of a key emits +I; a change
// emits -U of the previous result and +U of the new one; no change emits nothing; the last row
// retracted emits -D of the previous result. A retraction for an unknown key is ignored.
#include "exec/operators/operators.h"
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

 private:
  std::unique_ptr<sql::Accumulator> inner_;
  size_t arity_;
  KeyedState<int64_t> counts_;
};

class GroupAggregate : public Operator {
 public:
  GroupAggregate(std::vector<int> keys, std::vector<sql::AggCall> aggs) : keys_(std::move(keys)), aggs_(std::move(aggs)) {}

  void process(int, Row& row) override {
    Key k = key_of(row.fields, keys_);
    auto it = state_.find(k);
    const bool accumulate = is_accumulate(row.kind);
    bool first = false;
    if (it == state_.end()) {
      if (!accumulate) return;
      first = true;
      Group g;
      for (const sql::AggCall& a : aggs_) {
        std::unique_ptr<sql::Accumulator> acc = a.binding.create();
        if (a.distinct) acc = std::make_unique<DistinctAccumulator>(std::move(acc), a.args.size());
        g.accumulators.push_back(std::move(acc));
      }
      it = state_.emplace(k, std::move(g)).first;
    }
    Group& g = it->second;
    std::vector<Value>& args = args_;
    for (size_t i = 0; i < aggs_.size(); ++i) {
      args.clear();
      for (int a : aggs_[i].args) args.push_back(row.fields[static_cast<size_t>(a)]);
      if (accumulate) g.accumulators[i]->accumulate(args.data());
      else g.accumulators[i]->retract(args.data());
    }
    g.count += accumulate ? 1 : -1;
    // The previous result is the one last emitted, kept with the group.
    if (g.count > 0) {
      std::vector<Value> after = result(it->first, g);
      if (first) {
        emit(RowKind::kInsert, after);
      } else if (after != g.last) {
        emit(RowKind::kUpdateBefore, std::move(g.last));
        emit(RowKind::kUpdateAfter, after);
      } else {
        return;
      }
      g.last = std::move(after);
      return;
    }
    if (!first) emit(RowKind::kDelete, std::move(g.last));
    state_.erase(it);
  }

 private:
  struct Group {
    std::vector<std::unique_ptr<sql::Accumulator>> accumulators;
    int64_t count = 0;
    std::vector<Value> last;  // the result last emitted
  };

  std::vector<Value> result(const Key& k, const Group& g) const {
    std::vector<Value> out = k;
    for (const auto& acc : g.accumulators) out.push_back(acc->result());
    return out;
  }

  std::vector<int> keys_;
  std::vector<sql::AggCall> aggs_;
  KeyedState<Group> state_;
  std::vector<Value> args_;  // reused for every row
};

}  // namespace

OperatorPtr make_group_aggregate(std::vector<int> keys, std::vector<sql::AggCall> aggs) {
  return std::make_unique<GroupAggregate>(std::move(keys), std::move(aggs));
}

}  // namespace careflow::exec
