// ChangelogNormalize (DeduplicateFunctionHelper#processLastRowOnChangelog): turns an upsert
// stream, where +I/+U carry the new row of a key and -D removes it, into a full changelog that
// retracts the previous row. A repeated identical +I emits nothing; a repeated identical +U is
// emitted again as -U/+U (Flink's record equaliser compares the row kind too, and the kept row is
// normalized to +I — observed on Flink 1.20.4, tests/interop/flink/examples/09).
//
// With 'table.exec.state.ttl' (state_ttl.h) a key whose row was last written a TTL ago is new
// again (its next row is +I; a -D for it emits nothing), and an identical +I is emitted as -U/+U
// (Flink skips it only without a TTL, to refresh downstream state).
#include <limits>

#include "exec/operators/operators.h"
#include "exec/state.h"

namespace careflow::exec {

namespace {

class ChangelogNormalize : public Operator {
 public:
  ChangelogNormalize(std::vector<int> key, bool update_before, StateTtl ttl)
      : key_(std::move(key)), update_before_(update_before), ttl_(std::move(ttl)) {}

  // Checkpoints: the last row of each key (space 0), incrementally.
  bool checkpointable() const override { return true; }
  void track_changes() override { state_.track_changes(); }
  void snapshot(StateWriter& out) override {
    write_keyed(out, 0, state_, [](ByteWriter& w, const Kept& kept) {
      w.values(kept.row);
      w.svarint(kept.written_ms);
    });
  }
  void restore(const StateRecord& record) override {
    restore_keyed(record, state_, [this](ByteReader& in) {
      Kept kept{in.values(), 0};
      // Checkpoints written before state TTL have no write time: the restore counts as one.
      kept.written_ms = in.done() ? ttl_.now() : in.svarint();
      return kept;
    });
  }

  void process(int, Row& row) override {
    const int64_t now = ttl_.now();
    ttl_.sweep(state_, now, next_sweep_ms_, written_of);
    Key k = key_of(row.fields, key_);
    state_.touch(k);
    auto it = ttl_.live(state_, state_.find(k), now, written_of);
    if (is_accumulate(row.kind)) {
      if (it == state_.end()) {
        emit(RowKind::kInsert, row.fields);
        state_.emplace(std::move(k), Kept{std::move(row.fields), now});
        return;
      }
      if (!ttl_.enabled() && row.kind == RowKind::kInsert && it->second.row == row.fields) return;
      if (update_before_) emit(RowKind::kUpdateBefore, std::move(it->second.row));
      it->second = Kept{row.fields, now};
      emit(RowKind::kUpdateAfter, std::move(row.fields));
      return;
    }
    // -D or -U: the stored row is the full one (a tombstone may carry only the key).
    if (it != state_.end()) {
      emit(RowKind::kDelete, std::move(it->second.row));
      state_.erase(it);
    }
  }

 private:
  struct Kept {
    std::vector<Value> row;
    int64_t written_ms = 0;  // processing time of the last write (state TTL)
  };
  static int64_t written_of(const Kept& k) { return k.written_ms; }

  std::vector<int> key_;
  bool update_before_;
  KeyedState<Kept> state_;
  StateTtl ttl_;
  int64_t next_sweep_ms_ = std::numeric_limits<int64_t>::min();
};

}  // namespace

OperatorPtr make_changelog_normalize(std::vector<int> key, bool update_before, StateTtl ttl) {
  return std::make_unique<ChangelogNormalize>(std::move(key), update_before, std::move(ttl));
}

}  // namespace careflow::exec
