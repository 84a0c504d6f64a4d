// Story time, outliers and stopping: the simulator's clock stamps rounds step by step from a start
// in the past; a fixed seed's outliers are single readings outside the band at the configured rate;
// a stop leaves no defect active.

#include "sim/simulator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "common/clock.h"

namespace careflow::sim {
namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kHour = 60 * kMinute;

std::vector<DeviceTarget> one_device() {
  return {{"DEV-P001", "P001", "1.2.0", {{"Pressure", 11.0, 1.0}, {"FlowRate", 2.7, 0.5}, {"FlowLevel", 60.0, 40.0}}}};
}

Simulator make(SimulatorOptions options, std::vector<Reading>* sunk = nullptr) {
  return Simulator(options, [] { return Result<std::vector<DeviceTarget>>(one_device()); },
                   [sunk](const std::vector<Reading>& r) {
                     if (sunk) sunk->insert(sunk->end(), r.begin(), r.end());
                     return Status::ok();
                   });
}

TEST(StoryClock, StartsAtTheStartAndAdvancesOneStepPerRound) {
  StoryClock clock({TimeMode::kStory, 1'000'000, 5 * kMinute});
  EXPECT_EQ(clock.now(), 1'000'000);
  EXPECT_EQ(clock.next_round(), 1'000'000);
  EXPECT_EQ(clock.next_round(), 1'000'000 + 5 * kMinute);
  EXPECT_EQ(clock.now(), 1'000'000 + 5 * kMinute);  // events between rounds carry the round's time
  clock.resume_after(500);                           // earlier: ignored
  EXPECT_EQ(clock.next_round(), 1'000'000 + 10 * kMinute);
  clock.resume_after(9'000'000);  // a topic holds later records: go on after them
  EXPECT_EQ(clock.next_round(), 9'000'000 + 5 * kMinute);
  EXPECT_EQ(clock.status()["mode"], "story");
  EXPECT_EQ(clock.status()["stepMs"], 5 * kMinute);
  EXPECT_EQ(StoryClock({TimeMode::kStory, 0, 1}).status()["nowIso"], "1970-01-01T00:00:00.000Z");
}

TEST(StoryClock, RealTimeIsTheWallClock) {
  StoryClock clock({TimeMode::kReal, 0, 5 * kMinute});
  const int64_t before = wall_clock_ms();
  const int64_t got = clock.next_round();
  EXPECT_GE(got, before);
  EXPECT_LE(got, wall_clock_ms());
  EXPECT_TRUE(clock.status()["stepMs"].is_null());
}

TEST(StoryClock, ParsesTheStartForms) {
  const int64_t now = 1'765'000'000'000 + 1234;  // 2025-12-06T05:46:40.000Z + 1.234 s
  EXPECT_EQ(*parse_story_start("", now), (now - 72 * kHour) / kHour * kHour);
  EXPECT_EQ(*parse_story_start("-2d", now), (now - 48 * kHour) / kMinute * kMinute);
  EXPECT_EQ(*parse_story_start("-5h", now), (now - 5 * kHour) / kMinute * kMinute);
  EXPECT_EQ(*parse_story_start("-90m", now), (now - 90 * kMinute) / kMinute * kMinute);
  EXPECT_EQ(*parse_story_start("2026-01-01T00:00:00Z", now), 1'767'225'600'000);
  for (const char* bad : {"yesterday", "-3w", "-d", "2026-02-30T00:00:00Z", "2026-01-01 00:00:00", "-99999999d"}) {
    auto parsed = parse_story_start(bad, now);
    ASSERT_FALSE(parsed.is_ok()) << bad;
    EXPECT_NE(parsed.status().message().find("simulator.story_start"), std::string::npos) << parsed.status().to_string();
  }
  EXPECT_FALSE(parse_time_mode("fast").is_ok());
  EXPECT_EQ(*parse_time_mode("story"), TimeMode::kStory);
}

// The bound: an hour of story time passes within a minute of wall time. Default step and
// a fast tick here; tests/integration/story_time_test.cc measures it on a real careflow up.
TEST(Simulator, ReadingsCarryStoryTimeAnHourIn12Rounds) {
  std::vector<Reading> sunk;
  SimulatorOptions options;
  options.tick_interval = std::chrono::milliseconds(20);
  options.seed = 3;
  options.time = {TimeMode::kStory, 1'767'225'600'000, 5 * kMinute};
  Simulator sim = make(options, &sunk);
  ASSERT_TRUE(sim.start().is_ok());
  while (sim.status()["ticks"].get<int64_t>() < 13) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  sim.stop();
  ASSERT_GE(sunk.size(), 13u * 3);
  EXPECT_EQ(sunk.front().ts, 1'767'225'600'000);
  for (size_t i = 3; i < sunk.size(); i += 3) EXPECT_EQ(sunk[i].ts - sunk[i - 3].ts, 5 * kMinute);
  EXPECT_EQ(sunk[36].ts - sunk[0].ts, kHour);
  EXPECT_EQ(sim.event_time_ms(), sunk.back().ts);
  EXPECT_EQ(sim.status()["storyTime"]["now"], sunk.back().ts);
  // Stopped, story time stands still; started again, it goes on from there.
  const int64_t last = sunk.back().ts;
  ASSERT_TRUE(sim.start().is_ok());
  while (sim.status()["storyTime"]["now"] == last) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  sim.stop();
  EXPECT_EQ(sunk.back().ts % (5 * kMinute), last % (5 * kMinute));
  EXPECT_GT(sunk.back().ts, last);
  for (size_t i = 3; i < sunk.size(); i += 3) EXPECT_EQ(sunk[i].ts - sunk[i - 3].ts, 5 * kMinute) << i;
}

// Outliers, statistically with a fixed seed: at probability p about p of the readings leave their
// band, each alone (never two in a row of one metric at this rate), by at most outlier_size of the
// tolerance past the edge; with p = 0 none does, and the in-band values are the same either way.
TEST(Simulator, OutliersAreSingleReadingsOutsideTheBandAtTheConfiguredRate) {
  SimulatorOptions noisy;
  noisy.seed = 11;
  noisy.noise = {0.02, 0.5};
  SimulatorOptions quiet = noisy;
  quiet.noise.outlier_probability = 0;
  Simulator a = make(noisy), b = make(quiet);
  const int kTicks = 20000;
  int outside = 0, in_a_row = 0, same_in_band = 0, in_band = 0;
  std::map<std::string, bool> previous_outside;
  for (int t = 0; t < kTicks; ++t) {
    auto ra = a.tick(t), rb = b.tick(t);
    ASSERT_EQ(ra->size(), rb->size());
    for (size_t i = 0; i < ra->size(); ++i) {
      const Reading& r = (*ra)[i];
      const auto m = one_device()[0].metrics[i];  // a copy: one_device() returns a temporary
      const double off = std::abs(r.metric_value - m.target);
      EXPECT_LE(std::abs((*rb)[i].metric_value - m.target), m.tolerance / 2 + 0.005);
      const bool out = off > m.tolerance;
      if (out) {
        ++outside;
        EXPECT_LE(off, m.tolerance * 1.5 + 0.005) << r.metric_name;
        EXPECT_GE(off, m.tolerance * 1.1 - 0.005) << r.metric_name;  // clearly past the edge
        if (previous_outside[r.metric_name]) ++in_a_row;
        EXPECT_GE(r.metric_value, 0);
        EXPECT_LE(r.metric_value, 100);  // a FlowLevel of 60 ± 40 only ever drops below its band
      } else {
        ++in_band;
        if (r.metric_value == (*rb)[i].metric_value) ++same_in_band;
      }
      previous_outside[r.metric_name] = out;
    }
  }
  const double rate = static_cast<double>(outside) / (kTicks * 3);
  EXPECT_NEAR(rate, 0.02, 0.004) << outside;
  EXPECT_LE(in_a_row, outside / 20);  // p² of the readings: rare, and never a run
  EXPECT_EQ(same_in_band, in_band);   // outliers draw from their own stream
}

TEST(Simulator, StoppingClearsTheActiveDefects) {
  std::vector<Reading> sunk;
  SimulatorOptions options;
  options.tick_interval = std::chrono::milliseconds(10);
  options.seed = 1;
  Simulator sim = make(options, &sunk);
  ASSERT_TRUE(sim.start().is_ok());
  ASSERT_TRUE(sim.trigger_defect("DEV-P001", "clogged_filter").is_ok());  // 240 rounds: still running at stop
  // The sink's vector is only read once the thread has stopped: wait on the status instead.
  while (sim.status()["ticks"].get<int64_t>() < 3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(sim.status()["activeDefects"]["DEV-P001"], "clogged_filter");
  sim.stop();
  EXPECT_TRUE(sim.status()["activeDefects"].empty()) << sim.status().dump();
  // Started again, the device is normal: Pressure within half its tolerance of 11.
  sunk.clear();
  const int64_t ticks = sim.status()["ticks"];
  ASSERT_TRUE(sim.start().is_ok());
  while (sim.status()["ticks"].get<int64_t>() < ticks + 3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  sim.stop();
  ASSERT_GE(sunk.size(), 9u);
  for (const Reading& r : sunk) {
    if (r.metric_name == "Pressure") {
      EXPECT_LE(std::abs(r.metric_value - 11.0), 0.505);
    }
  }
}

}  // namespace
}  // namespace careflow::sim
