#pragma once
// The rows one side of a join keeps per join key (Flink's JoinRecordStateView for an input without
// a unique key): each distinct row with how many times it is present and, for an outer side, how
// many rows of the other side it currently joins with. Rows stay in arrival order, so the output
// order is deterministic.

#include <vector>

#include "exec/checkpoint/state_io.h"
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
  // The records of `key`, which the caller may change (association counts): counted as a change.
  std::vector<JoinRecord>* records(const Key& key) {
    auto it = state_.find(key);
    if (it == state_.end()) return nullptr;
    state_.touch(key);
    return &it->second;
  }
  void add(const Key& key, std::vector<Value> row, int64_t associations) {
    state_.touch(key);
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
    state_.touch(key);
    std::vector<JoinRecord>& list = it->second;
    for (size_t i = 0; i < list.size(); ++i) {
      if (list[i].row == row) {
        if (--list[i].count == 0) list.erase(list.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    }
    if (list.empty()) state_.erase(it);
  }

  // Checkpoints: the side's keyed state in `space` (state_io.h).
  void track_changes() { state_.track_changes(); }
  void snapshot(StateWriter& out, uint8_t space) {
    write_keyed(out, space, state_, [](ByteWriter& w, const std::vector<JoinRecord>& list) {
      w.varint(list.size());
      for (const JoinRecord& r : list) {
        w.values(r.row);
        w.svarint(r.count);
        w.svarint(r.associations);
      }
    });
  }
  void restore(const StateRecord& record) {
    restore_keyed(record, state_, [](ByteReader& in) {
      std::vector<JoinRecord> list(in.count());
      for (JoinRecord& r : list) {
        r.row = in.values();
        r.count = in.svarint();
        r.associations = in.svarint();
      }
      return list;
    });
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
