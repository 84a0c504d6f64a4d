#pragma once
// Push-based streaming operators. A source pushes a batch into the first operator; each operator
// processes the batch row by row, collects what it emits and pushes that batch on. Operators with
// two inputs (joins) are told which input a batch came through. State is keyed and in memory
// (state.h); an operator never knows where its rows come from or go to.

#include <memory>
#include <string>
#include <vector>

#include "exec/row.h"
#include "sql/functions.h"
#include "sql/plan.h"

namespace careflow::exec {

// Thrown by an operator in a debug build when it emits a row kind that the changelog mode its
// plan node declares does not allow (an insert-only node emitting -U, +U or -D): the plan and the
// running operators disagree, so a sink planned for that mode would store wrong rows. Job turns
// it into an Internal error naming the operator and the kind.
struct ChangelogViolation {
  std::string message;
};

class Operator {
 public:
  virtual ~Operator() = default;

  // One row through `input` (0, or 1 for a join's right side). The row may be moved from.
  virtual void process(int input, Row& row) = 0;
  // Bounded inputs have ended: a last chance to emit (nothing does yet in part 1).
  virtual void finish() { flush(); }

  void push_batch(int input, RowBatch& batch) {
    for (Row& row : batch) process(input, row);
    flush();
  }
  void connect(Operator* downstream, int downstream_input) {
    next_ = downstream;
    next_input_ = downstream_input;
  }
  void set_context(const values::EvalContext* ctx) { ctx_ = ctx; }
  // The plan node this operator runs; its changelog mode is checked on every row emitted in a
  // debug build (NDEBUG not defined).
  void set_plan_node(const sql::PlanNode* node) { node_ = node; }

 protected:
  void emit(Row row) { out_.push_back(std::move(row)); }
  void emit(RowKind kind, std::vector<Value> fields) { out_.push_back(Row{kind, std::move(fields)}); }
  void flush() {
    if (out_.empty()) return;
#ifndef NDEBUG
    if (node_ && node_->insert_only) check_insert_only();
#endif
    // Two buffers that keep their capacity: no allocation per batch once warmed up.
    sending_.swap(out_);
    if (next_) next_->push_batch(next_input_, sending_);
    sending_.clear();
  }
  const values::EvalContext& ctx() const { return *ctx_; }

 private:
  void check_insert_only() const {
    for (const Row& row : out_) {
      if (row.kind == RowKind::kInsert) continue;
      std::string line = sql::explain_plan(*node_);
      throw ChangelogViolation{"operator " + line.substr(0, line.find(", changelogMode")) + " emitted a " +
                               std::string(kind_symbol(row.kind)) + " row, but the plan declares changelogMode=[" +
                               sql::changelog_kinds(*node_) + "] for it"};
    }
  }

  Operator* next_ = nullptr;
  int next_input_ = 0;
  RowBatch out_;
  RowBatch sending_;
  const values::EvalContext* ctx_ = nullptr;
  const sql::PlanNode* node_ = nullptr;
};

using OperatorPtr = std::unique_ptr<Operator>;

}  // namespace careflow::exec
