#pragma once
// Shared helpers for careflow's benchmark runners: a scratch directory on the disk being measured,
// a reporter that keeps every run so a runner can print peer ratios at the end.

#include <benchmark/benchmark.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace careflow::bench {

// A fresh directory under $CAREFLOW_BENCH_DIR (default: build/bench-scratch), removed on exit.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name);
  ~ScratchDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Prints like the console reporter and remembers bytes/s and items/s of each run by name.
class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override;
  double bytes_per_second(const std::string& name) const { return counter(name, "bytes_per_second"); }
  // A counter a benchmark set (state.counters[...]); 0 when it did not run or set none.
  double counter(const std::string& name, const std::string& counter_name) const;

 private:
  std::map<std::string, std::map<std::string, double>> counters_;  // benchmark name -> counter -> value
};

// Takes "--markdown FILE" out of the command line, hands the rest to benchmark::Initialize, and
// returns FILE ("" without the flag).
std::string initialize_with_markdown_flag(int argc, char** argv);

// The middle value (the upper one of an even count); `v` must not be empty.
double median(std::vector<double> v);

// "0.93x" style ratio of two throughputs; "n/a" when the peer is missing.
std::string ratio(double ours, double peer);

}  // namespace careflow::bench
