// StreamExecCalc: filter, then project; the row keeps its kind.
#include <algorithm>

#include "exec/evaluator.h"
#include "exec/operators/operators.h"

namespace careflow::exec {

namespace {

class Calc : public Operator {
 public:
  Calc(std::vector<sql::BoundExprPtr> projections, sql::BoundExprPtr filter)
      : projections_(std::move(projections)), filter_(std::move(filter)) {
    // A projection that is exactly "every input column in order" can pass rows through.
    identity_ = true;
    for (size_t i = 0; i < projections_.size(); ++i) {
      identity_ = identity_ && projections_[i]->kind == sql::BoundKind::kInputRef &&
                  projections_[i]->index == static_cast<int>(i);
    }
    // A column that one bare reference reads and nothing else touches is moved, not copied.
    std::vector<int> refs;
    for (const auto& p : projections_) sql::collect_input_refs(*p, &refs);
    move_from_.assign(projections_.size(), -1);
    for (size_t i = 0; i < projections_.size(); ++i) {
      if (projections_[i]->kind != sql::BoundKind::kInputRef) continue;
      int column = projections_[i]->index;
      if (std::count(refs.begin(), refs.end(), column) == 1) move_from_[i] = column;
    }
  }

  bool checkpointable() const override { return true; }  // no state
  void process(int, Row& row) override {
    if (!folded_) fold();
    const values::EvalContext& c = context();
    if (!passes(filter_.get(), row.fields, c)) return;
    if (identity_ && row.fields.size() == projections_.size()) {
      emit(std::move(row));
      return;
    }
    // The output is built in a spare buffer that then trades places with the input's: the row
    // leaves with the new fields and the old buffer is reused for the next row, so a projection
    // allocates nothing once warmed up.
    std::vector<Value>& out = spare_;
    out.resize(projections_.size());
    for (size_t i = 0; i < projections_.size(); ++i) {
      if (move_from_[i] < 0) out[i] = evaluate(*projections_[i], row.fields, c);
    }
    for (size_t i = 0; i < projections_.size(); ++i) {
      if (move_from_[i] >= 0) out[i] = std::move(row.fields[static_cast<size_t>(move_from_[i])]);
    }
    out.swap(row.fields);
    emit(std::move(row));
  }

 private:
  // Constants are folded with the job's context (its time zone), which arrives after construction.
  void fold() {
    for (sql::BoundExprPtr& p : projections_) p = fold_constants(p, ctx());
    filter_ = fold_constants(filter_, ctx());
    folded_ = true;
    bool reads = false;
    for (const auto& p : projections_) reads = reads || reads_watermark(*p);
    reads_watermark_ = reads || (filter_ && reads_watermark(*filter_));
  }

  // The job's context, or for CURRENT_WATERMARK a copy that carries this operator's watermark.
  const values::EvalContext& context() {
    if (!reads_watermark_) return ctx();
    local_ = ctx();
    local_.watermark_millis = current_watermark() == kNoWatermark ? INT64_MIN : current_watermark();
    return local_;
  }

  static bool reads_watermark(const sql::BoundExpr& e) {
    if (e.kind == sql::BoundKind::kCall && e.op == "CURRENT_WATERMARK") return true;
    for (const auto& a : e.args) {
      if (a && reads_watermark(*a)) return true;
    }
    return false;
  }

  std::vector<sql::BoundExprPtr> projections_;
  sql::BoundExprPtr filter_;
  bool folded_ = false;
  bool reads_watermark_ = false;
  values::EvalContext local_;
  bool identity_ = false;
  std::vector<int> move_from_;  // per projection: the input column to move, or -1
  std::vector<Value> spare_;     // the buffer the next output row is built in
};

class ComputedColumns : public Operator {
 public:
  explicit ComputedColumns(std::vector<sql::BoundExprPtr> computed) : computed_(std::move(computed)) {}

  bool checkpointable() const override { return true; }  // no state
  void process(int, Row& row) override {
    for (size_t i = 0; i < computed_.size(); ++i) {
      if (computed_[i]) row.fields[i] = evaluate(*computed_[i], row.fields, ctx());
    }
    emit(std::move(row));
  }

 private:
  std::vector<sql::BoundExprPtr> computed_;
};

class Union : public Operator {
 public:
  bool checkpointable() const override { return true; }  // no state
  void process(int, Row& row) override { emit(std::move(row)); }
};

}  // namespace

OperatorPtr make_calc(std::vector<sql::BoundExprPtr> projections, sql::BoundExprPtr filter) {
  return std::make_unique<Calc>(std::move(projections), std::move(filter));
}

OperatorPtr make_computed_columns(std::vector<sql::BoundExprPtr> computed) {
  return std::make_unique<ComputedColumns>(std::move(computed));
}

OperatorPtr make_union() { return std::make_unique<Union>(); }

}  // namespace careflow::exec
