// STL's inner loop after the netlib Fortran (stlstp, stlss, stlfts, stless, stlest), 1-based
// positions as there so that the window arithmetic reads the same.
#include "exec/ml/stl.h"

#include <algorithm>
#include <cmath>

namespace careflow::exec::ml {

namespace {

// Loess estimate at position xs from y[nleft..nright] (1-based), window `len`, degree 0 or 1.
bool loess_at(const double* y, int n, int len, int degree, double xs, double* ys, int nleft, int nright,
              std::vector<double>& w) {
  const double range = n - 1.0;
  double h = std::max(xs - nleft, nright - xs);
  if (len > n) h += (len - n) / 2;
  const double h9 = 0.999 * h, h1 = 0.001 * h;
  double a = 0;
  for (int j = nleft; j <= nright; ++j) {
    double wj = 0;
    const double r = std::abs(j - xs);
    if (r <= h9) {
      if (r <= h1) wj = 1;
      else {
        const double u = r / h;
        wj = std::pow(1 - u * u * u, 3);
      }
    }
    w[static_cast<size_t>(j)] = wj;
    a += wj;
  }
  if (a <= 0) return false;
  for (int j = nleft; j <= nright; ++j) w[static_cast<size_t>(j)] /= a;
  if (h > 0 && degree > 0) {
    a = 0;
    for (int j = nleft; j <= nright; ++j) a += w[static_cast<size_t>(j)] * j;
    double b = xs - a, c = 0;
    for (int j = nleft; j <= nright; ++j) c += w[static_cast<size_t>(j)] * (j - a) * (j - a);
    if (std::sqrt(c) > 0.001 * range) {
      b /= c;
      for (int j = nleft; j <= nright; ++j) w[static_cast<size_t>(j)] *= b * (j - a) + 1.0;
    }
  }
  double s = 0;
  for (int j = nleft; j <= nright; ++j) s += w[static_cast<size_t>(j)] * y[j - 1];
  *ys = s;
  return true;
}

// Loess smoothing of y[1..n] at every position into ys[0..n-1].
void loess_all(const double* y, int n, int len, int degree, double* ys, std::vector<double>& w) {
  if (n < len) {
    for (int i = 1; i <= n; ++i) {
      if (!loess_at(y, n, len, degree, i, &ys[i - 1], 1, n, w)) ys[i - 1] = y[i - 1];
    }
    return;
  }
  const int nsh = (len + 1) / 2;
  int nleft = 1, nright = len;
  for (int i = 1; i <= n; ++i) {
    if (i > nsh && nright != n) {
      ++nleft;
      ++nright;
    }
    if (!loess_at(y, n, len, degree, i, &ys[i - 1], nleft, nright, w)) ys[i - 1] = y[i - 1];
  }
}

void moving_average(const std::vector<double>& x, int len, std::vector<double>& out) {
  const int n = static_cast<int>(x.size());
  out.assign(static_cast<size_t>(n - len + 1), 0.0);
  double v = 0;
  for (int i = 0; i < len; ++i) v += x[static_cast<size_t>(i)];
  out[0] = v / len;
  for (int j = 1; j <= n - len; ++j) {
    v += x[static_cast<size_t>(j + len - 1)] - x[static_cast<size_t>(j - 1)];
    out[static_cast<size_t>(j)] = v / len;
  }
}

int next_odd(double v) {
  int i = static_cast<int>(std::ceil(v));
  return i % 2 == 0 ? i + 1 : i;
}

}  // namespace

StlResult stl_decompose(std::span<const double> series, int np, int inner_iterations) {
  StlResult out;
  const int n = static_cast<int>(series.size());
  if (np < 2 || n < 2 * np) return out;
  const int ns = 7;
  const int nl = next_odd(np + 1);  // the smallest odd number > np
  const int nt = next_odd(1.5 * np / (1.0 - 1.5 / ns));
  std::vector<double> w(static_cast<size_t>(std::max(n + 2 * np, std::max({ns, nl, nt})) + 2));
  std::vector<double> trend(static_cast<size_t>(n), 0.0), season(static_cast<size_t>(n), 0.0);
  std::vector<double> detrended(static_cast<size_t>(n)), cycle(static_cast<size_t>(n + 2 * np));
  std::vector<double> sub, smooth, ma1, ma2, ma3, low(static_cast<size_t>(n)), adjusted(static_cast<size_t>(n));
  for (int iter = 0; iter < inner_iterations; ++iter) {
    for (int i = 0; i < n; ++i) detrended[static_cast<size_t>(i)] = series[static_cast<size_t>(i)] - trend[static_cast<size_t>(i)];
    // Cycle-subseries smoothing, each extended by one period at both ends (stlss).
    for (int j = 1; j <= np; ++j) {
      const int k = (n - j) / np + 1;
      sub.assign(static_cast<size_t>(k), 0.0);
      for (int i = 1; i <= k; ++i) sub[static_cast<size_t>(i - 1)] = detrended[static_cast<size_t>((i - 1) * np + j - 1)];
      smooth.assign(static_cast<size_t>(k + 2), 0.0);
      loess_all(sub.data(), k, ns, 1, smooth.data() + 1, w);
      if (!loess_at(sub.data(), k, ns, 1, 0, &smooth[0], 1, std::min(ns, k), w)) smooth[0] = smooth[1];
      if (!loess_at(sub.data(), k, ns, 1, k + 1, &smooth[static_cast<size_t>(k + 1)], std::max(1, k - ns + 1), k, w)) {
        smooth[static_cast<size_t>(k + 1)] = smooth[static_cast<size_t>(k)];
      }
      for (int m = 1; m <= k + 2; ++m) cycle[static_cast<size_t>((m - 1) * np + j - 1)] = smooth[static_cast<size_t>(m - 1)];
    }
    // Low-pass filter of the cycle (stlfts, then a loess): what the cycle has that is not seasonal.
    moving_average(cycle, np, ma1);
    moving_average(ma1, np, ma2);
    moving_average(ma2, 3, ma3);
    loess_all(ma3.data(), n, nl, 1, low.data(), w);
    for (int i = 0; i < n; ++i) {
      season[static_cast<size_t>(i)] = cycle[static_cast<size_t>(np + i)] - low[static_cast<size_t>(i)];
      adjusted[static_cast<size_t>(i)] = series[static_cast<size_t>(i)] - season[static_cast<size_t>(i)];
    }
    loess_all(adjusted.data(), n, nt, 1, trend.data(), w);
  }
  out.seasonal = season;
  out.trend = trend;
  out.remainder.resize(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    out.remainder[static_cast<size_t>(i)] = series[static_cast<size_t>(i)] - season[static_cast<size_t>(i)] - trend[static_cast<size_t>(i)];
  }
  return out;
}

int detect_period(std::span<const double> series) {
  if (series.size() < 8) return 0;
  std::vector<double> d(series.size() - 1);
  for (size_t t = 0; t + 1 < series.size(); ++t) d[t] = series[t + 1] - series[t];
  const size_t n = d.size();
  double mean = 0;
  for (double v : d) mean += v;
  mean /= static_cast<double>(n);
  double c0 = 0;
  for (double v : d) c0 += (v - mean) * (v - mean);
  if (c0 <= 0) return 0;
  int best = 0;
  double best_acf = 2.0 / std::sqrt(static_cast<double>(n));
  for (size_t lag = 2; lag <= n / 2; ++lag) {
    double c = 0;
    for (size_t t = lag; t < n; ++t) c += (d[t] - mean) * (d[t - lag] - mean);
    if (c / c0 > best_acf) {
      best_acf = c / c0;
      best = static_cast<int>(lag);
    }
  }
  return best;
}

}  // namespace careflow::exec::ml
