// Deduplication (ROW_NUMBER() OVER (PARTITION BY k ORDER BY <time attribute>) = 1), after
// flink-table-runtime's ProcTimeDeduplicateKeepFirstRowFunction / KeepLastRowFunction and
// RowTimeDeduplicateFunction (DeduplicateFunctionHelper).
//   proctime, keep first: the first row of a key is emitted (+I), later ones are dropped.
//   proctime, keep last: +I for the first row, then -U previous / +U new for every later row;
//     over an updating input, the changelog variant (a retraction deletes, an identical row is
//     skipped).
//   rowtime: a row replaces the kept one when its time is later or equal (keep last) or strictly
//     earlier (keep first), with -U / +U.
#include "exec/operators/operators.h"
#include "exec/state.h"

namespace careflow::exec {

namespace {

class Deduplicate : public Operator {
 public:
  Deduplicate(const sql::PlanNode& node, bool input_insert_only)
      : key_(node.partition_keys),
        time_column_(node.order[0].index),
        keep_last_(node.keep_last),
        rowtime_(node.rowtime),
        insert_only_(input_insert_only) {}

  void process(int, Row& row) override {
    Key k = key_of(row.fields, key_);
    auto it = state_.find(k);
    if (rowtime_) return on_rowtime(k, it, row);
    if (!keep_last_) {
      if (it != state_.end()) return;
      emit(RowKind::kInsert, row.fields);
      state_.emplace(std::move(k), std::vector<Value>{});
      return;
    }
    if (!insert_only_) return on_changelog(k, it, row);
    if (it == state_.end()) {
      emit(RowKind::kInsert, row.fields);
      state_.emplace(std::move(k), std::move(row.fields));
      return;
    }
    emit(RowKind::kUpdateBefore, it->second);
    emit(RowKind::kUpdateAfter, row.fields);
    it->second = std::move(row.fields);
  }

 private:
  using State = KeyedState<std::vector<Value>>;

  void on_changelog(Key& k, State::iterator it, Row& row) {
    if (is_accumulate(row.kind)) {
      if (it == state_.end()) {
        emit(RowKind::kInsert, row.fields);
        state_.emplace(std::move(k), std::move(row.fields));
      } else if (!(it->second == row.fields)) {
        emit(RowKind::kUpdateBefore, it->second);
        emit(RowKind::kUpdateAfter, row.fields);
        it->second = std::move(row.fields);
      }
      return;
    }
    if (it != state_.end()) {
      emit(RowKind::kDelete, std::move(it->second));
      state_.erase(it);
    }
  }

  void on_rowtime(Key& k, State::iterator it, Row& row) {
    const Value& t = row.fields[static_cast<size_t>(time_column_)];
    if (it == state_.end()) {
      emit(RowKind::kInsert, row.fields);
      state_.emplace(std::move(k), std::move(row.fields));
      return;
    }
    const Value& kept = it->second[static_cast<size_t>(time_column_)];
    int c = sql::compare_values(kept, t);
    bool replace = keep_last_ ? c <= 0 : c > 0;
    if (!replace) return;
    emit(RowKind::kUpdateBefore, it->second);
    emit(RowKind::kUpdateAfter, row.fields);
    it->second = std::move(row.fields);
  }

  std::vector<int> key_;
  int time_column_;
  bool keep_last_, rowtime_, insert_only_;
  State state_;
};

}  // namespace

OperatorPtr make_deduplicate(const sql::PlanNode& node, bool input_insert_only) {
  return std::make_unique<Deduplicate>(node, input_insert_only);
}

}  // namespace careflow::exec
