#pragma once
// STL, Seasonal-Trend decomposition by Loess (Cleveland, Cleveland, McRae and Terpenning, 1990),
// as the reference Fortran (netlib stl) and statsmodels' STL compute it without robustness
// weights: 2 inner iterations, locally linear fits, every point evaluated (no jumps), windows
// seasonal = 7, low-pass = the smallest odd number > period, trend = the smallest odd number
// >= 1.5 period / (1 - 1.5 / seasonal) — statsmodels' defaults.
#include <span>
#include <vector>

namespace careflow::exec::ml {

struct StlResult {
  std::vector<double> seasonal, trend, remainder;
};

// Decomposes `series` (finite values, period >= 2, at least 2 * period values; else empty result).
StlResult stl_decompose(std::span<const double> series, int period);

// The seasonal period of `series` when enableStl is given without one: the lag in
// 2 .. n / 2 with the largest autocorrelation of the first differences, if that exceeds
// 2 / sqrt(n) (the usual significance band); 0 when no lag does.
int detect_period(std::span<const double> series);

}  // namespace careflow::exec::ml
