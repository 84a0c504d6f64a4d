// ARIMA fitting by CSS: estimates on simulated series, the AR case against ordinary least squares
// (which CSS equals for a pure AR model), forecasts and psi weights against their closed forms.
#include <gtest/gtest.h>

#include <Eigen/Dense>

#include <cmath>
#include <random>

#include "exec/ml/arima.h"
#include "exec/ml/order_selection.h"

namespace careflow::exec::ml {
namespace {

std::vector<double> simulate_arma(int n, double mean, std::vector<double> ar, std::vector<double> ma, int d,
                                  unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::vector<double> y(static_cast<size_t>(n) + 200, 0.0), e(y.size(), 0.0);
  for (size_t t = 0; t < y.size(); ++t) {
    e[t] = noise(rng);
    double v = e[t];
    for (size_t i = 0; i < ar.size(); ++i) if (t > i) v += ar[i] * y[t - i - 1];
    for (size_t j = 0; j < ma.size(); ++j) if (t > j) v += ma[j] * e[t - j - 1];
    y[t] = v;
  }
  std::vector<double> out(y.begin() + 200, y.end());
  for (int k = 0; k < d; ++k) {
    double level = 0;
    for (double& v : out) v = (level += v);
  }
  for (double& v : out) v += mean;
  return out;
}

TEST(Arima, Ar1EstimatesCoefficientAndMean) {
  const std::vector<double> x = simulate_arma(3000, 5.0, {0.6}, {}, 0, 1);
  ArimaFit f = fit_arima_css(x, {1, 0, 0});
  ASSERT_TRUE(f.ok);
  EXPECT_NEAR(f.ar[0], 0.6, 0.04);
  EXPECT_NEAR(f.mean, 5.0, 0.15);
  EXPECT_NEAR(f.sigma2, 1.0, 0.08);
  EXPECT_TRUE(f.stationary);
}

TEST(Arima, PureArEqualsOrdinaryLeastSquares) {
  const std::vector<double> x = simulate_arma(400, 2.0, {0.5, -0.3}, {}, 0, 7);
  ArimaFit f = fit_arima_css(x, {2, 0, 0});
  ASSERT_TRUE(f.ok);
  // OLS of x_t on (1, x_{t-1}, x_{t-2}): intercept c = mu (1 - phi_1 - phi_2).
  const int n = static_cast<int>(x.size()) - 2;
  Eigen::MatrixXd a(n, 3);
  Eigen::VectorXd b(n);
  for (int t = 2; t < static_cast<int>(x.size()); ++t) {
    a.row(t - 2) << 1.0, x[static_cast<size_t>(t - 1)], x[static_cast<size_t>(t - 2)];
    b[t - 2] = x[static_cast<size_t>(t)];
  }
  Eigen::Vector3d beta = a.colPivHouseholderQr().solve(b);
  EXPECT_NEAR(f.ar[0], beta[1], 1e-6);
  EXPECT_NEAR(f.ar[1], beta[2], 1e-6);
  EXPECT_NEAR(f.mean * (1 - f.ar[0] - f.ar[1]), beta[0], 1e-6);
  EXPECT_NEAR(f.sigma2, (a * beta - b).squaredNorm() / n, 1e-9);
}

TEST(Arima, Ma1AndArma11Estimates) {
  ArimaFit ma = fit_arima_css(simulate_arma(3000, 0.0, {}, {0.5}, 0, 3), {0, 0, 1});
  ASSERT_TRUE(ma.ok);
  EXPECT_NEAR(ma.ma[0], 0.5, 0.05);
  EXPECT_TRUE(ma.invertible);
  ArimaFit arma = fit_arima_css(simulate_arma(3000, 0.0, {0.7}, {-0.3}, 0, 4), {1, 0, 1});
  ASSERT_TRUE(arma.ok);
  EXPECT_NEAR(arma.ar[0], 0.7, 0.06);
  EXPECT_NEAR(arma.ma[0], -0.3, 0.08);
}

TEST(Arima, IntegratedModelHasNoMeanAndFitsTheDifferences) {
  const std::vector<double> x = simulate_arma(2000, 100.0, {0.5}, {}, 1, 5);
  ArimaFit f = fit_arima_css(x, {1, 1, 0});
  ASSERT_TRUE(f.ok);
  EXPECT_FALSE(f.with_mean);
  EXPECT_NEAR(f.ar[0], 0.5, 0.05);
}

TEST(Arima, TooShortSeriesIsNotFitted) {
  const std::vector<double> x = {1, 2, 3};
  EXPECT_FALSE(fit_arima_css(x, {2, 0, 1}).ok);
}

TEST(Arima, AicCountsSigmaAsAParameter) {
  const std::vector<double> x = simulate_arma(500, 0.0, {0.4}, {}, 0, 11);
  ArimaFit f = fit_arima_css(x, {1, 0, 0});
  const double n = f.residual_count;
  const double loglik = -0.5 * n * (std::log(2 * M_PI * f.sigma2) + 1);
  EXPECT_NEAR(f.aic, -2 * loglik + 2 * 3, 1e-9);
}

TEST(Arima, ForecastsOfAnAr1DecayToTheMean) {
  ArimaFit f;
  f.ok = true;
  f.order = {1, 0, 0};
  f.with_mean = true;
  f.mean = 10;
  f.ar = {0.5};
  f.sigma2 = 4;
  const std::vector<double> history = {14};
  const std::vector<double> means = forecast_means(f, history, {}, 3);
  ASSERT_EQ(means.size(), 3u);
  EXPECT_DOUBLE_EQ(means[0], 12);
  EXPECT_DOUBLE_EQ(means[1], 11);
  EXPECT_DOUBLE_EQ(means[2], 10.5);
  const std::vector<double> psi = psi_weights(f, 3);
  EXPECT_DOUBLE_EQ(psi[0], 1);
  EXPECT_DOUBLE_EQ(psi[1], 0.5);
  EXPECT_DOUBLE_EQ(psi[2], 0.25);
}

TEST(Arima, RandomWalkForecastIsFlatWithGrowingVariance) {
  ArimaFit f;
  f.ok = true;
  f.order = {0, 1, 1};
  f.ma = {0.5};
  f.sigma2 = 1;
  const std::vector<double> history = {3, 7};
  const std::vector<double> errors = {2};
  const std::vector<double> means = forecast_means(f, history, errors, 2);
  EXPECT_DOUBLE_EQ(means[0], 8);  // 7 + 0.5 * 2
  EXPECT_DOUBLE_EQ(means[1], 8);
  const std::vector<double> psi = psi_weights(f, 3);
  EXPECT_DOUBLE_EQ(psi[1], 1.5);  // 1 + theta
  EXPECT_DOUBLE_EQ(psi[2], 1.5);
}

TEST(Arima, UnitCircleCheck) {
  EXPECT_TRUE(roots_outside_unit_circle(std::vector<double>{0.5}));
  EXPECT_FALSE(roots_outside_unit_circle(std::vector<double>{1.2}));
  EXPECT_TRUE(roots_outside_unit_circle(std::vector<double>{0.5, 0.3}));
  EXPECT_FALSE(roots_outside_unit_circle(std::vector<double>{1.5, -0.5}));  // (1 - z)(1 - 0.5 z)
}

TEST(OrderSelection, KpssDifferencesARandomWalkOnce) {
  EXPECT_EQ(choose_differencing(simulate_arma(500, 0.0, {}, {}, 1, 21)), 1);
  EXPECT_EQ(choose_differencing(simulate_arma(500, 0.0, {0.3}, {}, 0, 22)), 0);
}

TEST(OrderSelection, AicPicksTheSimulatedAr2) {
  const std::vector<double> x = simulate_arma(2000, 0.0, {0.6, -0.3}, {}, 0, 31);
  ArimaFit f = select_and_fit(x, std::nullopt, std::nullopt, std::nullopt, nullptr);
  ASSERT_TRUE(f.ok);
  EXPECT_EQ(f.order.d, 0);
  EXPECT_EQ(f.order.p, 2);
  EXPECT_EQ(f.order.q, 0);
}

TEST(OrderSelection, GivenOrdersAreKept) {
  const std::vector<double> x = simulate_arma(300, 0.0, {0.6}, {}, 0, 32);
  ArimaFit f = select_and_fit(x, 1, 0, 1, nullptr);
  ASSERT_TRUE(f.ok);
  EXPECT_EQ(f.order, (ArimaOrder{1, 0, 1}));
}

}  // namespace
}  // namespace careflow::exec::ml
