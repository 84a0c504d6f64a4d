#include "checkpoint_report.h"

#include <fmt/format.h>

#include <fstream>
#include <optional>

namespace careflow::bench {

void write_checkpoint_results(const std::filesystem::path& file, const CheckpointResults& results) {
  std::ofstream out(file);
  for (const auto& [name, value] : results) out << name << '\t' << value << '\n';
}

CheckpointResults read_checkpoint_results(const std::filesystem::path& file) {
  CheckpointResults out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    const size_t tab = line.find('\t');
    if (tab != std::string::npos) out[line.substr(0, tab)] = line.substr(tab + 1);
  }
  return out;
}

namespace {

std::optional<double> number(const CheckpointResults& r, const std::string& name) {
  auto it = r.find(name);
  if (it == r.end()) return std::nullopt;
  try {
    return std::stod(it->second);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// The relative throughput lost to checkpoints, in percent.
std::optional<double> cost(const CheckpointResults& r) {
  auto off = number(r, "throughput_off_rows_per_second"), on = number(r, "throughput_on_rows_per_second");
  if (!off || !on || *off <= 0) return std::nullopt;
  return 100.0 * (1.0 - *on / *off);
}

std::string text(const std::optional<double>& v, const char* format) {
  return v ? fmt::format(fmt::runtime(format), *v) : std::string("not run");
}

std::string ratio(const std::optional<double>& ours, const std::optional<double>& peer) {
  if (!ours || !peer || *peer <= 0) return "n/a";
  return fmt::format("{:.2f}", *ours / *peer);
}

std::optional<double> megabytes(const CheckpointResults& r, const std::string& name) {
  auto b = number(r, name);
  if (!b) return std::nullopt;
  return *b / 1e6;
}

}  // namespace

std::string checkpoint_report(const std::filesystem::path& dir) {
  const CheckpointResults c = read_checkpoint_results(dir / "careflow.tsv");
  const CheckpointResults f = read_checkpoint_results(dir / "flink.tsv");
  std::string out = "| measurement | careflow | Flink 1.20, RocksDB incremental | careflow ÷ Flink |\n|---|---|---|---|\n";
  auto line = [&](const std::string& what, const std::optional<double>& ours, const std::optional<double>& peer,
                  const char* format, const std::string& shown_ratio) {
    out += fmt::format("| {} | {} | {} | {} |\n", what, text(ours, format), text(peer, format), shown_ratio);
  };
  auto plain = [&](const std::string& what, const std::string& name, const char* format) {
    line(what, number(c, name), number(f, name), format, ratio(number(c, name), number(f, name)));
  };
  const std::string rows = c.count("throughput_rows") ? c.at("throughput_rows") : "?";
  plain(fmt::format("GROUP BY 100k keys, {} rows, checkpoints off (rows/s)", rows), "throughput_off_rows_per_second",
        "{:.0f}");
  plain("same, a checkpoint every second (rows/s)", "throughput_on_rows_per_second", "{:.0f}");
  line("checkpoints taken per run", number(c, "throughput_on_checkpoints"), number(f, "throughput_on_checkpoints"), "{:.0f}",
       "—");
  plain("CPU busy with checkpoints (cores: CPU time ÷ wall time)", "throughput_on_cpu_busy", "{:.2f}");
  {
    auto per_core = [](const CheckpointResults& r) -> std::optional<double> {
      auto rate = number(r, "throughput_on_rows_per_second"), busy = number(r, "throughput_on_cpu_busy");
      if (!rate || !busy || *busy <= 0) return std::nullopt;
      return *rate / *busy;
    };
    line("same, rows/s per busy core", per_core(c), per_core(f), "{:.0f}", ratio(per_core(c), per_core(f)));
  }
  {
    // A cost within the noise (≤ 1 %) makes a ratio meaningless.
    const auto cc = cost(c), fc = cost(f);
    line("throughput cost of checkpoints every second (%)", cc, fc, "{:.1f}",
         cc && fc && *fc > 1.0 ? fmt::format("{:.2f}", *cc / *fc) : "n/a (a cost within noise)");
  }
  // careflow takes a checkpoint on the job's thread; the rest of the cost is recording changed
  // keys. Flink's snapshot runs mostly asynchronously, so it has no such figure.
  out += fmt::format("| share of the run spent taking checkpoints (%, median) | {} | (asynchronous) | — |\n",
                     text(number(c, "throughput_in_checkpoints_percent"), "{:.1f}"));
  plain("1 M keys: first (full) checkpoint, duration (s)", "full_seconds", "{:.3f}");
  line("1 M keys: first (full) checkpoint, bytes written (MB)", megabytes(c, "full_bytes"), megabytes(f, "full_bytes"),
       "{:.2f}", ratio(number(c, "full_bytes"), number(f, "full_bytes")));
  plain("1 % of the keys changed: incremental checkpoint, duration (s, median)", "delta_seconds", "{:.3f}");
  line("1 % of the keys changed: incremental checkpoint, bytes written (MB, median)", megabytes(c, "delta_bytes"),
       megabytes(f, "delta_bytes"), "{:.3f}", ratio(number(c, "delta_bytes"), number(f, "delta_bytes")));
  line("same, the largest of the rounds (MB; Flink: a round after which RocksDB compacted uploads the merged file)",
       megabytes(c, "delta_bytes_max"), megabytes(f, "delta_bytes_max"), "{:.3f}",
       ratio(number(c, "delta_bytes_max"), number(f, "delta_bytes_max")));
  line("same, all rounds together (MB)", megabytes(c, "delta_bytes_total"), megabytes(f, "delta_bytes_total"), "{:.3f}",
       ratio(number(c, "delta_bytes_total"), number(f, "delta_bytes_total")));
  line("after the last delta: full state a restore reads (MB)", megabytes(c, "delta_full_state_bytes"),
       megabytes(f, "delta_full_state_bytes"), "{:.2f}",
       ratio(number(c, "delta_full_state_bytes"), number(f, "delta_full_state_bytes")));
  plain("recovery of 1 M keys: start to the first result with the state restored (s)", "restore_seconds", "{:.3f}");
  plain("the same job started without state (s)", "start_without_state_seconds", "{:.3f}");
  return out;
}

}  // namespace careflow::bench
