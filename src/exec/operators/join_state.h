#pragma once
// The rows one side of a join keeps per join key (Flink's JoinRecordStateView for an input without
// a unique key): each distinct row with how many times it is present and, for an outer side, how
// many rows of the other side it currently joins with. Rows stay in arrival order, so the output
// order is deterministic. With state TTL each record expires on its own, `ttl` after its last
// write (Flink's MapState entries: adding, retracting and changing its association count write
// it); an expired record is gone before anyone reads the key.
//
// Adding a row first looks for an equal record, to count it. A key with few records is scanned; one
// with more (a bidder's bids, an auction's bids) gets an index from row hash to record, as Flink's
// MapState<RowData, count> hashes the row — scanning made a key's n-th row cost n comparisons, so a
// hot key's state cost grew with the square of its rows (Nexmark q23, q4). An indexed key leaves a
// retracted record in place with count 0 (erasing from the middle would renumber the index) until
// dead records are half the list; readers of records() skip them.

#include <absl/container/flat_hash_map.h>

#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "exec/checkpoint/state_io.h"
#include "exec/operators/state_ttl.h"
#include "exec/row.h"
#include "exec/state.h"

namespace careflow::exec {

struct JoinRecord {
  std::vector<Value> row;
  int64_t count = 0;         // multiplicity; 0: retracted, awaiting compaction (skip it)
  int64_t associations = 0;  // matches on the other side (outer sides only)
  int64_t written_ms = 0;    // processing time of the last write (state TTL)
};

class JoinSideState {
 public:
  // How a row is hashed for a key's index; tests pass a weak one to force collisions.
  using RowHash = size_t (*)(const std::vector<Value>& row);
  static size_t hash_row(const std::vector<Value>& row) { return values::KeyHash{}(row); }

  explicit JoinSideState(const StateTtl* ttl = &StateTtl::none(), RowHash row_hash = &hash_row)
      : ttl_(ttl), row_hash_(row_hash) {}

  // The processing time the rows of the input being processed are written at; expired state is
  // dropped as of then (the whole state once per TTL period).
  void set_now(int64_t now) {
    now_ = now;
    if (!ttl_->sweep_due(now, next_sweep_ms_)) return;
    for (auto it = state_.begin(); it != state_.end();) {
      if (drop_expired(it->first, it->second)) state_.erase(it++);
      else ++it;
    }
  }

  // The records of `key`, which the caller may change (association counts, through
  // set_associations): counted as a change. Records with count 0 are to be skipped. nullptr when
  // there are none.
  std::vector<JoinRecord>* records(const Key& key) {
    auto it = state_.find(key);
    if (it == state_.end()) return nullptr;
    state_.touch(key, it->second.stamp);
    if (drop_expired(it->first, it->second)) {
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
    drop_expired(key, entry);
    const size_t hash = entry.index ? row_hash_(row) : 0;
    if (const size_t i = find(entry, row, hash); i != kNone) {
      JoinRecord& r = entry.list[i];
      ++r.count;
      r.associations = associations;
      r.written_ms = now_;
      return;
    }
    entry.list.push_back({std::move(row), 1, associations, now_});
    if (entry.index) index_last(*entry.index, entry.list, hash);
    else if (entry.list.size() > kIndexFrom) build_index(entry);
  }
  void retract(const Key& key, const std::vector<Value>& row) {
    auto it = state_.find(key);
    if (it == state_.end()) return;
    state_.touch(key, it->second.stamp);
    Records& entry = it->second;
    drop_expired(key, entry);
    const size_t i = find(entry, row, entry.index ? row_hash_(row) : 0);
    if (i != kNone) {
      if (--entry.list[i].count == 0) remove(entry, i);
      else entry.list[i].written_ms = now_;
    }
    if (live(entry) == 0) state_.erase(it);
  }

  // Checkpoints: the side's keyed state in `space` (state_io.h); retracted records are left out.
  void track_changes() { state_.track_changes(); }
  void snapshot(StateWriter& out, uint8_t space) {
    write_keyed(out, space, state_, [](ByteWriter& w, const Records& entry) {
      w.varint(live(entry));
      for (const JoinRecord& r : entry.list) {
        if (r.count == 0) continue;
        w.values(r.row);
        w.svarint(r.count);
        w.svarint(r.associations);
      }
      for (const JoinRecord& r : entry.list) {
        if (r.count != 0) w.svarint(r.written_ms);
      }
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
        if (r.count <= 0) throw StateFormatError("a join record present " + std::to_string(r.count) + " times");
      }
      // Checkpoints written before state TTL have no write times: the restore counts as one.
      for (JoinRecord& r : list) r.written_ms = in.done() ? ttl_->now() : in.svarint();
      if (list.size() > kIndexFrom) build_index(entry);
      return entry;
    });
  }

 private:
  static constexpr size_t kNone = std::numeric_limits<size_t>::max();
  static constexpr size_t kIndexFrom = 8;  // records a key holds before it is indexed

  struct RowIndex {
    // A row hash → a live record with that hash. Two different live rows with one hash (`collided`)
    // keep the first indexed; a lookup that lands on the other row then scans.
    absl::flat_hash_map<size_t, uint32_t> by_hash;
    size_t dead = 0;  // records with count 0 still in the list
    bool collided = false;
  };
  // A key's records, with the stamp that records the key as changed once per checkpoint interval.
  struct Records {
    std::vector<JoinRecord> list;
    ChangeStamp stamp;
    std::unique_ptr<RowIndex> index;  // past kIndexFrom records
  };

  static size_t live(const Records& entry) { return entry.list.size() - (entry.index ? entry.index->dead : 0); }

  // The position of the live record equal to `row` (whose hash is `hash` when the key is indexed).
  static size_t find(const Records& entry, const std::vector<Value>& row, size_t hash) {
    const std::vector<JoinRecord>& list = entry.list;
    if (entry.index) {
      auto it = entry.index->by_hash.find(hash);
      if (it == entry.index->by_hash.end()) return kNone;
      if (list[it->second].row == row) return it->second;
      if (!entry.index->collided) return kNone;
    }
    for (size_t i = 0; i < list.size(); ++i) {
      if (list[i].count != 0 && list[i].row == row) return i;
    }
    return kNone;
  }

  static void index_last(RowIndex& index, const std::vector<JoinRecord>& list, size_t hash) {
    auto [it, inserted] = index.by_hash.try_emplace(hash, static_cast<uint32_t>(list.size() - 1));
    if (!inserted) index.collided = true;
  }

  void build_index(Records& entry) const {
    entry.index = std::make_unique<RowIndex>();
    entry.index->by_hash.reserve(entry.list.size());
    for (size_t i = 0; i < entry.list.size(); ++i) {
      auto [it, inserted] = entry.index->by_hash.try_emplace(row_hash_(entry.list[i].row), static_cast<uint32_t>(i));
      if (!inserted) entry.index->collided = true;
    }
  }

  // Record `i` of an entry went to count 0.
  void remove(Records& entry, size_t i) const {
    std::vector<JoinRecord>& list = entry.list;
    if (!entry.index) {
      list.erase(list.begin() + static_cast<std::ptrdiff_t>(i));
      return;
    }
    RowIndex& index = *entry.index;
    const size_t hash = row_hash_(list[i].row);
    if (auto it = index.by_hash.find(hash); it != index.by_hash.end() && it->second == i) {
      index.by_hash.erase(it);
      if (index.collided) {  // another live row with this hash takes its place in the index
        for (size_t j = 0; j < list.size(); ++j) {
          if (j != i && list[j].count != 0 && row_hash_(list[j].row) == hash) {
            index.by_hash.emplace(hash, static_cast<uint32_t>(j));
            break;
          }
        }
      }
    }
    list[i].row = {};  // its values are not needed any more
    if (++index.dead * 2 > list.size()) compact(entry);
  }

  // Drops the dead records; the index is rebuilt, or dropped when few records are left.
  void compact(Records& entry) const {
    std::erase_if(entry.list, [](const JoinRecord& r) { return r.count == 0; });
    if (entry.list.size() > kIndexFrom) build_index(entry);
    else entry.index.reset();
  }

  // Removes the expired (and dead) records of `entry` (touching `key`); whether none is left.
  bool drop_expired(const Key& key, Records& entry) {
    if (!ttl_->enabled()) return live(entry) == 0;
    const size_t before = entry.list.size();
    std::erase_if(entry.list, [&](const JoinRecord& r) { return r.count == 0 || ttl_->expired(r.written_ms, now_); });
    if (entry.list.size() != before) {
      state_.touch(key);
      if (entry.index) compact(entry);
    }
    return entry.list.empty();
  }

  const StateTtl* ttl_;
  RowHash row_hash_;
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
