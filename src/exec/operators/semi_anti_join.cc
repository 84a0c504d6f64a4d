// StreamingSemiAntiJoinOperator: WHERE [NOT] EXISTS / [NOT] IN. A left row is emitted (with its own
// kind) when it has a match (semi) or none (anti). When a right row gives a left row its first
// match, the left row is emitted (semi: with the right row's kind) or deleted (anti); when the
// last match leaves, the reverse. With 'table.exec.state.ttl' each side's rows expire one by one
// after their last write (join_state.h), as in Flink.
#include "exec/evaluator.h"
#include "exec/operators/join_state.h"
#include "exec/operators/operators.h"

namespace careflow::exec {

namespace {

class SemiAntiJoin : public Operator {
 public:
  SemiAntiJoin(bool anti, std::vector<int> left_keys, std::vector<int> right_keys, sql::BoundExprPtr condition,
               size_t left_width, StateTtl ttl)
      : ttl_(std::move(ttl)),
        anti_(anti),
        left_keys_(std::move(left_keys)),
        right_keys_(std::move(right_keys)),
        condition_(std::move(condition)),
        left_width_(left_width) {}

  // Checkpoints: each side's rows by key (space 0 left, 1 right), incrementally.
  bool checkpointable() const override { return true; }
  void track_changes() override {
    left_.track_changes();
    right_.track_changes();
  }
  void snapshot(StateWriter& out) override {
    left_.snapshot(out, 0);
    right_.snapshot(out, 1);
  }
  void restore(const StateRecord& record) override { (record.space == 0 ? left_ : right_).restore(record); }

  void process(int input, Row& row) override {
    if (ttl_.enabled()) {
      const int64_t now = ttl_.now();
      left_.set_now(now);
      right_.set_now(now);
    }
    if (input == 0) process_left(row);
    else process_right(row);
  }

 private:
  bool matches(const std::vector<Value>& left, const std::vector<Value>& right) {
    if (!condition_) return true;
    joined_.assign(left.begin(), left.end());
    joined_.insert(joined_.end(), right.begin(), right.end());
    return passes(condition_.get(), joined_, ctx());
  }

  void process_left(Row& row) {
    Key key = key_of(row.fields, left_keys_);
    int64_t count = 0;
    if (!key_has_null(key) || left_keys_.empty()) {
      if (std::vector<JoinRecord>* records = right_.records(key)) {
        for (const JoinRecord& r : *records) {
          if (r.count != 0 && matches(row.fields, r.row)) count += r.count;
        }
      }
    }
    if ((count == 0) == anti_) emit(row.kind, row.fields);
    if (is_accumulate(row.kind)) left_.add(key, std::move(row.fields), count);
    else left_.retract(key, row.fields);
  }

  void process_right(Row& row) {
    Key key = key_of(row.fields, right_keys_);
    const bool accumulate = is_accumulate(row.kind);
    if (accumulate) right_.add(key, row.fields, 0);
    else right_.retract(key, row.fields);
    if (key_has_null(key) && !right_keys_.empty()) return;
    std::vector<JoinRecord>* records = left_.records(key);
    if (!records) return;
    for (JoinRecord& l : *records) {
      if (l.count == 0 || !matches(l.row, row.fields)) continue;
      for (int64_t i = 0; i < l.count; ++i) {
        if (accumulate && l.associations == 0) emit(anti_ ? RowKind::kDelete : row.kind, l.row);
        if (!accumulate && l.associations == 1) emit(anti_ ? RowKind::kInsert : row.kind, l.row);
      }
      left_.set_associations(l, l.associations + (accumulate ? 1 : -1));
    }
  }

  StateTtl ttl_;
  bool anti_;
  std::vector<int> left_keys_, right_keys_;
  sql::BoundExprPtr condition_;
  size_t left_width_;
  JoinSideState left_{&ttl_}, right_{&ttl_};
  std::vector<Value> joined_;
};

}  // namespace

OperatorPtr make_semi_anti_join(bool anti, std::vector<int> left_keys, std::vector<int> right_keys,
                                sql::BoundExprPtr condition, size_t left_width, StateTtl ttl) {
  return std::make_unique<SemiAntiJoin>(anti, std::move(left_keys), std::move(right_keys), std::move(condition),
                                        left_width, std::move(ttl));
}

}  // namespace careflow::exec
