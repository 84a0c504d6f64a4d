// Expand (flink-table-runtime's StreamExecExpand, as the planner uses it for GROUPING SETS, ROLLUP
// and CUBE in a GROUP BY): each row once per grouping set, in set order, keeping its kind, with the
// keys the set leaves out NULL, then the set's number ($e) and the value of each GROUPING() /
// GROUPING_ID() call in that set. The GroupAggregate after it groups by the keys and $e.
#include "exec/operators/operators.h"

namespace careflow::exec {

namespace {

class Expand : public Operator {
 public:
  explicit Expand(const sql::PlanNode& node) : sets_(node.grouping_sets), functions_(node.grouping_functions) {}

  bool checkpointable() const override { return true; }  // no state
  void process(int, Row& row) override {
    for (size_t set = 0; set < sets_.size(); ++set) {
      Row copy{row.kind, row.fields};
      for (size_t k = 0; k < sets_[set].size(); ++k) {
        if (!sets_[set][k]) copy.fields[k] = Value();
      }
      copy.fields.push_back(Value::integer(static_cast<int64_t>(set)));
      for (const sql::PlanNode::GroupingFunction& g : functions_) copy.fields.push_back(Value::integer(g.values[set]));
      emit(std::move(copy));
    }
  }

 private:
  std::vector<std::vector<bool>> sets_;  // per set: whether each leading key column is kept
  std::vector<sql::PlanNode::GroupingFunction> functions_;
};

}  // namespace

OperatorPtr make_expand(const sql::PlanNode& node) { return std::make_unique<Expand>(node); }

}  // namespace careflow::exec
