#pragma once
// The rows one side of a join keeps per join key (Flink's JoinRecordStateView for an input without
// a unique key): each distinct row with how many times it is present and, for an outer side, how
// many rows of the other side it currently joins with. Rows stay in arrival order, so the output
// order is deterministic. With state TTL each record expires on its own, `ttl` after its last
// write (Flink's MapState entries: adding, retracting and changing its association count write
// it); an expired record is gone before anyone reads the key.

#include <limits>
#include <vector>

#include "exec/checkpoint/state_io.h"
#include "exec/operators/state_ttl.h"
#include "exec/row.h"
#include "exec/state.h"

namespace careflow::exec {

struct JoinRecord {
  std::vector<Value> row;
  int64_t count = 0;         // multiplicity
  int64_t associations = 0;  // matches on the other side (outer sides only)
  int64_t written_ms = 0;    // processing time of the last write (state TTL)
};

class JoinSideState {
 public:
  explicit JoinSideState(const StateTtl* ttl = &StateTtl::none()) : ttl_(ttl) {}

  // The processing time the rows of the input being processed are written at; expired state is
  // dropped as of then (the whole state once per TTL period).
  void set_now(int64_t now) {
    now_ = now;
    if (!ttl_->sweep_due(now, next_sweep_ms_)) return;
    for (auto it = state_.begin(); it != state_.end();) {
      if (drop_expired(it->first, it->second.list)) state_.erase(it++);
      else ++it;
    }
  }

  // The live records of `key`, which the caller may change (association counts, through
  // set_associations): counted as a change. nullptr when there are none.
  std::vector<JoinRecord>* records(const Key& key) {
    auto it = state_.find(key);
    if (it == state_.end()) return nullptr;
    state_.touch(key, it->second.stamp);
    if (drop_expired(it->first, it->second.list)) {
      state_.erase(it);
      return nullptr;
    }
    return &it->second.list;
  }
  void set_associations(JoinRecord& r, int64_t associations) const {
    r.associations = associations;
    r.written_ms = now_;
  }
  void add(const Key& key, std::vector<Value> row, int64_t associations) {
    Records& entry = state_[key];
    state_.touch(key, entry.stamp);
    std::vector<JoinRecord>& list = entry.list;
    drop_expired(key, list);
    for (JoinRecord& r : list) {
      if (r.row == row) {
        ++r.count;
        r.associations = associations;
        r.written_ms = now_;
        return;
      }
    }
    list.push_back({std::move(row), 1, associations, now_});
  }
  void retract(const Key& key, const std::vector<Value>& row) {
    auto it = state_.find(key);
    if (it == state_.end()) return;
    state_.touch(key, it->second.stamp);
    std::vector<JoinRecord>& list = it->second.list;
    drop_expired(key, list);
    for (size_t i = 0; i < list.size(); ++i) {
      if (list[i].row == row) {
        if (--list[i].count == 0) list.erase(list.begin() + static_cast<std::ptrdiff_t>(i));
        else list[i].written_ms = now_;
        break;
      }
    }
    if (list.empty()) state_.erase(it);
  }

  // Checkpoints: the side's keyed state in `space` (state_io.h).
  void track_changes() { state_.track_changes(); }
  void snapshot(StateWriter& out, uint8_t space) {
    write_keyed(out, space, state_, [](ByteWriter& w, const Records& entry) {
      const std::vector<JoinRecord>& list = entry.list;
      w.varint(list.size());
      for (const JoinRecord& r : list) {
        w.values(r.row);
        w.svarint(r.count);
        w.svarint(r.associations);
      }
      for (const JoinRecord& r : list) w.svarint(r.written_ms);
    });
  }
  void restore(const StateRecord& record) {
    restore_keyed(record, state_, [this](ByteReader& in) {
      Records entry;
      std::vector<JoinRecord>& list = entry.list;
      list.resize(in.count());
      for (JoinRecord& r : list) {
        r.row = in.values();
        r.count = in.svarint();
        r.associations = in.svarint();
      }
      // Checkpoints written before state TTL have no write times: the restore counts as one.
      for (JoinRecord& r : list) r.written_ms = in.done() ? ttl_->now() : in.svarint();
      return entry;
    });
  }

 private:
  // A key's records, with the stamp that records the key as changed once per checkpoint interval.
  struct Records {
    std::vector<JoinRecord> list;
    ChangeStamp stamp;
  };

  // Removes the expired records of `list` (touching `key`); whether none is left.
  bool drop_expired(const Key& key, std::vector<JoinRecord>& list) {
    if (!ttl_->enabled()) return list.empty();
    const size_t before = list.size();
    std::erase_if(list, [&](const JoinRecord& r) { return ttl_->expired(r.written_ms, now_); });
    if (list.size() != before) state_.touch(key);
    return list.empty();
  }

  const StateTtl* ttl_;
  int64_t now_ = 0;
  int64_t next_sweep_ms_ = std::numeric_limits<int64_t>::min();
  KeyedState<Records> state_;
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
