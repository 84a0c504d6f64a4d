// WindowRank (Flink's WindowRankOperator, and WindowDeduplicate as its Top-1 by time): ROW_NUMBER()
// partitioned by window_start and window_end over window results or a window table function. Rows
// are kept per window and partition until the watermark passes the window's end; then each
// partition's rows are sorted (ties in arrival order; keeping the last row by time, ties go to the
// later arrival as in deduplication) and the ranks asked for are emitted as inserts, once. A row
// of a window that has fired is late: dropped and counted.
#include <algorithm>
#include <map>

#include "exec/operators/operators.h"
#include "exec/operators/window/window_math.h"
#include "exec/state.h"

namespace careflow::exec {

namespace {

class WindowRank : public Operator {
 public:
  explicit WindowRank(const sql::PlanNode& node)
      : partition_(node.partition_keys), order_(node.order), start_(node.rank_start), end_(node.rank_end),
        number_(node.output_rank_number), window_end_(node.rowtime_index), window_(node.window) {
    const sql::PlanNode& input = *node.inputs[0];
    // Keeping the last row by a time attribute (deduplication): among equal times the later arrival.
    last_wins_ = end_ == 1 && order_.size() == 1 && !order_[0].ascending &&
                 input.schema[static_cast<size_t>(order_[0].index)].type.time_attribute != values::TimeAttribute::kNone;
  }

  // Checkpoints: the open windows' rows, written whole (space 0): they live only until the
  // watermark passes their end. The partition index is rebuilt from each partition's first row.
  bool checkpointable() const override { return true; }
  void snapshot(StateWriter& out) override {
    ByteWriter w;
    w.svarint(late_);
    w.varint(windows_.size());
    for (const auto& [end, window] : windows_) {
      w.svarint(end);
      w.varint(window.partitions.size());
      for (const auto& rows : window.partitions) {
        w.varint(rows.size());
        for (const auto& row : rows) w.values(row);
      }
    }
    out.misc(0, w.data());
  }
  void restore(const StateRecord& record) override {
    ByteReader in(record.value);
    late_ = in.svarint();
    windows_.clear();
    for (size_t n = in.count(); n > 0; --n) {
      Window& w = windows_[in.svarint()];
      w.partitions.resize(in.count());
      for (auto& rows : w.partitions) {
        rows.resize(in.count());
        if (rows.empty()) throw StateFormatError("an empty window partition");
        for (auto& row : rows) row = in.values();
        for (int c : partition_) {
          if (static_cast<size_t>(c) >= rows[0].size()) throw StateFormatError("a row narrower than the partition key");
        }
        w.index.emplace(key_of(rows[0], partition_), w.index.size());
      }
    }
  }

  void process(int, Row& row) override {
    const int64_t end = window::micros_to_millis(row.fields[static_cast<size_t>(window_end_)].as_int());
    const int64_t wm = current_watermark();
    if (wm != kNoWatermark && window::fired(window_, end, wm, ctx())) {
      ++late_;
      dropped_late(0, row, end, wm, "the row's window has fired (window_end - 1 ms is at or before the watermark)");
      return;
    }
    Window& w = windows_[end];
    fill_key(key_, row.fields, partition_);
    auto [it, inserted] = w.index.try_emplace(key_, w.partitions.size());
    if (inserted) w.partitions.emplace_back();
    w.partitions[it->second].push_back(std::move(row.fields));
  }

  int64_t late_rows_dropped() const override { return late_; }

 protected:
  void on_watermark(int64_t watermark) override {
    while (!windows_.empty() && window::fired(window_, windows_.begin()->first, watermark, ctx())) {
      for (std::vector<std::vector<Value>>& rows : windows_.begin()->second.partitions) emit_ranked(rows);
      windows_.erase(windows_.begin());
    }
  }

 private:
  struct Window {
    KeyedState<size_t> index;  // partition key → position in `partitions` (arrival order)
    std::vector<std::vector<std::vector<Value>>> partitions;
  };

  bool less(const std::vector<Value>& a, const std::vector<Value>& b) const {
    for (const sql::SortKey& k : order_) {
      const Value& x = a[static_cast<size_t>(k.index)];
      const Value& y = b[static_cast<size_t>(k.index)];
      if (x.is_null() || y.is_null()) {
        if (x.is_null() && y.is_null()) continue;
        return x.is_null() == k.nulls_first;
      }
      const int c = values::compare_values(x, y);
      if (c != 0) return k.ascending ? c < 0 : c > 0;
    }
    return false;
  }

  void emit_ranked(std::vector<std::vector<Value>>& rows) {
    if (last_wins_) std::reverse(rows.begin(), rows.end());
    std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) { return less(a, b); });
    for (size_t i = 0; i < rows.size(); ++i) {
      const auto rank = static_cast<int64_t>(i + 1);
      if (rank < start_) continue;
      if (rank > end_) break;
      std::vector<Value> out = std::move(rows[i]);
      if (number_) out.push_back(Value::integer(rank));
      emit(RowKind::kInsert, std::move(out));
    }
  }

  std::vector<int> partition_;
  std::vector<sql::SortKey> order_;
  int64_t start_, end_;
  bool number_;
  int window_end_;
  sql::WindowSpec window_;
  bool last_wins_ = false;
  std::map<int64_t, Window> windows_;  // by window end
  Key key_;
  int64_t late_ = 0;
};

}  // namespace

OperatorPtr make_window_rank(const sql::PlanNode& node) { return std::make_unique<WindowRank>(node); }

}  // namespace careflow::exec
