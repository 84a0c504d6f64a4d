#pragma once
// Keyed state: one value per key (the GROUP BY key, the join key, the partition key), in memory.
// Kept behind this alias so that part 2 can swap in a snapshotting implementation without
// touching the operators.

#include <unordered_map>
#include <vector>

#include "sql/value.h"

namespace careflow::exec {

using Key = std::vector<sql::Value>;

template <typename V>
using KeyedState = std::unordered_map<Key, V, sql::KeyHash>;

inline Key key_of(const std::vector<sql::Value>& fields, const std::vector<int>& indexes) {
  Key k;
  k.reserve(indexes.size());
  for (int i : indexes) k.push_back(fields[static_cast<size_t>(i)]);
  return k;
}

inline bool key_has_null(const Key& k) {
  for (const sql::Value& v : k) {
    if (v.is_null()) return true;
  }
  return false;
}

}  // namespace careflow::exec
