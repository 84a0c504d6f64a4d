// Flink's restart-strategy keys: what each type allows and the delays between attempts.
#include "jobs/restart_strategy.h"

#include <gtest/gtest.h>

namespace careflow::jobs {
namespace {

using std::chrono::milliseconds;

TEST(RestartStrategy, DefaultIsOneRestartAfterOneSecondAsFlinksFixedDelay) {
  auto r = restart_strategy_from({});
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->delay_before(1), milliseconds(1000));
  EXPECT_FALSE(r->delay_before(2).has_value());
}

TEST(RestartStrategy, FixedDelayCountsAttempts) {
  auto r = restart_strategy_from({{"restart-strategy.type", "fixed-delay"},
                                  {"restart-strategy.fixed-delay.attempts", "3"},
                                  {"restart-strategy.fixed-delay.delay", "250 ms"}});
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->delay_before(3), milliseconds(250));
  EXPECT_FALSE(r->delay_before(4).has_value());
}

TEST(RestartStrategy, ExponentialDelayGrowsUpToItsMaximum) {
  auto r = restart_strategy_from({{"restart-strategy.type", "exponential-delay"},
                                  {"restart-strategy.exponential-delay.initial-backoff", "1 s"},
                                  {"restart-strategy.exponential-delay.backoff-multiplier", "2"},
                                  {"restart-strategy.exponential-delay.max-backoff", "5 s"}});
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->delay_before(1), milliseconds(1000));
  EXPECT_EQ(r->delay_before(3), milliseconds(4000));
  EXPECT_EQ(r->delay_before(4), milliseconds(5000));
  EXPECT_TRUE(r->delay_before(100).has_value());
}

TEST(RestartStrategy, NoneNeverRestarts) {
  auto r = restart_strategy_from({{"restart-strategy.type", "none"}});
  ASSERT_TRUE(r.is_ok());
  EXPECT_FALSE(r->delay_before(1).has_value());
}

TEST(RestartStrategy, BadValuesNameTheKey) {
  auto type = restart_strategy_from({{"restart-strategy.type", "sometimes"}});
  ASSERT_FALSE(type.is_ok());
  EXPECT_NE(type.status().message().find("'restart-strategy.type' is 'sometimes'"), std::string::npos);
  auto delay = restart_strategy_from({{"restart-strategy.fixed-delay.delay", "10 parsecs"}});
  ASSERT_FALSE(delay.is_ok());
  EXPECT_NE(delay.status().message().find("restart-strategy.fixed-delay.delay"), std::string::npos);
  auto attempts = restart_strategy_from({{"restart-strategy.fixed-delay.attempts", "-1"}});
  EXPECT_FALSE(attempts.is_ok());
}

TEST(FlinkDuration, UnitsAsFlinkWritesThem) {
  EXPECT_EQ(*parse_flink_duration("10 s"), milliseconds(10000));
  EXPECT_EQ(*parse_flink_duration("10s"), milliseconds(10000));
  EXPECT_EQ(*parse_flink_duration("2 min"), milliseconds(120000));
  EXPECT_EQ(*parse_flink_duration("1 h"), milliseconds(3600000));
  EXPECT_EQ(*parse_flink_duration("250"), milliseconds(250));
  EXPECT_FALSE(parse_flink_duration("soon").is_ok());
}

}  // namespace
}  // namespace careflow::jobs
