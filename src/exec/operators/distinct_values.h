#pragma once
// DISTINCT calls of a group aggregation that take the same arguments share one map from argument
// values to a count per call, as Flink's DistinctInfo shares one MapView per distinct argument list
// among calls that differ only in their FILTER (Nexmark q15 counts distinct bidders four ways). A
// row is then looked up once per argument list instead of once per call, and a value is kept once.
// A call's own accumulator sees a value when that call's count of it goes 0 → 1 and back 1 → 0.
//
// Checkpoints keep the layout a lone DISTINCT call had before (its inner accumulator's state, then
// each value it counts with its count), so a checkpoint written either way restores.

#include <absl/container/flat_hash_map.h>
#include <absl/container/inlined_vector.h>

#include <memory>
#include <vector>

#include "exec/state.h"
#include "sql/plan.h"

namespace careflow::exec {

// Which DISTINCT calls share a map: worked out once per operator.
class DistinctPlan {
 public:
  struct View {
    std::vector<int> args;      // the input columns the calls count distinct values of
    std::vector<size_t> calls;  // the calls (indexes into the aggregation's calls), one count each
  };
  explicit DistinctPlan(const std::vector<sql::AggCall>& aggs);

  const std::vector<View>& views() const { return views_; }
  bool empty() const { return views_.empty(); }
  // Whether call `i` is DISTINCT (and so accumulated through its view, not row by row).
  bool is_distinct(size_t i) const { return place_[i].view >= 0; }

 private:
  friend class DistinctValues;
  struct Place {
    int view = -1;  // index into views_, -1 for a call that is not DISTINCT
    size_t slot = 0;
  };
  std::vector<View> views_;
  std::vector<Place> place_;  // per call
};

// One group's distinct values, per view.
class DistinctValues {
 public:
  explicit DistinctValues(const DistinctPlan& plan) : maps_(plan.views().size()) {}

  // Counts the row's argument values for every DISTINCT call the row reaches (its FILTER holds) and
  // accumulates a value into a call's accumulator on its first arrival, or (accumulate = false)
  // retracts it on its last departure. A NULL argument keeps the row from a view's calls, as
  // DISTINCT ignores NULLs; a retraction of a value a call has not counted is ignored.
  void process(const DistinctPlan& plan, const std::vector<sql::AggCall>& aggs, const std::vector<values::Value>& row,
               bool accumulate, std::vector<std::unique_ptr<sql::Accumulator>>& accumulators, Key& scratch);

  // Call `i`'s checkpoint value: its accumulator `inner`'s state, then each value it counts and the count.
  values::Value save(const DistinctPlan& plan, size_t i, const sql::Accumulator& inner) const;
  // The reverse, into a fresh group. Throws StateFormatError on a value of another shape.
  void load(const DistinctPlan& plan, size_t i, sql::Accumulator& inner, const values::Value& state);

 private:
  using Counts = absl::InlinedVector<int64_t, 4>;  // one per call of the view
  std::vector<absl::flat_hash_map<Key, Counts, values::KeyHash>> maps_;
};

}  // namespace careflow::exec
