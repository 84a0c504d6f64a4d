#pragma once
// Keyed state: one value per key (the GROUP BY key, the join key, the partition key), in memory.
// An open-addressing map: a lookup touches one slot array instead of a node per entry. Entries
// move when it grows, so an operator holds no reference into it across an insert; nothing
// iterates it to produce output, so its unspecified order never shows.
//
// Incremental checkpoints (docs/checkpoints.md): an operator whose state tracks changes calls
// touch(key) after it changes, adds or erases the entry of `key`; a checkpoint then writes only
// those keys (erased ones as tombstones) instead of the whole map. Off (the default), touch costs
// one predictable branch; on, one probe of the changed-key set, which copies a key only the first
// time it changes between two checkpoints. A hot operator whose entries carry a ChangeStamp uses
// touch(key, stamp) instead: a key already recorded since the last checkpoint then costs one
// compare in the entry it just wrote, not a second hash probe (measured: the probe was half of a
// group aggregate's checkpointing cost, more than writing the checkpoints).

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <absl/container/node_hash_map.h>

#include <vector>

#include "values/value.h"

namespace careflow::exec {

using Key = std::vector<values::Value>;

// Kept in an entry by operators that use KeyedState::touch(key, stamp): the checkpoint interval
// in which the entry's key was last recorded as changed (0: never; a restored entry starts so).
struct ChangeStamp {
  uint64_t interval = 0;
};

template <typename V, typename Map = absl::flat_hash_map<Key, V, values::KeyHash>>
class KeyedState : public Map {
 public:
  // Starts recording changed keys (called once, when the job checkpoints incrementally).
  void track_changes() { tracking_ = true; }
  bool tracking() const { return tracking_; }
  // The entry of `key` changed, appeared or was erased since the last checkpoint.
  void touch(const Key& key) {
    if (tracking_ && !all_changed_) record(key);
  }
  // The same for the present entry of `key` whose stamp is `stamp`: records the key once per
  // checkpoint interval. An erased entry takes its stamp with it: touch(key) records that.
  void touch(const Key& key, ChangeStamp& stamp) {
    if (tracking_ && stamp.interval != interval_) {
      stamp.interval = interval_;
      if (!all_changed_) record(key);
    }
  }
  // Whether so many keys changed that the next checkpoint rewrites the state whole rather than
  // key by key (changed() is then empty): past half the entries, walking the map costs less than
  // looking each changed key up, and recording more keys would only cost copies.
  bool all_changed() const { return all_changed_; }
  const absl::flat_hash_set<Key, values::KeyHash>& changed() const { return changed_; }
  // A checkpoint wrote the changes: the next one starts from none, and every stamp is stale.
  void clear_changes() {
    changed_.clear();
    all_changed_ = false;
    ++interval_;
  }

 private:
  static constexpr size_t kFewChanges = 1024;  // below this many, a state is never rewritten whole

  void record(const Key& key) {
    changed_.insert(key);
    if (changed_.size() >= kFewChanges && changed_.size() * 2 > this->size()) {
      all_changed_ = true;
      changed_.clear();
    }
  }

  bool tracking_ = false;
  bool all_changed_ = false;
  uint64_t interval_ = 1;
  absl::flat_hash_set<Key, values::KeyHash> changed_;
};

// Keyed state in a node-based map: an entry never moves, so an operator may point at it (a timer
// queue naming its key without a copy of the key) until the entry is erased. Costs an allocation
// per key and a pointer chase per lookup; saves the slack of an open-addressing map whose entries
// are large.
template <typename V>
using StableKeyedState = KeyedState<V, absl::node_hash_map<Key, V, values::KeyHash>>;

inline Key key_of(const std::vector<values::Value>& fields, const std::vector<int>& indexes) {
  Key k;
  k.reserve(indexes.size());
  for (int i : indexes) k.push_back(fields[static_cast<size_t>(i)]);
  return k;
}

// The same into a key an operator keeps for reuse: looking a key up then allocates nothing once
// the buffer has grown (values are assigned in place, strings keep their capacity).
inline void fill_key(Key& k, const std::vector<values::Value>& fields, const std::vector<int>& indexes) {
  k.resize(indexes.size());
  for (size_t j = 0; j < indexes.size(); ++j) k[j] = fields[static_cast<size_t>(indexes[j])];
}

inline bool key_has_null(const Key& k) {
  for (const values::Value& v : k) {
    if (v.is_null()) return true;
  }
  return false;
}

}  // namespace careflow::exec
