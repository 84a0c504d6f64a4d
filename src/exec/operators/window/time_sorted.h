#pragma once
// A key's window times and what hangs off them (slices by end, pending timers, CUMULATE's running
// windows), kept in a small sorted vector instead of a std::map / std::set: a key of a TUMBLE has one
// slice and one timer at a time, a HOP of size / slide = n at most n slices, and rows mostly arrive
// in time order, so an entry goes at the end. A tree node per entry (48 bytes inline and a 48- to
// 80-byte node each) was half of a window aggregation's memory per key; inline storage for the
// first entry makes the common case allocate nothing at all.

#include <absl/container/inlined_vector.h>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace careflow::exec::window {

// Entries of (time, V) sorted by time, times unique; `Storage` a vector-like of std::pair<int64_t, V>.
template <typename V, typename Storage = absl::InlinedVector<std::pair<int64_t, V>, 1>>
class TimeSortedMap {
 public:
  using value_type = std::pair<int64_t, V>;
  using iterator = typename Storage::iterator;
  using const_iterator = typename Storage::const_iterator;

  iterator begin() { return entries_.begin(); }
  iterator end() { return entries_.end(); }
  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

  // The first entry later than `time`.
  iterator upper_bound(int64_t time) {
    // Most lookups are for the newest time: check the back before searching.
    if (entries_.empty() || entries_.back().first <= time) return entries_.end();
    return std::upper_bound(entries_.begin(), entries_.end(), time,
                            [](int64_t t, const value_type& e) { return t < e.first; });
  }
  iterator lower_bound(int64_t time) {
    if (entries_.empty() || entries_.back().first < time) return entries_.end();
    return std::lower_bound(entries_.begin(), entries_.end(), time,
                            [](const value_type& e, int64_t t) { return e.first < t; });
  }
  iterator find(int64_t time) {
    auto it = lower_bound(time);
    return it != entries_.end() && it->first == time ? it : entries_.end();
  }
  // The entry at `time`, default-constructed when there was none; true when it was added.
  std::pair<iterator, bool> try_emplace(int64_t time) {
    auto it = lower_bound(time);
    if (it != entries_.end() && it->first == time) return {it, false};
    return {entries_.emplace(it, time, V{}), true};
  }
  V& operator[](int64_t time) { return try_emplace(time).first->second; }
  iterator erase(iterator it) { return entries_.erase(it); }
  iterator erase(iterator first, iterator last) { return entries_.erase(first, last); }

 private:
  Storage entries_;
};

// Unique times, sorted: a key's pending window timers.
class TimeSortedSet {
 public:
  using const_iterator = absl::InlinedVector<int64_t, 1>::const_iterator;
  const_iterator begin() const { return times_.begin(); }
  const_iterator end() const { return times_.end(); }
  size_t size() const { return times_.size(); }
  bool empty() const { return times_.empty(); }

  // False when `time` was there already.
  bool insert(int64_t time) {
    if (times_.empty() || times_.back() < time) {
      times_.push_back(time);
      return true;
    }
    auto it = std::lower_bound(times_.begin(), times_.end(), time);
    if (*it == time) return false;
    times_.insert(it, time);
    return true;
  }
  size_t erase(int64_t time) {
    auto it = std::lower_bound(times_.begin(), times_.end(), time);
    if (it == times_.end() || *it != time) return 0;
    times_.erase(it);
    return 1;
  }

 private:
  absl::InlinedVector<int64_t, 1> times_;
};

}  // namespace careflow::exec::window
