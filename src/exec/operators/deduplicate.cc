// Deduplication (ROW_NUMBER() OVER (PARTITION BY k ORDER BY <time attribute>) = 1), after
// flink-table-runtime's ProcTimeDeduplicateKeepFirstRowFunction / KeepLastRowFunction and
// RowTimeDeduplicateFunction (DeduplicateFunctionHelper).
//   proctime, keep first: the first row of a key is emitted (+I), later ones are dropped.
//   proctime, keep last: +I for the first row, then -U previous / +U new for every later row —
//     except a row equal to the key's first row while that one is still the kept row: Flink
//     1.20's processLastRowOnProcTime compares rows including their kind, and only the first row
//     is kept as +I (observed on Flink 1.20.4 by bench/engine_bench). Over an updating input, the
//     changelog variant (a retraction deletes, an identical +I is skipped).
//   rowtime: a row replaces the kept one when its time is later or equal (keep last) or strictly
//     earlier (keep first), with -U / +U (+U alone when the consumer asks for no -U: a versioned
//     view under a temporal join).
// With 'table.exec.state.ttl' (state_ttl.h) a key whose kept row was last written a TTL ago is new
// again (its next row is +I; keep first emits it), and keep last no longer skips a row equal to
// the kept one (Flink skips it only without a TTL, to refresh downstream state).
#include <limits>

#include "exec/operators/operators.h"
#include "exec/state.h"

namespace careflow::exec {

namespace {

class Deduplicate : public Operator {
 public:
  Deduplicate(const sql::PlanNode& node, bool input_insert_only, StateTtl ttl)
      : ttl_(std::move(ttl)),
        key_(node.partition_keys),
        time_column_(node.order[0].index),
        keep_last_(node.keep_last),
        rowtime_(node.rowtime),
        insert_only_(input_insert_only),
        update_before_(!node.drops_update_before) {
    // Flink does not materialize a processing-time attribute in the rows it compares, so two rows
    // that differ only there are equal.
    for (const sql::PlanField& f : node.inputs[0]->schema) {
      ignored_.push_back(f.type.time_attribute == values::TimeAttribute::kProctime);
    }
  }

  // Checkpoints: the kept row of each key (space 0), incrementally.
  bool checkpointable() const override { return true; }
  void track_changes() override { state_.track_changes(); }
  void snapshot(StateWriter& out) override {
    write_keyed(out, 0, state_, [](ByteWriter& w, const Kept& kept) {
      w.values(kept.row);
      w.u8(kept.first ? 1 : 0);
      w.svarint(kept.written_ms);
    });
  }
  void restore(const StateRecord& record) override {
    restore_keyed(record, state_, [this](ByteReader& in) {
      Kept kept;
      kept.row = in.values();
      kept.first = in.u8() != 0;
      // Checkpoints written before state TTL have no write time: the restore counts as one.
      kept.written_ms = in.done() ? ttl_.now() : in.svarint();
      return kept;
    });
  }

  void process(int, Row& row) override {
    now_ = ttl_.now();
    ttl_.sweep(state_, now_, next_sweep_ms_, written_of);
    Key k = key_of(row.fields, key_);
    state_.touch(k);
    auto it = ttl_.live(state_, state_.find(k), now_, written_of);
    if (rowtime_) return on_rowtime(k, it, row);
    if (!keep_last_) {
      if (it != state_.end()) return;
      emit(RowKind::kInsert, row.fields);
      state_.emplace(std::move(k), Kept{{}, true, now_});
      return;
    }
    if (!insert_only_) return on_changelog(k, it, row);
    if (it == state_.end()) return keep_first(k, row);
    if (!ttl_.enabled() && it->second.first && same(it->second.row, row.fields)) {
      return;
    }
    replace(it, row);
  }

 private:
  // The kept row of a key, and whether it is still the key's first row.
  struct Kept {
    std::vector<Value> row;
    bool first = true;
    int64_t written_ms = 0;  // processing time of the last write (state TTL)
  };
  using State = KeyedState<Kept>;
  static int64_t written_of(const Kept& k) { return k.written_ms; }

  // The key's first row: +I, and kept.
  void keep_first(Key& k, Row& row) {
    emit(RowKind::kInsert, row.fields);
    state_.emplace(std::move(k), Kept{std::move(row.fields), true, now_});
  }

  // A later row takes the kept one's place: -U of the kept row, +U of the new one.
  void replace(State::iterator it, Row& row) {
    if (update_before_) emit(RowKind::kUpdateBefore, std::move(it->second.row));
    it->second = Kept{row.fields, false, now_};
    emit(RowKind::kUpdateAfter, std::move(row.fields));
  }

  void on_changelog(Key& k, State::iterator it, Row& row) {
    if (is_accumulate(row.kind)) {
      if (it == state_.end()) {
        keep_first(k, row);
      } else if (ttl_.enabled() || !(row.kind == RowKind::kInsert && same(it->second.row, row.fields))) {
        replace(it, row);
      }
      return;
    }
    if (it != state_.end()) {
      emit(RowKind::kDelete, std::move(it->second.row));
      state_.erase(it);
    }
  }

  void on_rowtime(Key& k, State::iterator it, Row& row) {
    const Value& t = row.fields[static_cast<size_t>(time_column_)];
    if (it == state_.end()) return keep_first(k, row);
    const Value& kept = it->second.row[static_cast<size_t>(time_column_)];
    int c = values::compare_values(kept, t);
    if (keep_last_ ? c <= 0 : c > 0) replace(it, row);
  }

  bool same(const std::vector<Value>& a, const std::vector<Value>& b) const {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!(i < ignored_.size() && ignored_[i]) && !(a[i] == b[i])) return false;
    }
    return true;
  }

  StateTtl ttl_;
  std::vector<int> key_;
  std::vector<bool> ignored_;
  int time_column_;
  bool keep_last_, rowtime_, insert_only_;
  bool update_before_;  // false: updates as +U alone (Flink's generateUpdateBefore)
  State state_;
  int64_t now_ = 0;  // processing time of the row being processed (state TTL)
  int64_t next_sweep_ms_ = std::numeric_limits<int64_t>::min();
};

}  // namespace

OperatorPtr make_deduplicate(const sql::PlanNode& node, bool input_insert_only, StateTtl ttl) {
  return std::make_unique<Deduplicate>(node, input_insert_only, std::move(ttl));
}

}  // namespace careflow::exec
