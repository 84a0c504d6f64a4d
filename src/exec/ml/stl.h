#pragma once
// STL, Seasonal-Trend decomposition by Loess (Cleveland, Cleveland, McRae and Terpenning, 1990),
// as the reference Fortran (netlib stl) and statsmodels' STL compute it without robustness
// weights: locally linear fits, every point evaluated (no jumps), windows seasonal = 7, low-pass =
// the smallest odd number > period, trend = the smallest odd number >= 1.5 period / (1 - 1.5 /
// seasonal), and 5 inner iterations — statsmodels' STL defaults without robustness (its fit() uses
// 5 inner iterations then; netlib's and R's stl use 2, which tests/interop/ml/run measured to move
// the seasonal component by up to 0.02 on a series of amplitude 4).
#include <span>
#include <vector>

namespace careflow::exec::ml {

struct StlResult {
  std::vector<double> seasonal, trend, remainder;
};

inline constexpr int kStlInnerIterations = 5;

// Decomposes `series` (finite values, period >= 2, at least 2 * period values; else empty result).
StlResult stl_decompose(std::span<const double> series, int period, int inner_iterations = kStlInnerIterations);

// The seasonal period of `series` when enableStl is given without one: the lag in
// 2 .. n / 2 with the largest autocorrelation of the first differences, if that exceeds
// 2 / sqrt(n) (the usual significance band); 0 when no lag does.
int detect_period(std::span<const double> series);

}  // namespace careflow::exec::ml
