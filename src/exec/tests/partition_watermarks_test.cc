// A source's watermark over its partitions with an idle timeout, on a clock moved by hand: an
// idle partition stops holding the watermark back, a resumed one counts again, the watermark
// never goes back, and a source whose partitions are all idle sends nothing (Flink's
// WatermarkOutputMultiplexer with WatermarksWithIdleness).
#include "exec/operators/partition_watermarks.h"

#include <gtest/gtest.h>

namespace careflow::exec {
namespace {

class PartitionWatermarksTest : public ::testing::Test {
 protected:
  int64_t now = 1'000;
  PartitionWatermarks::Clock clock = [this] { return now; };
};

TEST_F(PartitionWatermarksTest, WithoutTimeoutASilentPartitionHoldsTheWatermarkBack) {
  PartitionWatermarks marks(0, clock);
  marks.resize(2);
  marks.on_row(0, 100);
  EXPECT_EQ(marks.on_periodic_emit(), std::nullopt);
  now += 1'000'000;
  EXPECT_EQ(marks.on_periodic_emit(), std::nullopt);
  marks.on_row(1, 50);
  EXPECT_EQ(marks.on_periodic_emit(), 50);
}

TEST_F(PartitionWatermarksTest, AnIdlePartitionStopsHoldingTheWatermarkBack) {
  PartitionWatermarks marks(500, clock);
  marks.resize(2);
  marks.on_row(0, 100);
  // The first check that sees partition 1 inactive starts its timer; it is idle only once more
  // than the timeout has passed since (Flink's IdlenessTimer).
  EXPECT_EQ(marks.on_periodic_emit(), std::nullopt);
  now += 500;
  EXPECT_EQ(marks.on_periodic_emit(), std::nullopt);
  EXPECT_FALSE(marks.idle(1));
  marks.on_row(0, 120);  // partition 0 stays active
  now += 1;
  EXPECT_EQ(marks.on_periodic_emit(), 120);
  EXPECT_TRUE(marks.idle(1));
  EXPECT_FALSE(marks.idle(0));
}

TEST_F(PartitionWatermarksTest, AResumedPartitionCountsAgainAndTheWatermarkNeverGoesBack) {
  PartitionWatermarks marks(100, clock);
  marks.resize(2);
  marks.on_row(0, 1'000);
  marks.on_periodic_emit();
  now += 200;
  marks.on_row(0, 1'000);
  EXPECT_EQ(marks.on_periodic_emit(), 1'000);  // partition 1 idle
  // Partition 1 resumes behind the watermark already sent: it holds the next one back until it
  // catches up, but the watermark does not go back.
  marks.on_row(1, 400);
  marks.on_row(0, 2'000);
  EXPECT_EQ(marks.on_periodic_emit(), std::nullopt);
  EXPECT_FALSE(marks.idle(1));
  marks.on_row(1, 1'500);
  marks.on_row(0, 2'000);
  EXPECT_EQ(marks.on_periodic_emit(), 1'500);
  EXPECT_EQ(marks.sent(), 1'500);
}

TEST_F(PartitionWatermarksTest, AllPartitionsIdleSendsNothingUntilARowArrives) {
  PartitionWatermarks marks(100, clock);
  marks.resize(2);
  marks.on_row(0, 300);
  marks.on_row(1, 200);
  EXPECT_EQ(marks.on_periodic_emit(), 200);
  marks.on_periodic_emit();  // no rows since: both timers start
  now += 101;
  EXPECT_EQ(marks.on_periodic_emit(), std::nullopt);
  EXPECT_TRUE(marks.idle(0));
  EXPECT_TRUE(marks.idle(1));
  marks.on_row(1, 250);
  EXPECT_EQ(marks.on_periodic_emit(), 250);  // partition 0 still idle
}

TEST_F(PartitionWatermarksTest, APartitionThatNeverGaveARowBecomesIdle) {
  PartitionWatermarks marks(50, clock);
  marks.resize(3);
  marks.on_row(2, 70);
  EXPECT_EQ(marks.on_periodic_emit(), std::nullopt);
  now += 51;
  marks.on_row(2, 80);
  EXPECT_EQ(marks.on_periodic_emit(), 80);
}

TEST_F(PartitionWatermarksTest, RestoreKeepsWatermarksAndStartsIdlenessAfresh) {
  PartitionWatermarks marks(100, clock);
  marks.resize(2);
  marks.on_row(0, 500);
  marks.on_row(1, 300);
  EXPECT_EQ(marks.on_periodic_emit(), 300);
  PartitionWatermarks restored(100, clock);
  restored.restore(marks.watermarks(), marks.sent());
  EXPECT_EQ(restored.size(), 2u);
  EXPECT_EQ(restored.on_periodic_emit(), std::nullopt);  // 300 was sent already
  restored.on_row(1, 600);
  EXPECT_EQ(restored.on_periodic_emit(), 500);
}

}  // namespace
}  // namespace careflow::exec
