// STL: a seasonal series with a trend separates into its parts; the parts add up to the series.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "exec/ml/stl.h"

namespace careflow::exec::ml {
namespace {

std::vector<double> seasonal_series(int n, int period, unsigned seed, double noise_sd) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0.0, noise_sd);
  std::vector<double> x;
  for (int t = 0; t < n; ++t) x.push_back(0.05 * t + 3.0 * std::sin(2 * M_PI * t / period) + noise(rng));
  return x;
}

TEST(Stl, RecoversSeasonAndTrend) {
  const int period = 12;
  const std::vector<double> x = seasonal_series(240, period, 1, 0.1);
  StlResult r = stl_decompose(x, period);
  ASSERT_EQ(r.seasonal.size(), x.size());
  double worst_season = 0, worst_trend = 0;
  for (int t = 24; t < 216; ++t) {  // away from the ends, where loess extrapolates
    worst_season = std::max(worst_season, std::abs(r.seasonal[static_cast<size_t>(t)] - 3.0 * std::sin(2 * M_PI * t / period)));
    worst_trend = std::max(worst_trend, std::abs(r.trend[static_cast<size_t>(t)] - 0.05 * t));
  }
  EXPECT_LT(worst_season, 0.3);
  EXPECT_LT(worst_trend, 0.3);
  for (size_t t = 0; t < x.size(); ++t) {
    EXPECT_NEAR(r.seasonal[t] + r.trend[t] + r.remainder[t], x[t], 1e-9);
  }
}

TEST(Stl, TooShortForTwoPeriodsGivesNothing) {
  EXPECT_TRUE(stl_decompose(seasonal_series(20, 12, 2, 0.1), 12).seasonal.empty());
}

TEST(Stl, DetectsThePeriod) {
  EXPECT_EQ(detect_period(seasonal_series(240, 12, 3, 0.2)), 12);
  std::mt19937 rng(4);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::vector<double> flat(10, 5.0);
  EXPECT_EQ(detect_period(flat), 0);
}

}  // namespace
}  // namespace careflow::exec::ml
