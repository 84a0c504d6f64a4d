#pragma once
// Choosing an ARIMA order when the query gives none: d by repeated KPSS tests (as pmdarima's
// ndiffs does, level stationarity at the 5% level, at most 2 differences), then p and q by the
// smallest AIC over a grid, all candidates fitted on the same residual times.
#include <optional>
#include <span>

#include "exec/ml/arima.h"

namespace careflow::exec::ml {

// The largest p and q the automatic search tries (orders given in the query may go to 10).
inline constexpr int kAutoMaxP = 2;
inline constexpr int kAutoMaxQ = 2;

// KPSS level-stationarity statistic with Newey-West lags trunc(3 sqrt(n) / 13) (pmdarima's
// lshort = True); the series is stationary at the 5% level when it is below 0.463.
double kpss_level_statistic(std::span<const double> series);
inline constexpr double kKpssCritical5 = 0.463;

// How many differences make the series level-stationary by KPSS: 0 .. kMaxDifferencing.
int choose_differencing(std::span<const double> series);

// The fit of the fixed orders given (each of p, d, q that is set), searching the others: d by
// choose_differencing, p in 0..kAutoMaxP and q in 0..kAutoMaxQ by AIC among stationary and
// invertible fits. `previous` warms up the candidate of its order. ok = false when nothing fits.
ArimaFit select_and_fit(std::span<const double> series, std::optional<int> p, std::optional<int> d,
                        std::optional<int> q, const ArimaFit* previous);

}  // namespace careflow::exec::ml
