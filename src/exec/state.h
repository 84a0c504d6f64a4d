#pragma once
// Keyed state: one value per key (the GROUP BY key, the join key, the partition key), in memory.
// Kept behind this alias so that part 2 can swap in a snapshotting implementation without
// touching the operators. An open-addressing map: a lookup touches one slot array instead of a
// node per entry. Entries move when it grows, so an operator holds no reference into it across
// an insert; nothing iterates it to produce output, so its unspecified order never shows.

#include <absl/container/flat_hash_map.h>

#include <vector>

#include "values/value.h"

namespace careflow::exec {

using Key = std::vector<values::Value>;

template <typename V>
using KeyedState = absl::flat_hash_map<Key, V, values::KeyHash>;

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
