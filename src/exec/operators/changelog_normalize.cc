// ChangelogNormalize (DeduplicateFunctionHelper#processLastRowOnChangelog): turns an upsert
// stream, where +I/+U carry the new row of a key and -D removes it, into a full changelog that
// retracts the previous row. A repeated identical +I emits nothing; a repeated identical +U is
// emitted again as -U/+U (Flink's record equaliser compares the row kind too, and the kept row is
// normalized to +I — observed on Flink 1.20.4, tests/interop/flink/examples/09).
#include "exec/operators/operators.h"
#include "exec/state.h"

namespace careflow::exec {

namespace {

class ChangelogNormalize : public Operator {
 public:
  ChangelogNormalize(std::vector<int> key, bool update_before) : key_(std::move(key)), update_before_(update_before) {}

  // Checkpoints: the last row of each key (space 0), incrementally.
  bool checkpointable() const override { return true; }
  void track_changes() override { state_.track_changes(); }
  void snapshot(StateWriter& out) override {
    write_keyed(out, 0, state_, [](ByteWriter& w, const std::vector<Value>& row) { w.values(row); });
  }
  void restore(const StateRecord& record) override {
    restore_keyed(record, state_, [](ByteReader& in) { return in.values(); });
  }

  void process(int, Row& row) override {
    Key k = key_of(row.fields, key_);
    state_.touch(k);
    auto it = state_.find(k);
    if (is_accumulate(row.kind)) {
      if (it == state_.end()) {
        emit(RowKind::kInsert, row.fields);
        state_.emplace(std::move(k), std::move(row.fields));
        return;
      }
      if (row.kind == RowKind::kInsert && it->second == row.fields) return;
      if (update_before_) emit(RowKind::kUpdateBefore, std::move(it->second));
      it->second = row.fields;
      emit(RowKind::kUpdateAfter, std::move(row.fields));
      return;
    }
    // -D or -U: the stored row is the full one (a tombstone may carry only the key).
    if (it != state_.end()) {
      emit(RowKind::kDelete, std::move(it->second));
      state_.erase(it);
    }
  }

 private:
  std::vector<int> key_;
  bool update_before_;
  KeyedState<std::vector<Value>> state_;
};

}  // namespace

OperatorPtr make_changelog_normalize(std::vector<int> key, bool update_before) {
  return std::make_unique<ChangelogNormalize>(std::move(key), update_before);
}

}  // namespace careflow::exec
