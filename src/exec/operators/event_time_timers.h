#pragma once
// Event-time timers as Flink keeps them (InternalTimerServiceImpl over the heap state backend's
// HeapPriorityQueue): a binary heap ordered by time alone, stored from index 1, with Flink's
// sift-up / sift-down rules. Timers of equal time fire in the order that heap gives them, which is
// not their registration order (A, B, C registered at one time fire A, C, B): keeping the same
// heap is what makes an operator keyed by many keys emit in Flink's order.
//
// Each target (a key's state) has at most one timer here, and says where it is in the heap
// (`timer_index`, 0 when it has none), so removing it costs no search. Targets must not move while
// they have a timer (keep them in a node-based map).

#include <cstddef>
#include <cstdint>
#include <vector>

namespace careflow::exec {

template <typename Target>
class EventTimeTimers {
 public:
  struct Timer {
    int64_t time;
    Target* target;
  };

  EventTimeTimers() : heap_(1) {}

  bool empty() const { return heap_.size() == 1; }
  // The earliest timer; only when !empty().
  const Timer& peek() const { return heap_[1]; }

  // `target` must have no timer (timer_index == 0).
  void add(int64_t time, Target* target) {
    heap_.push_back({time, target});
    const size_t index = heap_.size() - 1;
    target->timer_index = index;
    sift_up(index);
  }

  // Removes `target`'s timer, if it has one.
  void remove(Target* target) {
    if (target->timer_index != 0) remove_at(target->timer_index);
  }

  // Removes and returns the earliest timer; only when !empty().
  Timer poll() { return remove_at(1); }

  // Checkpoints: the heap's entries in array order, and each put back in that order into an
  // empty one (a heap written whole is a valid heap: no sifting, so equal times keep their order).
  const Timer* begin() const { return heap_.data() + 1; }
  const Timer* end() const { return heap_.data() + heap_.size(); }
  void restore_next(int64_t time, Target* target) {
    heap_.push_back({time, target});
    target->timer_index = heap_.size() - 1;
  }
  void clear() { heap_.resize(1); }

 private:
  Timer remove_at(size_t index) {
    Timer removed = heap_[index];
    removed.target->timer_index = 0;
    const size_t last = heap_.size() - 1;
    if (index != last) {
      move_to(heap_[last], index);
      heap_.pop_back();
      // Flink's adjustElementAtIndex: down first, then up if it did not move.
      const Target* moved = heap_[index].target;
      sift_down(index);
      if (heap_[index].target == moved) sift_up(index);
    } else {
      heap_.pop_back();
    }
    return removed;
  }

  void sift_up(size_t index) {
    const Timer current = heap_[index];
    size_t parent = index >> 1;
    while (parent > 0 && current.time < heap_[parent].time) {
      move_to(heap_[parent], index);
      index = parent;
      parent >>= 1;
    }
    move_to(current, index);
  }

  void sift_down(size_t index) {
    const size_t size = heap_.size() - 1;
    const Timer current = heap_[index];
    size_t child = index << 1;
    if (child + 1 <= size && heap_[child + 1].time < heap_[child].time) ++child;
    while (child <= size && heap_[child].time < current.time) {
      move_to(heap_[child], index);
      index = child;
      child = index << 1;
      if (child + 1 <= size && heap_[child + 1].time < heap_[child].time) ++child;
    }
    move_to(current, index);
  }

  void move_to(const Timer& timer, size_t index) {
    heap_[index] = timer;
    timer.target->timer_index = index;
  }

  std::vector<Timer> heap_;  // heap_[0] unused, as Flink's QUEUE_HEAD_INDEX = 1
};

}  // namespace careflow::exec
