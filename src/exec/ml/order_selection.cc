// KPSS differencing choice and the AIC grid over p and q (order_selection.h).
#include "exec/ml/order_selection.h"

#include <cmath>
#include <limits>
#include <vector>

namespace careflow::exec::ml {

double kpss_level_statistic(std::span<const double> x) {
  const size_t n = x.size();
  if (n < 3) return 0.0;
  double mean = 0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(n);
  std::vector<double> e(n);
  for (size_t t = 0; t < n; ++t) e[t] = x[t] - mean;
  double eta = 0, partial = 0;
  for (double v : e) {
    partial += v;
    eta += partial * partial;
  }
  eta /= static_cast<double>(n) * static_cast<double>(n);
  const int lags = static_cast<int>(std::trunc(3.0 * std::sqrt(static_cast<double>(n)) / 13.0));
  double s2 = 0;
  for (double v : e) s2 += v * v;
  for (int l = 1; l <= lags; ++l) {
    double c = 0;
    for (size_t t = static_cast<size_t>(l); t < n; ++t) c += e[t] * e[t - static_cast<size_t>(l)];
    s2 += 2.0 * (1.0 - static_cast<double>(l) / (lags + 1.0)) * c;
  }
  s2 /= static_cast<double>(n);
  if (s2 <= 0) return 0.0;  // a constant series is stationary
  return eta / s2;
}

int choose_differencing(std::span<const double> series) {
  std::vector<double> x(series.begin(), series.end());
  int d = 0;
  while (d < kMaxDifferencing && x.size() > 8 && kpss_level_statistic(x) >= kKpssCritical5) {
    x = difference(x, 1);
    ++d;
  }
  return d;
}

ArimaFit select_and_fit(std::span<const double> series, std::optional<int> p, std::optional<int> d,
                        std::optional<int> q, const ArimaFit* previous) {
  const int dd = d ? *d : choose_differencing(series);
  if (p && q) return fit_arima_css(series, {*p, dd, *q}, previous);
  const int p_lo = p ? *p : 0, p_hi = p ? *p : kAutoMaxP;
  const int q_lo = q ? *q : 0, q_hi = q ? *q : kAutoMaxQ;
  ArimaFit best;
  double best_aic = std::numeric_limits<double>::infinity();
  for (int pp = p_lo; pp <= p_hi; ++pp) {
    for (int qq = q_lo; qq <= q_hi; ++qq) {
      ArimaFit f = fit_arima_css(series, {pp, dd, qq}, previous, p_hi);
      if (!f.ok || !f.stationary || !f.invertible) continue;
      if (!best.ok || f.aic < best_aic) {
        best_aic = f.aic;
        best = std::move(f);
      }
    }
  }
  return best;
}

}  // namespace careflow::exec::ml
