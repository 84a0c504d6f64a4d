#include "bench_util.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace careflow::bench {

ScratchDir::ScratchDir(const std::string& name) {
  const char* base = std::getenv("CAREFLOW_BENCH_DIR");
  path_ = std::filesystem::path(base ? base : "build/bench-scratch") / fmt::format("{}-{}", name, getpid());
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void CollectingReporter::ReportRuns(const std::vector<Run>& runs) {
  for (const Run& run : runs) {
    if (run.run_type != Run::RT_Iteration) continue;
    // Drop the suffixes Google Benchmark appends ("/min_time:1.000") to get the registered name.
    std::string name = run.benchmark_name();
    if (const size_t cut = name.find("/min_time:"); cut != std::string::npos) name.resize(cut);
    for (const auto& [counter_name, value] : run.counters) counters_[name][counter_name] = value.value;
  }
  ConsoleReporter::ReportRuns(runs);
}

double CollectingReporter::counter(const std::string& name, const std::string& counter_name) const {
  auto it = counters_.find(name);
  if (it == counters_.end()) return 0.0;
  auto value = it->second.find(counter_name);
  return value == it->second.end() ? 0.0 : value->second;
}

std::string initialize_with_markdown_flag(int argc, char** argv) {
  std::string markdown_path;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--markdown") == 0 && i + 1 < argc) {
      markdown_path = argv[++i];
    } else {
      args.push_back(argv[i]);
    }
  }
  int bench_argc = static_cast<int>(args.size());
  benchmark::Initialize(&bench_argc, args.data());
  return markdown_path;
}

std::string ratio(double ours, double peer) {
  if (peer <= 0 || ours <= 0) return "n/a";
  return fmt::format("{:.2f}x", ours / peer);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace careflow::bench
