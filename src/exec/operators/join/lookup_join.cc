// LookupJoin (flink-table-runtime LookupJoinRunner / LookupJoinWithCalcRunner, synchronous): each
// left row, as it arrives, looks its key up in the table (through the connector's lookup source
// and its cache) and is joined with every row found that satisfies the rest of the condition; a
// LEFT join pads a row that found none with NULLs. A key with a NULL finds nothing (the JDBC
// lookup's `col = NULL` matches no row). Rows keep the left row's kind; nothing is kept of the
// table, so later changes there leave earlier results alone. A failed lookup fails the job.
#include "exec/connectors/connector.h"
#include "exec/evaluator.h"
#include "exec/operators/operators.h"
#include "exec/state.h"

namespace careflow::exec {

namespace {

class LookupJoin : public Operator {
 public:
  LookupJoin(const sql::PlanNode& node, std::unique_ptr<LookupSource> source)
      : source_(std::move(source)),
        left_keys_(node.left_keys),
        condition_(node.condition),
        right_width_(node.table->columns.size()),
        left_outer_(node.join_type == sql::JoinType::kLeft) {}

  // The lookup cache is no state: after a restore, keys are looked up again.
  bool checkpointable() const override { return true; }
  void process(int, Row& row) override {
    fill_key(key_, row.fields, left_keys_);
    bool matched = false;
    if (!key_has_null(key_)) {
      Result<std::vector<std::vector<Value>>> found = source_->lookup(key_);
      if (!found) throw values::EvalError(found.status().message());
      for (const std::vector<Value>& right : *found) {
        joined_.clear();
        joined_.reserve(row.fields.size() + right_width_);
        joined_.insert(joined_.end(), row.fields.begin(), row.fields.end());
        joined_.insert(joined_.end(), right.begin(), right.end());
        if (condition_ && !passes(condition_.get(), joined_, ctx())) continue;
        matched = true;
        emit(row.kind, joined_);
      }
    }
    if (!matched && left_outer_) {
      row.fields.resize(row.fields.size() + right_width_);
      emit(row.kind, std::move(row.fields));
    }
  }

 private:
  std::unique_ptr<LookupSource> source_;
  std::vector<int> left_keys_;
  sql::BoundExprPtr condition_;
  size_t right_width_;
  bool left_outer_;
  Key key_;
  std::vector<Value> joined_;
};

}  // namespace

OperatorPtr make_lookup_join(const sql::PlanNode& node, std::unique_ptr<LookupSource> source) {
  return std::make_unique<LookupJoin>(node, std::move(source));
}

}  // namespace careflow::exec
