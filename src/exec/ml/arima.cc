// ARIMA by conditional sum of squares: residual recursion, its Jacobian, Levenberg-Marquardt
// (Eigen's port of MINPACK's lmder), forecasts and psi weights. See arima.h for the model.
#include "exec/ml/arima.h"

#include <Eigen/Dense>
#include <unsupported/Eigen/NonLinearOptimization>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace careflow::exec::ml {

namespace {

// A residual whose recursion explodes (a non-invertible MA guess on the way) is capped so that
// the optimiser sees a huge but finite sum of squares and turns back, instead of NaN.
constexpr double kResidualCap = 1e100;

// The CSS residuals e_p..e_{n-1} of the differenced series `w` and their derivatives by each
// parameter, in the order [mu?, phi_1..phi_p, theta_1..theta_q].
class CssProblem {
 public:
  typedef double Scalar;
  enum { InputsAtCompileTime = Eigen::Dynamic, ValuesAtCompileTime = Eigen::Dynamic };
  typedef Eigen::VectorXd InputType;
  typedef Eigen::VectorXd ValueType;
  typedef Eigen::MatrixXd JacobianType;

  // `start` >= p is the first time with a residual: the values before it are conditioned on.
  CssProblem(std::span<const double> w, int p, int q, bool with_mean, int start)
      : w_(w), p_(p), q_(q), s_(start), mean_(with_mean) {}

  int inputs() const { return p_ + q_ + (mean_ ? 1 : 0); }
  int values() const { return static_cast<int>(w_.size()) - s_; }

  int operator()(const Eigen::VectorXd& x, Eigen::VectorXd& fvec) const {
    residuals(x, fvec.data());
    return 0;
  }

  int df(const Eigen::VectorXd& x, Eigen::MatrixXd& fjac) const {
    const int n = static_cast<int>(w_.size());
    const int k = inputs();
    std::vector<double> e(static_cast<size_t>(n), 0.0);
    residuals(x, e.data() + s_);
    const double mu = mean_ ? x[0] : 0.0;
    const int ar0 = mean_ ? 1 : 0, ma0 = ar0 + p_;
    double ar_sum = 0;
    for (int i = 0; i < p_; ++i) ar_sum += x[ar0 + i];
    // fjac row r is time t = start + r; entries before the start are zero (conditioning).
    for (int t = s_; t < n; ++t) {
      const int r = t - s_;
      for (int c = 0; c < k; ++c) {
        double v;
        if (mean_ && c == 0) v = -(1.0 - ar_sum);
        else if (c < ma0) v = -(w_[static_cast<size_t>(t - (c - ar0) - 1)] - mu);
        else {
          const int j = c - ma0 + 1;
          v = t - j >= s_ ? -e[static_cast<size_t>(t - j)] : 0.0;
        }
        for (int j = 1; j <= q_ && t - j >= s_; ++j) v -= x[ma0 + j - 1] * fjac(r - j, c);
        fjac(r, c) = std::clamp(v, -kResidualCap, kResidualCap);
      }
    }
    return 0;
  }

  // e_t for t = start .. n-1 into out[0 ..].
  void residuals(const Eigen::VectorXd& x, double* out) const {
    const int n = static_cast<int>(w_.size());
    const double mu = mean_ ? x[0] : 0.0;
    const int ar0 = mean_ ? 1 : 0, ma0 = ar0 + p_;
    for (int t = s_; t < n; ++t) {
      double e = w_[static_cast<size_t>(t)] - mu;
      for (int i = 1; i <= p_; ++i) e -= x[ar0 + i - 1] * (w_[static_cast<size_t>(t - i)] - mu);
      for (int j = 1; j <= q_ && t - j >= s_; ++j) e -= x[ma0 + j - 1] * out[t - j - s_];
      out[t - s_] = std::clamp(e, -kResidualCap, kResidualCap);
    }
  }

 private:
  std::span<const double> w_;
  int p_, q_, s_;
  bool mean_;
};

// Yule-Walker AR(p) estimates of the demeaned series: the starting point of the search.
std::vector<double> yule_walker(std::span<const double> w, int p) {
  std::vector<double> phi(static_cast<size_t>(p), 0.0);
  if (p == 0) return phi;
  const size_t n = w.size();
  double mean = 0;
  for (double v : w) mean += v;
  mean /= static_cast<double>(n);
  std::vector<double> gamma(static_cast<size_t>(p) + 1, 0.0);
  for (int k = 0; k <= p; ++k) {
    double s = 0;
    for (size_t t = static_cast<size_t>(k); t < n; ++t) s += (w[t] - mean) * (w[t - static_cast<size_t>(k)] - mean);
    gamma[static_cast<size_t>(k)] = s / static_cast<double>(n);
  }
  if (gamma[0] <= 0) return phi;
  Eigen::MatrixXd r(p, p);
  Eigen::VectorXd rhs(p);
  for (int i = 0; i < p; ++i) {
    rhs[i] = gamma[static_cast<size_t>(i) + 1];
    for (int j = 0; j < p; ++j) r(i, j) = gamma[static_cast<size_t>(std::abs(i - j))];
  }
  Eigen::VectorXd sol = r.ldlt().solve(rhs);
  for (int i = 0; i < p; ++i) phi[static_cast<size_t>(i)] = std::isfinite(sol[i]) ? sol[i] : 0.0;
  // A start outside the stationary region makes the residual recursion blow up: shrink it in.
  for (int tries = 0; tries < 20 && !roots_outside_unit_circle(phi); ++tries) {
    for (double& v : phi) v *= 0.9;
  }
  return phi;
}

}  // namespace

std::vector<double> difference(std::span<const double> series, int d) {
  std::vector<double> w(series.begin(), series.end());
  for (int k = 0; k < d && !w.empty(); ++k) {
    for (size_t t = 0; t + 1 < w.size(); ++t) w[t] = w[t + 1] - w[t];
    w.pop_back();
  }
  return w;
}

bool roots_outside_unit_circle(std::span<const double> c) {
  // Trailing zero coefficients lower the degree.
  size_t k = c.size();
  while (k > 0 && c[k - 1] == 0.0) --k;
  if (k == 0) return true;
  if (k == 1) return std::abs(c[0]) < 1.0;
  // The roots of 1 - c_1 z - ... - c_k z^k lie outside the unit circle exactly when the
  // eigenvalues of its companion matrix lie inside it.
  Eigen::MatrixXd m = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(k));
  for (size_t i = 0; i < k; ++i) m(0, static_cast<Eigen::Index>(i)) = c[i];
  for (size_t i = 1; i < k; ++i) m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(i) - 1) = 1.0;
  Eigen::EigenSolver<Eigen::MatrixXd> solver(m, false);
  if (solver.info() != Eigen::Success) return false;
  for (Eigen::Index i = 0; i < solver.eigenvalues().size(); ++i) {
    if (std::abs(solver.eigenvalues()[i]) >= 1.0) return false;
  }
  return true;
}

ArimaFit fit_arima_css(std::span<const double> series, ArimaOrder order, const ArimaFit* start, int condition) {
  ArimaFit fit;
  fit.order = order;
  fit.with_mean = order.d == 0;
  const int p = order.p, q = order.q;
  if (p < 0 || q < 0 || order.d < 0 || p > kMaxArOrder || q > kMaxMaOrder || order.d > kMaxDifferencing) return fit;
  const int first = std::max(p, condition);
  if (static_cast<int>(series.size()) < first + q + order.d + 2) return fit;
  const std::vector<double> w = difference(series, order.d);
  CssProblem problem(w, p, q, fit.with_mean, first);
  const int k = problem.inputs();

  Eigen::VectorXd x(k);
  const int ar0 = fit.with_mean ? 1 : 0;
  if (fit.with_mean) {
    double mean = 0;
    for (double v : w) mean += v;
    x[0] = mean / static_cast<double>(w.size());
  }
  const bool warm = start && start->ok && start->order == order;
  const std::vector<double> ar = warm ? start->ar : yule_walker(w, p);
  for (int i = 0; i < p; ++i) x[ar0 + i] = ar[static_cast<size_t>(i)];
  for (int j = 0; j < q; ++j) x[ar0 + p + j] = warm ? start->ma[static_cast<size_t>(j)] : 0.0;
  if (warm && fit.with_mean) x[0] = start->mean;

  if (k > 0) {
    Eigen::LevenbergMarquardt<CssProblem> lm(problem);
    lm.parameters.maxfev = 100;
    lm.parameters.xtol = 1e-8;
    lm.parameters.ftol = 1e-8;
    lm.minimize(x);
  }

  Eigen::VectorXd e(problem.values());
  problem.residuals(x, e.data());
  const double ssr = e.squaredNorm();
  if (!std::isfinite(ssr) || !x.allFinite()) return fit;
  fit.mean = fit.with_mean ? x[0] : 0.0;
  fit.ar.assign(x.data() + ar0, x.data() + ar0 + p);
  fit.ma.assign(x.data() + ar0 + p, x.data() + ar0 + p + q);
  fit.residual_count = problem.values();
  fit.sigma2 = ssr / fit.residual_count;
  const double n = fit.residual_count;
  const double loglik = -0.5 * n * (std::log(2.0 * std::numbers::pi * fit.sigma2) + 1.0);
  fit.aic = -2.0 * loglik + 2.0 * (k + 1);
  fit.stationary = roots_outside_unit_circle(fit.ar);
  std::vector<double> neg_ma(fit.ma.size());
  for (size_t j = 0; j < fit.ma.size(); ++j) neg_ma[j] = -fit.ma[j];
  fit.invertible = roots_outside_unit_circle(neg_ma);
  fit.residuals.assign(e.data(), e.data() + e.size());
  fit.ok = true;
  return fit;
}

namespace {

// phi*(B) = phi(B) (1 - B)^d as the coefficients c_1..c_{p+d} of 1 - c_1 B - ...
std::vector<double> integrated_ar(const ArimaFit& fit) {
  std::vector<double> poly(fit.ar.size() + 1);  // 1 - phi_1 z - ...
  poly[0] = 1.0;
  for (size_t i = 0; i < fit.ar.size(); ++i) poly[i + 1] = -fit.ar[i];
  for (int k = 0; k < fit.order.d; ++k) {
    std::vector<double> next(poly.size() + 1, 0.0);
    for (size_t i = 0; i < poly.size(); ++i) {
      next[i] += poly[i];
      next[i + 1] -= poly[i];
    }
    poly = std::move(next);
  }
  std::vector<double> c(poly.size() - 1);
  for (size_t i = 1; i < poly.size(); ++i) c[i - 1] = -poly[i];
  return c;
}

}  // namespace

std::vector<double> psi_weights(const ArimaFit& fit, int h) {
  const std::vector<double> c = integrated_ar(fit);
  std::vector<double> psi(static_cast<size_t>(std::max(h, 0)), 0.0);
  for (int j = 0; j < h; ++j) {
    double v = j == 0 ? 1.0 : (j <= static_cast<int>(fit.ma.size()) ? fit.ma[static_cast<size_t>(j) - 1] : 0.0);
    for (int i = 1; i <= j && i <= static_cast<int>(c.size()); ++i) v += c[static_cast<size_t>(i) - 1] * psi[static_cast<size_t>(j - i)];
    psi[static_cast<size_t>(j)] = v;
  }
  return psi;
}

std::vector<double> forecast_means(const ArimaFit& fit, std::span<const double> history,
                                   std::span<const double> errors, int h) {
  const std::vector<double> c = integrated_ar(fit);
  const int lags = static_cast<int>(c.size());
  // z = x - mu; the past (only the last `lags` values matter) then the forecasts.
  std::vector<double> z;
  const size_t keep = std::min(history.size(), static_cast<size_t>(lags));
  for (size_t i = history.size() - keep; i < history.size(); ++i) z.push_back(history[i] - fit.mean);
  const int past = static_cast<int>(z.size());
  std::vector<double> out;
  for (int step = 1; step <= h; ++step) {
    double v = 0;
    for (int i = 1; i <= lags; ++i) {
      const int at = past + step - 1 - i;
      if (at >= 0) v += c[static_cast<size_t>(i) - 1] * z[static_cast<size_t>(at)];
    }
    for (int j = step; j <= static_cast<int>(fit.ma.size()); ++j) {
      const int back = j - step;  // e_{n+step-j}: `back` steps before the last error
      if (back < static_cast<int>(errors.size())) v += fit.ma[static_cast<size_t>(j) - 1] * errors[errors.size() - 1 - static_cast<size_t>(back)];
    }
    z.push_back(v);
    out.push_back(v + fit.mean);
  }
  return out;
}

}  // namespace careflow::exec::ml
