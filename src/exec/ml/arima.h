#pragma once
// ARIMA(p, d, q) fitted by conditional sum of squares (CSS), the estimator R's arima(method="CSS")
// and statsmodels' AutoReg use, minimised with Eigen's Levenberg-Marquardt (MINPACK's lmder).
// The model, in statsmodels' form: w = the series differenced d times, y = w - mu (mu only when
// d = 0, statsmodels' default trend "c" without integration and "n" with it), and
//   y_t = phi_1 y_{t-1} + ... + phi_p y_{t-p} + e_t + theta_1 e_{t-1} + ... + theta_q e_{t-q}.
// CSS conditions on the first p values of w and on zero errors before them, so the residuals are
// e_p .. e_{n-1} and sigma^2 = SSR / (n - p). This is not the exact (Kalman filter) likelihood
// statsmodels' ARIMA maximises by default; docs/ml.md states how far the two are apart.
//
// Every function here is pure, takes finite input (the caller validates values where they enter)
// and never throws; a fit that cannot be made reports ok = false.
#include <span>
#include <vector>

namespace careflow::exec::ml {

struct ArimaOrder {
  int p = 0, d = 0, q = 0;
  bool operator==(const ArimaOrder&) const = default;
};

// The largest orders careflow fits: larger ones need more data than a streaming window holds and
// make the fit's cost grow with (p + q)^2.
inline constexpr int kMaxArOrder = 10;
inline constexpr int kMaxMaOrder = 10;
inline constexpr int kMaxDifferencing = 2;

struct ArimaFit {
  bool ok = false;
  ArimaOrder order;
  bool with_mean = false;
  double mean = 0;              // mu, when with_mean
  std::vector<double> ar, ma;   // phi_1..phi_p, theta_1..theta_q
  double sigma2 = 0;            // SSR / number of residuals
  double aic = 0;               // -2 log L + 2 k, k = p + q + with_mean + 1 (sigma^2 counts, as in statsmodels)
  int residual_count = 0;
  bool stationary = true;       // AR roots outside the unit circle
  bool invertible = true;       // MA roots outside the unit circle
  std::vector<double> residuals;  // e_start .. e_{n-1} of the differenced series
};

// Fits the order to `series` (at least p + q + d + 2 values, else ok = false). `start`, when it
// holds ar then ma values of the same order, is where the search begins (a warm start from the
// previous fit of a streaming window); else Yule-Walker AR values and zero MA values.
// `condition` conditions on max(p, condition) first differenced values instead of p: models of
// different p compared by AIC must be fitted on the same residual times, or a larger p wins by
// having fewer residuals.
ArimaFit fit_arima_css(std::span<const double> series, ArimaOrder order, const ArimaFit* start = nullptr,
                       int condition = 0);

// The d-th difference of `series` (length n - d).
std::vector<double> difference(std::span<const double> series, int d);

// psi weights psi_0 .. psi_{h-1} of the integrated model: the h-step forecast error variance is
// sigma^2 * sum psi_j^2 (the same formula statsmodels' get_forecast uses).
std::vector<double> psi_weights(const ArimaFit& fit, int h);

// Point forecasts of the next `h` values of the original (undifferenced) series, given its last
// values `history` (at least p + d of them) and the model's last q errors `errors` (oldest first).
std::vector<double> forecast_means(const ArimaFit& fit, std::span<const double> history,
                                   std::span<const double> errors, int h);

// Whether the polynomial 1 - c_1 z - ... - c_k z^k has every root outside the unit circle.
bool roots_outside_unit_circle(std::span<const double> coefficients);

}  // namespace careflow::exec::ml
