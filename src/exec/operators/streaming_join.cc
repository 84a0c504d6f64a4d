// StreamingJoinOperator: a regular join of two changelog streams (inner, left, right, full).
// Follows flink-table-runtime StreamingJoinOperator#processElement: accumulate messages join
// with the other side's rows (null-padded rows of an outer side are retracted when its first
// match arrives and re-emitted when its last match leaves); retract messages remove the row and
// retract its joined results. An inner join keeps the input's kind (+I/+U, -U/-D); outer joins
// emit +I and -D. With 'table.exec.state.ttl' each kept row expires on its own, after its last
// write (join_state.h): a row arriving later no longer joins it, as in Flink.
#include "exec/evaluator.h"
#include "exec/operators/join_state.h"
#include "exec/operators/operators.h"

namespace careflow::exec {

namespace {

class StreamingJoin : public Operator {
 public:
  StreamingJoin(sql::JoinType type, std::vector<int> left_keys, std::vector<int> right_keys, sql::BoundExprPtr condition,
                size_t left_width, size_t right_width, StateTtl ttl)
      : left_keys_(std::move(left_keys)),
        right_keys_(std::move(right_keys)),
        condition_(std::move(condition)),
        left_width_(left_width),
        right_width_(right_width),
        ttl_(std::move(ttl)) {
    left_outer_ = type == sql::JoinType::kLeft || type == sql::JoinType::kFull;
    right_outer_ = type == sql::JoinType::kRight || type == sql::JoinType::kFull;
  }

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
    const bool is_left = input == 0;
    JoinSideState& self = is_left ? left_ : right_;
    JoinSideState& other = is_left ? right_ : left_;
    const bool input_outer = is_left ? left_outer_ : right_outer_;
    const bool other_outer = is_left ? right_outer_ : left_outer_;
    if (ttl_.enabled()) {
      const int64_t now = ttl_.now();
      left_.set_now(now);
      right_.set_now(now);
    }
    fill_key(key_, row.fields, is_left ? left_keys_ : right_keys_);
    const Key& key = key_;
    const bool accumulate = is_accumulate(row.kind);
    const RowKind kind = row.kind;
    std::vector<Associated>& matches = matches_;
    associated(row.fields, key, is_left, other, &matches);

    if (accumulate) {
      if (input_outer) {
        if (matches.empty()) {
          emit_padded(RowKind::kInsert, row.fields, is_left);
          self.add(key, std::move(row.fields), 0);
          return;
        }
        if (other_outer) retract_padding_of_matches(matches, is_left, other);
        for (const Associated& m : matches) emit_joined(RowKind::kInsert, row.fields, m.row(), is_left);
        self.add(key, std::move(row.fields), static_cast<int64_t>(matches.size()));
        return;
      }
      if (other_outer) {
        retract_padding_of_matches(matches, is_left, other);
        for (const Associated& m : matches) emit_joined(RowKind::kInsert, row.fields, m.row(), is_left);
      } else {
        for (const Associated& m : matches) emit_joined(kind, row.fields, m.row(), is_left);
      }
      self.add(key, std::move(row.fields), 0);
      return;
    }
    // Retraction.
    self.retract(key, row.fields);
    if (matches.empty()) {
      if (input_outer) emit_padded(RowKind::kDelete, row.fields, is_left);
      return;
    }
    RowKind out_kind = input_outer ? RowKind::kDelete : kind;
    for (const Associated& m : matches) emit_joined(out_kind, row.fields, m.row(), is_left);
    if (other_outer) {
      for (const Associated& m : matches) {
        if (m.associations == 1) emit_padded(RowKind::kInsert, m.row(), !is_left);
        other.set_associations(*m.record, m.associations - 1);
      }
    }
  }

 private:
  // The other side's rows with this key that satisfy the residual condition. A key with a NULL
  // never matches (SQL equality), though the row is still kept for outer-join padding.
  void associated(const std::vector<Value>& input, const Key& key, bool is_left, JoinSideState& other,
                  std::vector<Associated>* out) {
    out->clear();
    if (key_has_null(key)) return;
    std::vector<JoinRecord>* records = other.records(key);
    if (!records) return;
    for (JoinRecord& r : *records) {
      if (r.count == 0) continue;  // retracted
      if (condition_) {
        joined_.clear();
        const std::vector<Value>& l = is_left ? input : r.row;
        const std::vector<Value>& rr = is_left ? r.row : input;
        joined_.insert(joined_.end(), l.begin(), l.end());
        joined_.insert(joined_.end(), rr.begin(), rr.end());
        if (!passes(condition_.get(), joined_, ctx())) continue;
      }
      for (int64_t i = 0; i < r.count; ++i) out->push_back({&r, r.associations});
    }
  }

  void retract_padding_of_matches(const std::vector<Associated>& matches, bool is_left, const JoinSideState& other) {
    for (const Associated& m : matches) {
      if (m.associations == 0) emit_padded(RowKind::kDelete, m.row(), !is_left);
      other.set_associations(*m.record, m.associations + 1);
    }
  }

  void emit_joined(RowKind kind, const std::vector<Value>& input, const std::vector<Value>& other, bool input_is_left) {
    std::vector<Value> out;
    out.reserve(left_width_ + right_width_);
    const std::vector<Value>& l = input_is_left ? input : other;
    const std::vector<Value>& r = input_is_left ? other : input;
    for (const Value& v : l) out.push_back(v);  // push_back into reserved room: cheaper than range insert
    for (const Value& v : r) out.push_back(v);
    emit(kind, std::move(out));
  }

  void emit_padded(RowKind kind, const std::vector<Value>& row, bool row_is_left) {
    std::vector<Value> out;
    out.reserve(left_width_ + right_width_);
    if (row_is_left) {
      out.insert(out.end(), row.begin(), row.end());
      out.resize(left_width_ + right_width_);
    } else {
      out.resize(left_width_);
      out.insert(out.end(), row.begin(), row.end());
    }
    emit(kind, std::move(out));
  }

  std::vector<int> left_keys_, right_keys_;
  sql::BoundExprPtr condition_;
  size_t left_width_, right_width_;
  bool left_outer_ = false, right_outer_ = false;
  StateTtl ttl_;
  JoinSideState left_{&ttl_}, right_{&ttl_};
  std::vector<Value> joined_;
  Key key_;                          // the input row's join key, reused for every row
  std::vector<Associated> matches_;  // reused for every row
};

}  // namespace

OperatorPtr make_streaming_join(sql::JoinType type, std::vector<int> left_keys, std::vector<int> right_keys,
                                sql::BoundExprPtr condition, size_t left_width, size_t right_width, StateTtl ttl) {
  return std::make_unique<StreamingJoin>(type, std::move(left_keys), std::move(right_keys), std::move(condition),
                                         left_width, right_width, std::move(ttl));
}

}  // namespace careflow::exec
