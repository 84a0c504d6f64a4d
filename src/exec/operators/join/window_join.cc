// WindowJoin: a join of two windowed inputs on window_start and window_end, after
// flink-table-runtime's WindowJoinOperator (allowed lateness 0), keyed by the other equi keys:
//   - a row is kept under its key and its window's end, in arrival order per input; a row whose
//     window has fired (its last millisecond at or behind the watermark) is dropped and counted.
//   - each key and window has one timer at the window's last millisecond (Flink's timer heap,
//     event_time_timers.h, so keys come out in its order); when it fires the window's rows are
//     joined and let go: INNER each left row with each right row the condition accepts (left rows
//     outer, right rows inner, in arrival order); LEFT pads a left row that joined none (every
//     left row when the right side has none), RIGHT the same for right rows (right rows outer),
//     FULL does both: the left rows as LEFT, then the right rows that joined none.
//   - a NULL key joins nothing (Flink's JoinConditionWithNullFilters); outer rows are padded.
#include <absl/container/node_hash_map.h>

#include <map>
#include <memory>

#include "exec/evaluator.h"
#include "exec/operators/event_time_timers.h"
#include "exec/operators/operators.h"
#include "exec/operators/window/window_math.h"
#include "exec/state.h"

namespace careflow::exec {

namespace {

struct KeyWindows;

// One key's rows of one window.
struct WindowRows {
  int64_t end;
  std::vector<Row> left, right;
  KeyWindows* owner;
  size_t timer_index = 0;
};

struct KeyWindows {
  std::map<int64_t, std::unique_ptr<WindowRows>> by_end;
  const Key* key = nullptr;
};

class WindowJoin : public Operator {
 public:
  explicit WindowJoin(const sql::PlanNode& node)
      : window_(node.window),
        left_keys_(node.left_keys),
        right_keys_(node.right_keys),
        condition_(node.condition),
        left_end_(static_cast<size_t>(node.rowtime_index)),
        right_end_(static_cast<size_t>(node.right_rowtime_index)),
        left_width_(node.inputs[0]->schema.size()),
        right_width_(node.inputs[1]->schema.size()),
        type_(node.join_type) {}

  // Checkpoints, written whole (space 0): a window join holds only windows not yet fired, and each
  // of them has exactly one timer, so the timer heap in its array order, each entry with its key,
  // window end and rows, is the whole state — and keeps the order in which equal timers of
  // several keys fire.
  bool checkpointable() const override { return true; }
  void snapshot(StateWriter& out) override {
    ByteWriter w;
    w.svarint(late_);
    w.varint(static_cast<uint64_t>(timers_.end() - timers_.begin()));
    for (const auto* t = timers_.begin(); t != timers_.end(); ++t) {
      const WindowRows& rows = *t->target;
      w.svarint(t->time);
      w.values(*rows.owner->key);
      w.svarint(rows.end);
      for (const std::vector<Row>* side : {&rows.left, &rows.right}) {
        w.varint(side->size());
        for (const Row& r : *side) {
          w.u8(static_cast<uint8_t>(r.kind));
          w.values(r.fields);
        }
      }
    }
    out.misc(0, w.data());
  }
  void restore(const StateRecord& record) override {
    if (record.kind != StateRecordKind::kMisc || record.space != 0) throw StateFormatError("a window join record that is not its state");
    ByteReader in(record.value);
    timers_.clear();
    state_.clear();
    late_ = in.svarint();
    for (size_t n = in.count(); n > 0; --n) {
      const int64_t time = in.svarint();
      Key key = in.values();
      const int64_t end = in.svarint();
      auto it = state_.find(key);
      if (it == state_.end()) {
        it = state_.emplace(std::move(key), KeyWindows{}).first;
        it->second.key = &it->first;
      }
      auto [slot, inserted] = it->second.by_end.try_emplace(end);
      if (!inserted) throw StateFormatError("a window join window written twice");
      slot->second = std::make_unique<WindowRows>(WindowRows{end, {}, {}, &it->second});
      for (std::vector<Row>* side : {&slot->second->left, &slot->second->right}) {
        side->resize(in.count());
        for (Row& r : *side) {
          const uint8_t kind = in.u8();
          if (kind > static_cast<uint8_t>(RowKind::kDelete)) throw StateFormatError("a window join row of an unknown kind");
          r.kind = static_cast<RowKind>(kind);
          r.fields = in.values();
        }
      }
      timers_.restore_next(time, slot->second.get());
    }
  }

  void process(int input, Row& row) override {
    const bool is_left = input == 0;
    const Value& end_value = row.fields[is_left ? left_end_ : right_end_];
    // A NULL window_end reads as 0, as Flink's BinaryRowData reads a NULL long: a fired window.
    const int64_t end = end_value.is_null() ? 0 : window::micros_to_millis(end_value.as_int());
    if (window::fired(window_, end, current_watermark(), ctx())) {
      ++late_;
      dropped_late(input, row, end, current_watermark(),
                   "the row's window has fired (window_end - 1 ms is at or before the watermark)");
      return;
    }
    fill_key(key_, row.fields, is_left ? left_keys_ : right_keys_);
    auto it = state_.find(key_);
    if (it == state_.end()) {
      it = state_.emplace(key_, KeyWindows{}).first;
      it->second.key = &it->first;
    }
    KeyWindows& kw = it->second;
    auto [slot, inserted] = kw.by_end.try_emplace(end);
    if (inserted) {
      slot->second = std::make_unique<WindowRows>(WindowRows{end, {}, {}, &kw});
      timers_.add(window::to_utc(window_, end - 1, ctx()), slot->second.get());
    }
    (is_left ? slot->second->left : slot->second->right).push_back(std::move(row));
  }

  int64_t late_rows_dropped() const override { return late_; }

 protected:
  void on_watermark(int64_t watermark) override {
    while (!timers_.empty() && timers_.peek().time <= watermark) {
      WindowRows& w = *timers_.poll().target;
      KeyWindows& kw = *w.owner;
      join_window(*kw.key, w);
      kw.by_end.erase(w.end);
      if (kw.by_end.empty()) {
        const Key key = *kw.key;
        state_.erase(key);
      }
    }
  }

 private:
  void join_window(const Key& key, WindowRows& w) {
    const bool joins = !key_has_null(key);
    const bool left_outer = type_ == sql::JoinType::kLeft || type_ == sql::JoinType::kFull;
    const bool right_outer = type_ == sql::JoinType::kRight || type_ == sql::JoinType::kFull;
    if (type_ == sql::JoinType::kRight) {
      for (Row& r : w.right) {
        bool matched = false;
        for (Row& l : w.left) matched = pair(joins, l, r) || matched;
        if (!matched) pad_right(r);
      }
      return;
    }
    std::vector<bool> right_matched(w.right.size(), false);
    for (Row& l : w.left) {
      bool matched = false;
      for (size_t j = 0; j < w.right.size(); ++j) {
        if (pair(joins, l, w.right[j])) matched = right_matched[j] = true;
      }
      if (!matched && left_outer) pad_left(l);
    }
    if (right_outer) {
      for (size_t j = 0; j < w.right.size(); ++j) {
        if (!right_matched[j]) pad_right(w.right[j]);
      }
    }
  }

  bool pair(bool joins, const Row& l, const Row& r) {
    if (!joins) return false;
    joined_.clear();
    joined_.insert(joined_.end(), l.fields.begin(), l.fields.end());
    joined_.insert(joined_.end(), r.fields.begin(), r.fields.end());
    if (condition_ && !passes(condition_.get(), joined_, ctx())) return false;
    emit(RowKind::kInsert, joined_);
    return true;
  }

  void pad_left(const Row& l) {
    std::vector<Value> out(l.fields);
    out.resize(left_width_ + right_width_);
    emit(RowKind::kInsert, std::move(out));
  }

  void pad_right(const Row& r) {
    std::vector<Value> out(left_width_);
    out.insert(out.end(), r.fields.begin(), r.fields.end());
    emit(RowKind::kInsert, std::move(out));
  }

  sql::WindowSpec window_;
  std::vector<int> left_keys_, right_keys_;
  sql::BoundExprPtr condition_;
  size_t left_end_, right_end_, left_width_, right_width_;
  sql::JoinType type_;
  absl::node_hash_map<Key, KeyWindows, values::KeyHash> state_;
  EventTimeTimers<WindowRows> timers_;
  int64_t late_ = 0;
  Key key_;
  std::vector<Value> joined_;
};

}  // namespace

OperatorPtr make_window_join(const sql::PlanNode& node) { return std::make_unique<WindowJoin>(node); }

}  // namespace careflow::exec
