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
// time it changes between two checkpoints.

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <vector>

#include "values/value.h"

namespace careflow::exec {

using Key = std::vector<values::Value>;

template <typename V>
class KeyedState : public absl::flat_hash_map<Key, V, values::KeyHash> {
 public:
  // Starts recording changed keys (called once, when the job checkpoints incrementally).
  void track_changes() { tracking_ = true; }
  bool tracking() const { return tracking_; }
  // The entry of `key` changed, appeared or was erased since the last checkpoint.
  void touch(const Key& key) {
    if (tracking_) changed_.insert(key);
  }
  const absl::flat_hash_set<Key, values::KeyHash>& changed() const { return changed_; }
  // A checkpoint wrote the changes: the next one starts from none.
  void clear_changes() { changed_.clear(); }

 private:
  bool tracking_ = false;
  absl::flat_hash_set<Key, values::KeyHash> changed_;
};

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
