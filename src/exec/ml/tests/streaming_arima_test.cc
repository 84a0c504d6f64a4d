// The per-partition model: no forecasts before minTrainingSize values, spikes outside the bounds,
// bounded state, a season tracked with STL, degenerate input handled.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>

#include "exec/ml/streaming_arima.h"

namespace careflow::exec::ml {
namespace {

TEST(StreamingArima, NotReadyBeforeMinTrainingSize) {
  MlOptions o;
  o.min_training_size = 16;
  StreamingArima m(o);
  std::mt19937 rng(1);
  std::normal_distribution<double> noise(0.0, 1.0);
  for (int i = 0; i < 15; ++i) {
    m.observe(noise(rng));
    EXPECT_FALSE(m.ready());
    EXPECT_TRUE(m.forecast(1).empty());
    EXPECT_TRUE(std::isnan(m.rmse()));
  }
  m.observe(noise(rng));
  EXPECT_TRUE(m.ready());
  EXPECT_EQ(m.forecast(3).size(), 3u);
}

TEST(StreamingArima, SpikeFallsOutsideTheBoundsNormalValuesInside) {
  MlOptions o;
  o.min_training_size = 50;
  StreamingArima m(o);
  std::mt19937 rng(2);
  std::normal_distribution<double> noise(0.0, 1.0);
  int outside = 0, checked = 0;
  for (int i = 0; i < 400; ++i) {
    const double x = 20.0 + noise(rng);
    if (m.ready()) {
      ForecastPoint f = m.forecast(1)[0];
      outside += x < f.lower || x > f.upper;
      ++checked;
    }
    m.observe(x);
  }
  EXPECT_LT(outside, checked / 20);  // 99% bounds: about 1% outside
  ForecastPoint f = m.forecast(1)[0];
  EXPECT_GT(20.0 + 10.0, f.upper);
  EXPECT_LT(20.0 - 10.0, f.lower);
  EXPECT_NEAR(f.value, 20.0, 0.5);
  EXPECT_NEAR(m.rmse(), 1.0, 0.9);
  EXPECT_TRUE(std::isfinite(m.aic()));
}

TEST(StreamingArima, StateIsBoundedByMaxTrainingSize) {
  MlOptions o;
  o.min_training_size = 20;
  o.max_training_size = 64;
  StreamingArima m(o);
  size_t most = 0;
  for (int i = 0; i < 2000; ++i) {
    m.observe(std::sin(i * 0.3) + 0.01 * (i % 7));
    most = std::max(most, m.state_bytes());
  }
  // The window (64 values) plus a few hundred bytes of model, however long the stream.
  EXPECT_LE(most, 64 * sizeof(double) + 1024);
}

TEST(StreamingArima, ConstantAndHugeSeriesStayFinite) {
  MlOptions o;
  o.min_training_size = 10;
  StreamingArima constant(o);
  for (int i = 0; i < 30; ++i) constant.observe(7.0);
  ASSERT_TRUE(constant.ready());
  EXPECT_NEAR(constant.forecast(1)[0].value, 7.0, 1e-9);

  StreamingArima huge(o);
  std::mt19937 rng(5);
  std::normal_distribution<double> noise(0.0, 1e140);
  for (int i = 0; i < 60; ++i) huge.observe(1e149 + noise(rng));
  ASSERT_TRUE(huge.ready());
  ForecastPoint f = huge.forecast(1)[0];
  EXPECT_TRUE(std::isfinite(f.value) && std::isfinite(f.lower) && std::isfinite(f.upper));
  EXPECT_TRUE(std::isfinite(huge.rmse()));
}

TEST(StreamingArima, StlForecastTracksTheSeason) {
  MlOptions o;
  o.min_training_size = 48;
  o.max_training_size = 96;
  o.enable_stl = true;
  o.seasonality_period = 12;
  o.p = 1;
  o.d = 0;
  o.q = 0;
  StreamingArima m(o);
  std::mt19937 rng(6);
  std::normal_distribution<double> noise(0.0, 0.2);
  auto season = [](int t) { return 10.0 + 5.0 * std::sin(2 * M_PI * t / 12); };
  int t = 0;
  for (; t < 120; ++t) m.observe(season(t) + noise(rng));
  EXPECT_EQ(m.period(), 12);
  const std::vector<ForecastPoint> f = m.forecast(12);
  for (int k = 0; k < 12; ++k) EXPECT_NEAR(f[static_cast<size_t>(k)].value, season(t + k), 0.6) << "step " << k + 1;
}

TEST(StreamingArima, NormalQuantile) {
  EXPECT_NEAR(normal_quantile_two_sided(95.0), 1.959964, 1e-6);
  EXPECT_NEAR(normal_quantile_two_sided(99.0), 2.575829, 1e-6);
}

// Checkpoints: a model saved mid-stream and loaded into a fresh one (same options) gives the same
// forecasts, bounds and flags as the original from then on, through refits and a season; a
// state of another shape is refused, not loaded.
TEST(StreamingArima, SavedModelContinuesExactly) {
  MlOptions o;
  o.min_training_size = 24;
  o.max_training_size = 60;
  o.update_interval = 5;
  StreamingArima a(o, AnomalyHandling::kReplaceWithForecast);
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0.0, 1.0);
  auto value = [&](int i) { return 10.0 + 3.0 * std::sin(i * 0.7) + noise(rng) + (i % 37 == 0 ? 25.0 : 0.0); };
  for (int i = 0; i < 90; ++i) a.observe(value(i));
  StreamingArima b(o, AnomalyHandling::kReplaceWithForecast);
  b.load(a.save());
  for (int i = 90; i < 200; ++i) {
    const std::vector<ForecastPoint> fa = a.forecast(3), fb = b.forecast(3);
    ASSERT_EQ(fa.size(), fb.size());
    for (size_t k = 0; k < fa.size(); ++k) {
      ASSERT_EQ(fa[k].value, fb[k].value) << "value " << i;
      ASSERT_EQ(fa[k].lower, fb[k].lower) << "value " << i;
      ASSERT_EQ(fa[k].upper, fb[k].upper) << "value " << i;
    }
    const double x = value(i);
    a.observe(x);
    b.observe(x);
  }
  EXPECT_EQ(a.rmse(), b.rmse());
  EXPECT_EQ(a.aic(), b.aic());

  StreamingArima c(o);
  EXPECT_THROW(c.load(values::Value::integer(3)), std::invalid_argument);
  std::vector<values::Value> fields = a.save().as_list();
  fields.pop_back();
  EXPECT_THROW(c.load(values::Value::list(fields)), std::invalid_argument);
}

}  // namespace
}  // namespace careflow::exec::ml
