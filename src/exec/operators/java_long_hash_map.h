#pragma once
// A map from int64 keys that iterates in the order java.util.HashMap<Long, V> does, so that an
// operator whose output order follows the iteration of a Flink MapState<Long, ...> (the heap state
// backend keeps one HashMap per key) emits rows in Flink's order. Java's order: bucket by bucket
// (bucket = spread(Long.hashCode(key)) & (capacity - 1)), and inside a bucket in the order the
// keys went in (a resize splits a bucket keeping that order). The table starts at 16 buckets on
// the first put and doubles when the size passes 3/4 of the capacity, or when one bucket reaches
// 9 entries while the capacity is under 64 (treeifyBin's resize). A bucket Java would turn into a
// tree (9 entries in a table of 64 or more) keeps insertion order here: Java's tree bins order
// new entries by the tree, which this does not follow (it takes 9 keys colliding in one bucket).
//
// clear() forgets the capacity, as Flink's HeapMapState.clear() drops the whole map; removing
// entries one by one keeps it, as Java's does.

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace careflow::exec {

template <typename V>
class JavaLongHashMap {
 public:
  struct Entry {
    int64_t key;
    V value;
  };

  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }

  // The value under `key`, or nullptr.
  V* find(int64_t key) {
    if (buckets_.empty()) return nullptr;
    for (Entry& e : buckets_[index(key)]) {
      if (e.key == key) return &e.value;
    }
    return nullptr;
  }

  // The value under `key`, inserted default-constructed (HashMap.put of a new key) when missing.
  V& operator[](int64_t key) {
    if (V* v = find(key)) return *v;
    if (buckets_.empty()) resize();
    std::vector<Entry>* bucket = &buckets_[index(key)];
    bucket->push_back({key, V{}});
    const size_t at = bucket->size() - 1;
    if (bucket->size() >= kTreeifyThreshold + 1 && buckets_.size() < kMinTreeifyCapacity) {
      resize();
      bucket = &buckets_[index(key)];
      for (size_t i = 0; i < bucket->size(); ++i) {
        if ((*bucket)[i].key == key) return (*bucket)[i].value;
      }
    }
    if (++size_ > threshold_) {
      resize();
      bucket = &buckets_[index(key)];
      for (size_t i = 0; i < bucket->size(); ++i) {
        if ((*bucket)[i].key == key) return (*bucket)[i].value;
      }
    }
    return (*bucket)[at].value;
  }

  // Visits every entry in Java's iteration order; `visit(Entry&)` returns true to remove it (as
  // Iterator.remove()). `visit` must not insert into this map.
  template <typename F>
  void visit_removing(F&& visit) {
    for (std::vector<Entry>& bucket : buckets_) {
      for (size_t i = 0; i < bucket.size();) {
        if (visit(bucket[i])) {
          bucket.erase(bucket.begin() + static_cast<std::ptrdiff_t>(i));
          --size_;
        } else {
          ++i;
        }
      }
    }
  }

  // Checkpoints: the bucket count (0 before the first put), and every entry in iteration order.
  // A map restored with restore_capacity(c) and restore_append of each entry in that order has the
  // same buckets, each in the same order, so it iterates and later grows exactly as the original
  // (putting the entries back through operator[] would not: removals keep a capacity, and a
  // bucket's treeify resize would happen at another point).
  size_t capacity() const { return buckets_.size(); }
  template <typename F>
  void visit(F&& f) const {
    for (const std::vector<Entry>& bucket : buckets_) {
      for (const Entry& e : bucket) f(e);
    }
  }
  // Into an empty map: `capacity` is a power of two >= 16, or 0 (then restore_append is not called).
  void restore_capacity(size_t capacity) {
    buckets_.assign(capacity, {});
    size_ = 0;
    threshold_ = capacity == 0 ? 0 : capacity / 4 * 3;
  }
  // Appends an entry in iteration order (keys are distinct, none present yet).
  void restore_append(int64_t key, V value) {
    buckets_[index(key)].push_back({key, std::move(value)});
    ++size_;
  }

  void clear() {
    buckets_.clear();
    buckets_.shrink_to_fit();
    size_ = 0;
    threshold_ = 0;
  }

 private:
  static constexpr size_t kInitialCapacity = 16, kTreeifyThreshold = 8, kMinTreeifyCapacity = 64;

  // Long.hashCode, then HashMap.hash's spreading of the high bits.
  static uint32_t spread(int64_t key) {
    const auto u = static_cast<uint64_t>(key);
    const auto h = static_cast<uint32_t>(u ^ (u >> 32));
    return h ^ (h >> 16);
  }
  size_t index(int64_t key) const { return spread(key) & (buckets_.size() - 1); }

  void resize() {
    const size_t capacity = buckets_.empty() ? kInitialCapacity : buckets_.size() * 2;
    std::vector<std::vector<Entry>> next(capacity);
    for (std::vector<Entry>& bucket : buckets_) {
      for (Entry& e : bucket) next[spread(e.key) & (capacity - 1)].push_back(std::move(e));
    }
    buckets_ = std::move(next);
    threshold_ = capacity / 4 * 3;
  }

  std::vector<std::vector<Entry>> buckets_;
  size_t size_ = 0;
  size_t threshold_ = 0;
};

}  // namespace careflow::exec
