#include "bench_util.h"

#include <fmt/format.h>
#include <unistd.h>

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
    auto it = run.counters.find("bytes_per_second");
    // Drop the suffixes Google Benchmark appends ("/min_time:1.000") to get the registered name.
    std::string name = run.benchmark_name();
    if (const size_t cut = name.find("/min_time:"); cut != std::string::npos) name.resize(cut);
    if (it != run.counters.end()) bytes_per_second_[name] = it->second.value;
  }
  ConsoleReporter::ReportRuns(runs);
}

double CollectingReporter::bytes_per_second(const std::string& name) const {
  auto it = bytes_per_second_.find(name);
  return it == bytes_per_second_.end() ? 0.0 : it->second;
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

}  // namespace careflow::bench
