// DropUpdateBefore (flink-table-runtime's DropUpdateBeforeFunction): passes every row but -U, for
// a consumer that takes updates as +U alone from an input that sends both (the versioned side of
// a temporal join over a retract table).
#include "exec/operators/operators.h"

namespace careflow::exec {

namespace {

class DropUpdateBefore : public Operator {
 public:
  bool checkpointable() const override { return true; }  // no state
  void process(int, Row& row) override {
    if (row.kind != RowKind::kUpdateBefore) emit(std::move(row));
  }
};

}  // namespace

OperatorPtr make_drop_update_before() { return std::make_unique<DropUpdateBefore>(); }

}  // namespace careflow::exec
