#pragma once
// The rows one side of a join keeps per join key (Flink's JoinRecordStateView for an input without
// a unique key): each distinct row with how many times it is present and, for an outer side, how
// many rows of the other side it currently joins with. Rows stay in arrival order, so the output
// order is deterministic.

#include <vector>

#include "exec/row.h"
#include "exec/state.h"

namespace careflow::exec {

struct JoinRecord {
  std::vector<Value> row;
  int64_t count = 0;         // multiplicity
  int64_t associations = 0;  // matches on the other side (outer sides only)
};

class JoinSideState {
 public:
  std::vector<JoinRecord>* records(const Key& key) {
    auto it = state_.find(key);
    return it == state_.end() ? nullptr : &it->second;
  }
  void add(const Key& key, std::vector<Value> row, int64_t associations) {
    std::vector<JoinRecord>& list = state_[key];
    for (JoinRecord& r : list) {
      if (r.row == row) {
        ++r.count;
        r.associations = associations;
        return;
      }
    }
    list.push_back({std::move(row), 1, associations});
  }
  void retract(const Key& key, const std::vector<Value>& row) {
    auto it = state_.find(key);
    if (it == state_.end()) return;
    std::vector<JoinRecord>& list = it->second;
    for (size_t i = 0; i < list.size(); ++i) {
      if (list[i].row == row) {
        if (--list[i].count == 0) list.erase(list.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    }
    if (list.empty()) state_.erase(it);
  }


 private:
  KeyedState<std::vector<JoinRecord>> state_;
};

// One matching record of the other side as Flink's AssociatedRecords lists it: a record present
// n times appears n times, each with the association count it had when the input arrived. The
// record is updated in place (its list is not reshaped while one input row is processed).
struct Associated {
  JoinRecord* record;
  int64_t associations;
  const std::vector<Value>& row() const { return record->row; }
};

}  // namespace careflow::exec
