// ML_DETECT_ANOMALIES' model against statsmodels fitting the same windows, in the same run: rows/s
// on one core with 1,000 devices, and the memory each device's model holds.
//
// careflow side: one StreamingArima per device with ML_DETECT_ANOMALIES' handling of anomalies,
// fed the way the OVER aggregate feeds it (src/exec/aggregates/ml_functions.cc): for every row the
// one-step forecast, bounds, rmse, aic and flag are computed, then the value is observed (a refit
// every updateInterval rows). Rows arrive interleaved across devices, as a stream would bring
// them, on one thread. The SQL engine's own per-row cost (the OVER operator, rows, batches) is
// engine_bench's subject and is not included. Timed from the row that triggers each device's first
// fit (the warm-up rows before it only fill the window), in CPU seconds of the thread (the peer
// counts its process's CPU seconds with its linear algebra on one thread): rows/s per core on a
// shared machine. The median of 3 runs on fresh models.
//
// Series: per device, AR(1) noise (phi 0.5, sd 1) around a level of its own with 0.5% spikes of
// +-6 sd (mt19937, seeded): the shape of a device metric. The first --peer-devices series are
// written to a file that bench/ml_bench_peer.py replays with statsmodels on the same refit
// schedule and windows.
//
// Memory per device: StreamingArima::state_bytes() (what the model holds: the window of
// maxTrainingSize values and the fit), and the process's resident memory growth divided by the
// devices (what it costs with allocator overhead), both after the stream.
//
//   ml_bench --python PY --peer FILE [--devices N] [--rows N] [--peer-devices N] [--grid-devices N]
//            [--markdown FILE]
#include <fmt/format.h>

#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_util.h"
#include "exec/ml/ml_options.h"
#include "exec/ml/streaming_arima.h"

namespace careflow::bench {
namespace {

namespace ml = exec::ml;

struct Config {
  std::string python, peer, markdown;
  int devices = 1000;
  int rows = 640;  // per device: 128 warm-up rows, then 512 with refits
  int peer_devices = 3;
  int grid_devices = 1;
};

std::vector<std::vector<double>> make_series(const Config& c) {
  std::vector<std::vector<double>> all(static_cast<size_t>(c.devices));
  for (int d = 0; d < c.devices; ++d) {
    std::mt19937 rng(static_cast<unsigned>(1000 + d));
    std::normal_distribution<double> noise(0.0, 1.0);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const double level = 50.0 + 10.0 * (d % 7);
    double v = 0;
    for (int t = 0; t < c.rows; ++t) {
      v = 0.5 * v + noise(rng);
      double x = level + v;
      if (unit(rng) < 0.005) x += unit(rng) < 0.5 ? -6.9 : 6.9;
      all[static_cast<size_t>(d)].push_back(x);
    }
  }
  return all;
}

// CPU seconds of this thread: "rows/s per core" on a shared machine, where wall time also counts
// other processes' turns.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

long rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  long value = 0;
  while (status >> key) {
    if (key == "VmRSS:") {
      status >> value;
      return value;
    }
    status.ignore(1 << 16, '\n');
  }
  return 0;
}

struct Run {
  double rows_per_second = 0;
  long flagged = 0;
  double state_bytes = 0;   // mean per device
  double rss_bytes = 0;     // resident growth per device
};

Run run_careflow(const std::vector<std::vector<double>>& series, const ml::MlOptions& options) {
  const long rss_before = rss_kib();
  std::vector<std::unique_ptr<ml::StreamingArima>> models;
  for (size_t d = 0; d < series.size(); ++d) {
    models.push_back(std::make_unique<ml::StreamingArima>(options, ml::AnomalyHandling::kReplaceWithForecast));
  }
  const int rows = static_cast<int>(series[0].size());
  const int warm = options.min_training_size - 1;
  Run r;
  double checksum = 0;
  auto step = [&](size_t d, int t) {
    ml::StreamingArima& m = *models[d];
    const double x = series[d][static_cast<size_t>(t)];
    if (m.ready()) {
      const ml::ForecastPoint f = m.forecast(1)[0];
      r.flagged += x < f.lower || x > f.upper;
      checksum += m.rmse() + m.aic();
    }
    m.observe(x);
  };
  for (int t = 0; t < warm; ++t) {
    for (size_t d = 0; d < series.size(); ++d) step(d, t);
  }
  const double start = thread_cpu_seconds();
  for (int t = warm; t < rows; ++t) {
    for (size_t d = 0; d < series.size(); ++d) step(d, t);
  }
  const double seconds = thread_cpu_seconds() - start;
  r.rows_per_second = static_cast<double>(series.size()) * (rows - warm) / seconds;
  double bytes = 0;
  for (const auto& m : models) bytes += static_cast<double>(m->state_bytes());
  r.state_bytes = bytes / static_cast<double>(series.size());
  r.rss_bytes = 1024.0 * static_cast<double>(rss_kib() - rss_before) / static_cast<double>(series.size());
  if (!std::isfinite(checksum) || r.flagged == 0) {
    std::fprintf(stderr, "ml_bench: the models flagged nothing or gave non-finite rmse/aic: the run is invalid\n");
    std::exit(1);
  }
  return r;
}

// The median rate of 3 runs; memory from the first (later runs reuse the memory the allocator kept).
Run median_of_3(const std::vector<std::vector<double>>& series, const ml::MlOptions& options) {
  std::vector<Run> runs;
  for (int i = 0; i < 3; ++i) runs.push_back(run_careflow(series, options));
  const double rss = runs[0].rss_bytes;
  std::sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) { return a.rows_per_second < b.rows_per_second; });
  runs[1].rss_bytes = rss;
  return runs[1];
}

std::string rate(double rows_per_second) {
  return rows_per_second >= 1e3 ? fmt::format("{:.1f} k rows/s", rows_per_second / 1e3)
                                 : fmt::format("{:.0f} rows/s", rows_per_second);
}

int main_impl(int argc, char** argv) {
  Config c;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--python") c.python = value;
    else if (flag == "--peer") c.peer = value;
    else if (flag == "--markdown") c.markdown = value;
    else if (flag == "--devices") c.devices = std::stoi(value);
    else if (flag == "--rows") c.rows = std::stoi(value);
    else if (flag == "--peer-devices") c.peer_devices = std::stoi(value);
    else if (flag == "--grid-devices") c.grid_devices = std::stoi(value);
    else {
      std::fprintf(stderr, "ml_bench: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  ml::MlOptions automatic;  // ML_DETECT_ANOMALIES' defaults: order chosen by KPSS and AIC
  if (c.python.empty() || c.peer.empty() || c.devices < 1 || c.rows <= automatic.min_training_size ||
      c.peer_devices < 1 || c.peer_devices > c.devices || c.grid_devices > c.peer_devices) {
    std::fprintf(stderr, "usage: ml_bench --python PY --peer FILE [--devices N] [--rows N > %d] [--peer-devices N] "
                         "[--grid-devices N] [--markdown FILE]\n",
                 automatic.min_training_size);
    return 2;
  }
  const std::vector<std::vector<double>> series = make_series(c);

  // The peer first, on the first devices' series, while this process is idle.
  ScratchDir scratch("ml_bench");
  const std::string series_file = (scratch.path() / "series.txt").string();
  {
    std::ofstream out(series_file);
    for (int d = 0; d < c.peer_devices; ++d) {
      for (double v : series[static_cast<size_t>(d)]) out << fmt::format("{:.17g} ", v);
      out << '\n';
    }
  }
  const std::string cmd = fmt::format("'{}' '{}' '{}' {} {} {} {}", c.python, c.peer, series_file, automatic.min_training_size,
                                      automatic.max_training_size, automatic.update_interval, c.grid_devices);
  std::fprintf(stderr, "ml_bench: statsmodels on %d device(s) ...\n", c.peer_devices);
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return 1;
  std::string text;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) text.append(buf, n);
  if (pclose(p) != 0) {
    std::fprintf(stderr, "ml_bench: the statsmodels peer failed\n");
    return 1;
  }
  const nlohmann::json peer = nlohmann::json::parse(text);

  ml::MlOptions fixed;
  fixed.p = 1;
  fixed.d = 0;
  fixed.q = 1;
  std::fprintf(stderr, "ml_bench: careflow on %d devices x %d rows ...\n", c.devices, c.rows);
  const Run ours_auto = median_of_3(series, automatic);
  const Run ours_fixed = median_of_3(series, fixed);

  const double peer_auto = peer["automatic"]["rows_per_second"].get<double>();
  const double peer_fixed = peer["fixed"]["rows_per_second"].get<double>();
  const std::string version = peer["statsmodels"].get<std::string>();
  std::string md;
  md += fmt::format("### {} devices, {} rows each (timed from each device's first fit: {} rows per device), one thread\n\n",
                    c.devices, c.rows, c.rows - automatic.min_training_size + 1);
  md += fmt::format("| order | careflow (median of 3) | statsmodels {} | ratio | statsmodels sample |\n|---|---|---|---|---|\n",
                    version);
  md += fmt::format("| automatic (KPSS d, p and q in 0..2 by AIC; the default) | {} | {} | {:.0f}x | {} device(s), {:.1f} s of fits |\n",
                    rate(ours_auto.rows_per_second), rate(peer_auto), ours_auto.rows_per_second / peer_auto,
                    peer["automatic"]["devices"].get<int>(), peer["automatic"]["seconds"].get<double>());
  md += fmt::format("| fixed ARIMA(1,0,1) ('p' 1, 'd' 0, 'q' 1) | {} | {} | {:.0f}x | {} device(s), {:.1f} s of fits |\n\n",
                    rate(ours_fixed.rows_per_second), rate(peer_fixed), ours_fixed.rows_per_second / peer_fixed,
                    peer["fixed"]["devices"].get<int>(), peer["fixed"]["seconds"].get<double>());
  const int window = std::min(c.rows, automatic.max_training_size);
  md += fmt::format("Memory per device (defaults: maxTrainingSize {}): the model holds {:.0f} bytes "
                    "(StreamingArima::state_bytes; its window of {} values, 9 bytes each, is {} of them); the process "
                    "grew by {:.0f} bytes per device in the first run (resident memory, allocator overhead included). "
                    "Rows flagged: {} (automatic), {} (fixed).\n",
                    automatic.max_training_size, ours_auto.state_bytes, window, window * 9, ours_auto.rss_bytes,
                    ours_auto.flagged, ours_fixed.flagged);
  std::printf("%s", md.c_str());
  if (!c.markdown.empty()) {
    std::ofstream out(c.markdown, std::ios::app);
    out << md;
  }
  return 0;
}

}  // namespace
}  // namespace careflow::bench

int main(int argc, char** argv) { return careflow::bench::main_impl(argc, argv); }
