// JavaLongHashMap iterates as java.util.HashMap<Long, V> does. The expected orders were printed by
// Java 17 running the same operations (HashMap.put, Iterator.remove, entrySet iteration).
#include "exec/operators/java_long_hash_map.h"

#include <gtest/gtest.h>

#include <vector>

namespace careflow::exec {
namespace {

std::vector<int> values_in_order(JavaLongHashMap<int>& m) {
  std::vector<int> out;
  m.visit_removing([&](auto& e) {
    out.push_back(e.value);
    return false;
  });
  return out;
}

TEST(JavaLongHashMapTest, IteratesInJavaOrderThroughResizesRemovalsAndNegativeKeys) {
  JavaLongHashMap<int> m;
  const int64_t base = 1704103200000;  // 2024-01-01 10:00:00 UTC
  for (int i = 0; i < 40; ++i) m[base + static_cast<int64_t>(i) * 37013 % 600000] = i;
  int n = 0;
  m.visit_removing([&](auto&) { return n++ % 3 == 0; });
  for (int i = 40; i < 45; ++i) m[-5000 + i] = i;
  const std::vector<int> java = {30, 39, 6,  15, 21, 9,  18, 33, 20, 26, 23, 14, 44, 16, 43, 42,
                                 2,  41, 5,  8,  40, 10, 13, 38, 35, 1,  22, 0,  19, 25, 28};
  EXPECT_EQ(values_in_order(m), java);
  EXPECT_EQ(m.size(), java.size());
}

TEST(JavaLongHashMapTest, PutOfAnExistingKeyKeepsItsPlaceAndClearStartsOver) {
  JavaLongHashMap<int> m;
  m[17] = 1;
  m[1] = 2;
  m[17] = 3;  // HashMap.put of an existing key: same entry, new value
  ASSERT_NE(m.find(17), nullptr);
  EXPECT_EQ(*m.find(17), 3);
  EXPECT_EQ(m.find(2), nullptr);
  // 17 and 1 share bucket 1 (of 16): insertion order there (Java prints [3, 2]).
  EXPECT_EQ(values_in_order(m), (std::vector<int>{3, 2}));
  m.clear();
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(values_in_order(m), std::vector<int>{});
}

// A checkpoint's copy (capacity + entries in order) iterates and grows as the original: after
// removals that left a large table, and with whole-second keys that pile into few buckets (the
// treeify resize of a table under 64 buckets).
TEST(JavaLongHashMapTest, RestoredCopyIteratesAndGrowsAsTheOriginal) {
  JavaLongHashMap<int> m;
  const int64_t base = 1704103200000;
  for (int i = 0; i < 30; ++i) m[base + i * 1000] = i;
  int n = 0;
  m.visit_removing([&](auto&) { return n++ % 4 != 0; });
  JavaLongHashMap<int> copy;
  copy.restore_capacity(m.capacity());
  m.visit([&](const auto& e) { copy.restore_append(e.key, e.value); });
  EXPECT_EQ(copy.capacity(), m.capacity());
  EXPECT_EQ(copy.size(), m.size());
  EXPECT_EQ(values_in_order(copy), values_in_order(m));
  for (int i = 30; i < 90; ++i) {
    m[base + i * 1000] = i;
    copy[base + i * 1000] = i;
    ASSERT_EQ(values_in_order(copy), values_in_order(m)) << i;
  }
  EXPECT_EQ(copy.capacity(), m.capacity());
  JavaLongHashMap<int> empty, empty_copy;
  empty_copy.restore_capacity(empty.capacity());
  empty_copy[5] = 1;
  empty[5] = 1;
  EXPECT_EQ(empty_copy.capacity(), empty.capacity());
}

}  // namespace
}  // namespace careflow::exec
