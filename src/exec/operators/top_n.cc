// Top-N over ROW_NUMBER, after flink-table-runtime's AppendOnlyTopNFunction (insert-only input:
// a per-partition buffer of the best rows) and RetractableTopNFunction (updating input: every row
// is kept so that one can move up when another leaves). With the row number in the output, rows
// that shift rank are updated (-U/+U with their new number); without it, a row entering the Top-N
// is inserted and the one pushed out is deleted. Top-1 over an insert-only input is Flink's
// FastTop1Function, which updates (-U/+U) instead.
#include <map>

#include "exec/operators/operators.h"
#include "exec/state.h"

namespace careflow::exec {

namespace {

struct SortKeyLess {
  std::vector<sql::SortKey> order;
  bool operator()(const Key& a, const Key& b) const {
    for (size_t i = 0; i < order.size(); ++i) {
      const Value& x = a[i];
      const Value& y = b[i];
      if (x.is_null() || y.is_null()) {
        if (x.is_null() && y.is_null()) continue;
        bool x_first = x.is_null() == order[i].nulls_first;
        return x_first;
      }
      int c = values::compare_values(x, y);
      if (c != 0) return order[i].ascending ? c < 0 : c > 0;
    }
    return false;
  }
};

using SortedRows = std::map<Key, std::vector<std::vector<Value>>, SortKeyLess>;

class TopNBase : public Operator {
 public:
  explicit TopNBase(const sql::PlanNode& rank)
      : partition_(rank.partition_keys),
        less_{rank.order},
        start_(rank.rank_start),
        end_(rank.rank_end),
        with_number_(rank.output_rank_number) {
    for (const sql::SortKey& k : rank.order) sort_columns_.push_back(k.index);
  }

 protected:
  bool in_rank_end(int64_t rank) const { return rank <= end_; }
  bool in_rank_range(int64_t rank) const { return rank >= start_ && rank <= end_; }
  bool uses_number_algorithm() const { return with_number_ || start_ > 1; }

  void output(RowKind kind, const std::vector<Value>& row, int64_t rank) {
    std::vector<Value> out = row;
    if (with_number_) out.push_back(Value::integer(rank));
    emit(kind, std::move(out));
  }
  void collect_insert(const std::vector<Value>& row, int64_t rank) {
    if (in_rank_range(rank)) output(RowKind::kInsert, row, rank);
  }
  void collect_insert(const std::vector<Value>& row) { emit(RowKind::kInsert, row); }
  void collect_delete(const std::vector<Value>& row, int64_t rank) {
    if (in_rank_range(rank)) output(RowKind::kDelete, row, rank);
  }
  void collect_delete(const std::vector<Value>& row) { emit(RowKind::kDelete, row); }
  void collect_update_before(const std::vector<Value>& row, int64_t rank) {
    if (in_rank_range(rank)) output(RowKind::kUpdateBefore, row, rank);
  }
  void collect_update_after(const std::vector<Value>& row, int64_t rank) {
    if (in_rank_range(rank)) output(RowKind::kUpdateAfter, row, rank);
  }
  // The row that moves into `rank` after `leaving`: -U of the one, +U of the other.
  void collect_update(const std::vector<Value>& leaving, const std::vector<Value>& arriving, int64_t rank) {
    collect_update_before(leaving, rank);
    collect_update_after(arriving, rank);
  }

  bool same_key(const Key& a, const Key& b) const { return !less_(a, b) && !less_(b, a); }

  // Checkpoints: a partition's sorted rows as one entry (sort key, its rows, for each key).
  static void write_sorted(ByteWriter& w, const SortedRows& rows) {
    w.varint(rows.size());
    for (const auto& [key, list] : rows) {
      w.values(key);
      w.varint(list.size());
      for (const auto& row : list) w.values(row);
    }
  }
  SortedRows read_sorted(ByteReader& in) const {
    SortedRows rows(less_);
    for (size_t n = in.count(); n > 0; --n) {
      Key key = in.values();
      auto& list = rows[std::move(key)];
      list.resize(in.count());
      for (auto& row : list) row = in.values();
    }
    return rows;
  }

  // The sorted rows of the row's partition, created empty on its first row.
  static KeyedState<SortedRows>::iterator partition_of(KeyedState<SortedRows>& partitions, const Key& part,
                                                       const SortKeyLess& less) {
    auto it = partitions.find(part);
    if (it == partitions.end()) it = partitions.emplace(part, SortedRows(less)).first;
    return it;
  }

  // With row numbers: `input`, already stored under `sort_key`, takes its rank and every row
  // after it within the Top-N moves down one (-U/+U with its new number); the row pushed past the
  // end is not emitted. Returns where the walk stopped: the first sort key past the Top-N.
  SortedRows::iterator insert_with_row_number(SortedRows& rows, const Key& sort_key, const std::vector<Value>& input) {
    auto it = rows.begin();
    int64_t rank = 0;
    bool found = false;
    std::vector<Value> current;
    for (; it != rows.end() && in_rank_end(rank); ++it) {
      const auto& list = it->second;
      if (!found && same_key(it->first, sort_key)) {
        rank += static_cast<int64_t>(list.size());
        current = input;
        found = true;
      } else if (found) {
        for (size_t i = 0; i < list.size() && in_rank_end(rank); ++i) {
          collect_update(list[i], current, rank);
          current = list[i];
          rank += 1;
        }
      } else {
        rank += static_cast<int64_t>(list.size());
      }
    }
    if (in_rank_end(rank)) collect_insert(current, rank);
    return it;
  }

  std::vector<int> partition_;
  std::vector<int> sort_columns_;
  SortKeyLess less_;
  int64_t start_, end_;
  bool with_number_;
};

class AppendOnlyTopN : public TopNBase {
 public:
  using TopNBase::TopNBase;

  // Checkpoints: one entry per partition key (space 0), incrementally.
  bool checkpointable() const override { return true; }
  void track_changes() override { buffers_.track_changes(); }
  void snapshot(StateWriter& out) override { write_keyed(out, 0, buffers_, [](ByteWriter& w, const SortedRows& rows) { write_sorted(w, rows); }); }
  void restore(const StateRecord& record) override { restore_keyed(record, buffers_, [&](ByteReader& in) { return read_sorted(in); }); }

  void process(int, Row& row) override {
    auto part = partition_of(buffers_, key_of(row.fields, partition_), less_);
    buffers_.touch(part->first);
    SortedRows& buffer = part->second;
    Key sort_key = key_of(row.fields, sort_columns_);
    if (!in_buffer_range(buffer, sort_key)) return;
    buffer[sort_key].push_back(row.fields);
    if (uses_number_algorithm()) {
      // Sort keys past the end of the Top-N are dropped.
      buffer.erase(insert_with_row_number(buffer, sort_key, row.fields), buffer.end());
    } else {
      without_row_number(buffer, row.fields);
    }
  }

 private:
  int64_t size(const SortedRows& buffer) const {
    int64_t n = 0;
    for (const auto& [k, rows] : buffer) n += static_cast<int64_t>(rows.size());
    return n;
  }

  bool in_buffer_range(const SortedRows& buffer, const Key& sort_key) const {
    if (buffer.empty()) return true;
    const Key& worst = buffer.rbegin()->first;
    if (less_(sort_key, worst)) return true;
    return size(buffer) < end_;
  }

  void without_row_number(SortedRows& buffer, const std::vector<Value>& input) {
    if (size(buffer) > end_) {
      auto last = std::prev(buffer.end());
      std::vector<Value> last_element = last->second.back();
      size_t n = last->second.size();
      if (n <= 1) buffer.erase(last);
      else last->second.pop_back();
      if (input == last_element) return;
      collect_delete(last_element);
    }
    collect_insert(input);
  }

  KeyedState<SortedRows> buffers_;
};

// FastTop1Function: Top-1 over an insert-only input. The partition key is then a unique key, so a
// better row replaces the kept one with -U/+U (not -D/+I); an equal one does not replace it.
class FastTop1 : public TopNBase {
 public:
  using TopNBase::TopNBase;

  // Checkpoints: one entry per partition key (space 0), incrementally.
  bool checkpointable() const override { return true; }
  void track_changes() override { kept_.track_changes(); }
  void snapshot(StateWriter& out) override { write_keyed(out, 0, kept_, [](ByteWriter& w, const std::vector<Value>& row) { w.values(row); }); }
  void restore(const StateRecord& record) override { restore_keyed(record, kept_, [](ByteReader& in) { return in.values(); }); }

  void process(int, Row& row) override {
    Key part = key_of(row.fields, partition_);
    kept_.touch(part);
    auto it = kept_.find(part);
    if (it == kept_.end()) {
      output(RowKind::kInsert, row.fields, 1);
      kept_.emplace(std::move(part), std::move(row.fields));
      return;
    }
    Key sort_key = key_of(row.fields, sort_columns_);
    if (!less_(sort_key, key_of(it->second, sort_columns_))) return;
    output(RowKind::kUpdateBefore, it->second, 1);
    output(RowKind::kUpdateAfter, row.fields, 1);
    it->second = std::move(row.fields);
  }

 private:
  KeyedState<std::vector<Value>> kept_;
};

class RetractableTopN : public TopNBase {
 public:
  using TopNBase::TopNBase;

  // Checkpoints: one entry per partition key (space 0), incrementally.
  bool checkpointable() const override { return true; }
  void track_changes() override { partitions_.track_changes(); }
  void snapshot(StateWriter& out) override { write_keyed(out, 0, partitions_, [](ByteWriter& w, const SortedRows& rows) { write_sorted(w, rows); }); }
  void restore(const StateRecord& record) override { restore_keyed(record, partitions_, [&](ByteReader& in) { return read_sorted(in); }); }

  void process(int, Row& row) override {
    auto it = partition_of(partitions_, key_of(row.fields, partition_), less_);
    partitions_.touch(it->first);
    SortedRows& rows = it->second;
    Key sort_key = key_of(row.fields, sort_columns_);
    if (is_accumulate(row.kind)) {
      // The new row is stored under its key before ranks are computed (it counts there).
      std::vector<std::vector<Value>>& list = rows[sort_key];
      list.push_back(std::move(row.fields));
      if (uses_number_algorithm()) insert_with_row_number(rows, sort_key, list.back());
      else emit_without_row_number(rows, sort_key, list.back());
      return;
    }
    if (uses_number_algorithm()) retract_with_row_number(rows, sort_key, row.fields);
    else retract_without_row_number(rows, sort_key, row.fields);
    auto found = rows.find(sort_key);
    if (found != rows.end()) {
      auto& list = found->second;
      for (size_t i = 0; i < list.size(); ++i) {
        if (list[i] == row.fields) {
          list.erase(list.begin() + static_cast<std::ptrdiff_t>(i));
          break;
        }
      }
      if (list.empty()) rows.erase(found);
    }
    if (rows.empty()) partitions_.erase(it);
  }

 private:
  void emit_without_row_number(SortedRows& rows, const Key& sort_key, const std::vector<Value>& input) {
    int64_t rank = 0;
    bool found = false;
    bool collect = false;
    const std::vector<Value>* to_delete = nullptr;
    for (auto it = rows.begin(); it != rows.end() && in_rank_end(rank); ++it) {
      if (!found && same_key(it->first, sort_key)) {
        rank += static_cast<int64_t>(it->second.size());
        collect = in_rank_range(rank);
        found = true;
      } else if (found) {
        int64_t last = rank + static_cast<int64_t>(it->second.size());
        if (in_rank_end(last)) {
          rank = last;
        } else {
          to_delete = &it->second[static_cast<size_t>(end_ - rank)];
          break;
        }
      } else {
        rank += static_cast<int64_t>(it->second.size());
      }
    }
    if (to_delete) collect_delete(*to_delete);
    if (collect) collect_insert(input);
  }

  void retract_with_row_number(SortedRows& rows, const Key& sort_key, const std::vector<Value>& input) {
    int64_t rank = 0;
    bool found = false;
    std::vector<Value> prev;
    for (auto it = rows.begin(); it != rows.end() && in_rank_end(rank); ++it) {
      auto& list = it->second;
      // Before the retracted row's key the ranks only add up; from the row on, each row after
      // it moves up one.
      if (!found && !same_key(it->first, sort_key)) {
        rank += static_cast<int64_t>(list.size());
        continue;
      }
      for (size_t i = 0; i < list.size() && in_rank_end(rank); ++i) {
        if (found) {
          collect_update(prev, list[i], rank);
          prev = list[i];
        } else if (list[i] == input) {
          prev = list[i];
          found = true;
        }
        rank += 1;
      }
    }
    if (in_rank_end(rank) && found) collect_delete(prev, rank);
  }

  void retract_without_row_number(SortedRows& rows, const Key& sort_key, const std::vector<Value>& input) {
    int64_t next = 1;
    bool found = false;
    for (auto it = rows.begin(); it != rows.end() && in_rank_end(next); ++it) {
      auto& list = it->second;
      if (!found && same_key(it->first, sort_key)) {
        for (size_t i = 0; i < list.size() && in_rank_end(next); ++i) {
          if (!found && list[i] == input) {
            collect_delete(list[i], next);
            next -= 1;
            found = true;
          } else if (found && next == end_) {
            collect_insert(list[i], next);
          }
          next += 1;
        }
      } else if (found) {
        int64_t last = next + static_cast<int64_t>(list.size()) - 1;
        if (last < end_) {
          next = last + 1;
        } else {
          collect_insert(list[static_cast<size_t>(end_ - next)]);
          break;
        }
      } else {
        next += static_cast<int64_t>(list.size());
      }
    }
  }

  KeyedState<SortedRows> partitions_;
};

}  // namespace

OperatorPtr make_top_n(const sql::PlanNode& rank, bool input_insert_only) {
  if (input_insert_only && rank.rank_start == 1 && rank.rank_end == 1) return std::make_unique<FastTop1>(rank);
  if (input_insert_only) return std::make_unique<AppendOnlyTopN>(rank);
  return std::make_unique<RetractableTopN>(rank);
}

}  // namespace careflow::exec
