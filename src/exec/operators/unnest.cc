// Correlate over UNNEST: each input row joined with every element of its array (or entry of its
// map), keeping the input row's kind. An element that is a ROW spreads into its fields. A NULL or
// empty array gives no rows, or one NULL-padded row for LEFT JOIN UNNEST ... ON TRUE.
#include "exec/evaluator.h"
#include "exec/operators/operators.h"

namespace careflow::exec {

namespace {

class Unnest : public Operator {
 public:
  Unnest(sql::BoundExprPtr array, bool with_ordinality, bool left_outer, size_t produced_width)
      : array_(std::move(array)), with_ordinality_(with_ordinality), left_outer_(left_outer), width_(produced_width) {
    const values::DataType& t = array_->type;
    is_map_ = t.id == values::TypeId::kMap;
    row_elements_ = !is_map_ && t.children[0].id == values::TypeId::kRow;
  }

  bool checkpointable() const override { return true; }  // no state
  void process(int, Row& row) override {
    Value v = evaluate(*array_, row.fields, ctx());
    size_t produced = 0;
    auto emit_with = [&](const std::vector<Value>& extra, int64_t ordinal) {
      std::vector<Value> out = row.fields;
      out.insert(out.end(), extra.begin(), extra.end());
      if (with_ordinality_) out.push_back(Value::integer(ordinal));
      emit(row.kind, std::move(out));
      ++produced;
    };
    if (!v.is_null()) {
      if (is_map_) {
        int64_t i = 0;
        for (const auto& [k, val] : v.as_map()) emit_with({k, val}, ++i);
      } else {
        int64_t i = 0;
        for (const Value& element : v.as_list()) {
          ++i;
          if (row_elements_) {
            if (element.is_null()) emit_with(std::vector<Value>(width_ - (with_ordinality_ ? 1 : 0)), i);
            else emit_with(element.as_list(), i);
          } else {
            emit_with({element}, i);
          }
        }
      }
    }
    if (produced == 0 && left_outer_) {
      std::vector<Value> out = row.fields;
      out.resize(out.size() + width_);
      emit(row.kind, std::move(out));
    }
  }

 private:
  sql::BoundExprPtr array_;
  bool with_ordinality_, left_outer_;
  size_t width_;
  bool is_map_ = false, row_elements_ = false;
};

}  // namespace

OperatorPtr make_unnest(sql::BoundExprPtr array, bool with_ordinality, bool left_outer, size_t produced_width) {
  return std::make_unique<Unnest>(std::move(array), with_ordinality, left_outer, produced_width);
}

}  // namespace careflow::exec
