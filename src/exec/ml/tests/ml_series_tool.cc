// A command-line view of careflow's ML numerics for tests/interop/ml/run, which compares it with
// statsmodels on the same series. Reads one value per line from stdin.
//
//   ml_series_tool fit p d q horizon [period]   one JSON object: the fit of the whole series
//       (ar, ma, mean, sigma2, aic) and its `horizon` forecasts with 95% bounds; with `period`, the
//       series is deseasonalized by STL first and the forecast reseasonalized (as STLForecast).
//   ml_series_tool stl period   one JSON object: the STL decomposition (seasonal, trend) of the
//       series, to compare with statsmodels' STL component by component.
//   ml_series_tool detect min_training_size confidence [learn-actual]   one line per value: 1 if
//       flagged, 0 if not, - before the model (ML_DETECT_ANOMALIES with default parameters
//       otherwise); learn-actual makes the model learn flagged values as they are (ML_FORECAST's
//       model), to measure what replacing them by their forecasts changes.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "exec/ml/arima.h"
#include "exec/ml/stl.h"
#include "exec/ml/streaming_arima.h"

namespace ml = careflow::exec::ml;

namespace {

void print_list(const char* name, const std::vector<double>& v) {
  std::printf("\"%s\":[", name);
  for (size_t i = 0; i < v.size(); ++i) std::printf("%s%.17g", i ? "," : "", v[i]);
  std::printf("]");
}

int fit(std::vector<double> x, int p, int d, int q, int h, int period) {
  std::vector<double> seasonal;
  if (period > 0) {
    seasonal = ml::stl_decompose(x, period).seasonal;
    if (seasonal.empty()) return 2;
    for (size_t i = 0; i < x.size(); ++i) x[i] -= seasonal[i];
  }
  ml::ArimaFit f = ml::fit_arima_css(x, {p, d, q});
  if (!f.ok) return 3;
  const std::vector<double> means = ml::forecast_means(f, x, f.residuals, h);
  const std::vector<double> psi = ml::psi_weights(f, h);
  const double z = ml::normal_quantile_two_sided(95.0);
  std::vector<double> forecast, lower, upper;
  double psi2 = 0;
  for (int k = 0; k < h; ++k) {
    psi2 += psi[static_cast<size_t>(k)] * psi[static_cast<size_t>(k)];
    double s = period > 0 ? seasonal[x.size() - static_cast<size_t>(period) + static_cast<size_t>(k % period)] : 0.0;
    forecast.push_back(means[static_cast<size_t>(k)] + s);
    lower.push_back(forecast.back() - z * std::sqrt(f.sigma2 * psi2));
    upper.push_back(forecast.back() + z * std::sqrt(f.sigma2 * psi2));
  }
  std::printf("{");
  print_list("ar", f.ar);
  std::printf(",");
  print_list("ma", f.ma);
  std::printf(",\"mean\":%.17g,\"sigma2\":%.17g,\"aic\":%.17g,", f.mean, f.sigma2, f.aic);
  print_list("forecast", forecast);
  std::printf(",");
  print_list("lower", lower);
  std::printf(",");
  print_list("upper", upper);
  std::printf("}\n");
  return 0;
}

int stl(const std::vector<double>& x, int period) {
  const ml::StlResult r = ml::stl_decompose(x, period);
  if (r.seasonal.empty()) return 2;
  std::printf("{");
  print_list("seasonal", r.seasonal);
  std::printf(",");
  print_list("trend", r.trend);
  std::printf("}\n");
  return 0;
}

int detect(const std::vector<double>& x, int min_training, double confidence, ml::AnomalyHandling handling) {
  ml::MlOptions o;
  o.min_training_size = min_training;
  o.confidence_percentage = confidence;
  ml::StreamingArima m(o, handling);
  for (double v : x) {
    if (!m.ready()) std::printf("-\n");
    else {
      ml::ForecastPoint f = m.forecast(1)[0];
      std::printf("%d\n", v < f.lower || v > f.upper ? 1 : 0);
    }
    m.observe(v);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::vector<double> x;
  for (std::string line; std::getline(std::cin, line);) {
    if (!line.empty()) x.push_back(std::stod(line));
  }
  if (args.size() >= 5 && args[0] == "fit") {
    return fit(x, std::stoi(args[1]), std::stoi(args[2]), std::stoi(args[3]), std::stoi(args[4]),
               args.size() > 5 ? std::stoi(args[5]) : 0);
  }
  if (args.size() == 2 && args[0] == "stl") return stl(x, std::stoi(args[1]));
  if ((args.size() == 3 || (args.size() == 4 && args[3] == "learn-actual")) && args[0] == "detect") {
    return detect(x, std::stoi(args[1]), std::stod(args[2]),
                  args.size() == 4 ? ml::AnomalyHandling::kLearnActual : ml::AnomalyHandling::kReplaceWithForecast);
  }
  std::fprintf(stderr, "usage: ml_series_tool fit p d q horizon [period] | stl period | detect min_training_size confidence [learn-actual]\n");
  return 1;
}
