// Flink's timer heap: timers fire by time, and timers of equal time in the order Flink's
// HeapPriorityQueue gives them (observed through the temporal join on Flink 1.20.4:
// tests/sql/join/temporal_join_keys.test), which is not registration order.
#include "exec/operators/event_time_timers.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace careflow::exec {
namespace {

struct Target {
  std::string name;
  size_t timer_index = 0;
};

std::string drain(EventTimeTimers<Target>& timers) {
  std::string order;
  while (!timers.empty()) order += timers.poll().target->name;
  return order;
}

TEST(EventTimeTimers, EqualTimesFireInFlinksHeapOrder) {
  Target a{"A"}, b{"B"}, c{"C"}, d{"D"}, e{"E"};
  EventTimeTimers<Target> timers;
  for (Target* t : {&a, &b, &c}) timers.add(10, t);
  EXPECT_EQ(drain(timers), "ACB");
  for (Target* t : {&a, &b, &c, &d, &e}) timers.add(10, t);
  EXPECT_EQ(drain(timers), "AEDCB");
  EXPECT_EQ(a.timer_index, 0u);
}

TEST(EventTimeTimers, RemovingATimerKeepsTheHeap) {
  Target a{"A"}, b{"B"}, c{"C"}, d{"D"};
  EventTimeTimers<Target> timers;
  timers.add(40, &a);
  timers.add(30, &b);
  timers.add(20, &c);
  timers.add(10, &d);
  timers.remove(&b);
  timers.remove(&b);  // no timer: nothing
  EXPECT_EQ(b.timer_index, 0u);
  timers.add(5, &b);
  EXPECT_EQ(drain(timers), "BDCA");
}

TEST(EventTimeTimers, RandomTimersComeOutInTimeOrder) {
  std::mt19937 rng(7);
  std::vector<Target> targets(200);
  EventTimeTimers<Target> timers;
  for (Target& t : targets) timers.add(static_cast<int64_t>(rng() % 50), &t);
  for (size_t i = 0; i < targets.size(); i += 3) timers.remove(&targets[i]);
  int64_t last = -1;
  size_t fired = 0;
  while (!timers.empty()) {
    auto timer = timers.poll();
    EXPECT_GE(timer.time, last);
    EXPECT_EQ(timer.target->timer_index, 0u);
    last = timer.time;
    ++fired;
  }
  EXPECT_EQ(fired, targets.size() - (targets.size() + 2) / 3);
}

}  // namespace
}  // namespace careflow::exec
