// Parquet write speed and size: careflow's writer vs pyarrow's (Apache Arrow C++) on the same 1 M
// telemetry-facts rows, same codec, same row-group size (131,072 rows), same page size (1 MiB) and
// dictionary limit (1 MiB), in the same run. Both sides write from columns already in memory:
// careflow through ParquetWriter's columnar appends, pyarrow through pq.write_table of an Arrow
// table; each takes its best of --repeats. The peer (bench/lake_bench_peer.py) also reads careflow's
// file back and compares it with its own table.
//   lake_bench --python PY --peer-dir bench [--rows N] [--repeats N] [--markdown FILE]

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "bench_util.h"
#include "lake/parquet_writer.h"

namespace {

using careflow::lake::ColumnSpec;
using careflow::values::DataType;

struct Rows {
  std::vector<std::string> device_id, patient_id, metric_name, unit;
  std::vector<int64_t> ts_ms, sequence;
  std::vector<double> metric_value, target_value, tolerance;
  std::vector<int8_t> in_range;  // -1: NULL
};

// The generator of bench/lake_bench_rows.py, operation for operation.
Rows telemetry_rows(int64_t n) {
  struct Metric { const char* name; const char* unit; double target, tol; };
  static const Metric kMetrics[] = {{"Pressure", "mmHg", 120.0, 8.0}, {"FlowRate", "ml/h", 25.0, 2.5},
                                    {"FlowLevel", "%", 80.0, 5.0}, {"BloodGlucose", "mg/dL", 110.0, 20.0}};
  const int64_t devices = 200;
  Rows r;
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int64_t i = 0; i < n; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    int64_t device = i % devices;
    const Metric& m = kMetrics[(i / devices) % 4];
    double noise = (static_cast<double>(x >> 11) / 9007199254740992.0 - 0.5) * 3.0 * m.tol;
    r.device_id.push_back(fmt::format("DEV-P{:04d}", device));
    r.patient_id.push_back(fmt::format("P{:04d}", device));
    r.ts_ms.push_back(1'764'547'200'000LL + (i / devices) * 1000 + device % 1000);
    r.metric_name.emplace_back(m.name);
    r.metric_value.push_back(m.target + noise);
    r.unit.emplace_back(m.unit);
    r.target_value.push_back(m.target);
    r.tolerance.push_back(m.tol);
    r.in_range.push_back(i % 97 == 0 ? -1 : (std::fabs(noise) <= m.tol ? 1 : 0));
    r.sequence.push_back(i);
  }
  return r;
}

std::vector<ColumnSpec> telemetry_schema() {
  return {{"device_id", DataType::string(), 1},   {"patient_id", DataType::string(), 2},
          {"ts", DataType::timestamp_ltz(3), 3},  {"metric_name", DataType::string(), 4},
          {"metric_value", DataType::double_type(), 5}, {"unit", DataType::string(), 6},
          {"target_value", DataType::double_type(), 7}, {"tolerance", DataType::double_type(), 8},
          {"in_range", DataType::boolean(), 9},   {"sequence", DataType::bigint().with_nullable(false), 10}};
}

double write_careflow(const Rows& r, const std::string& path, careflow::lake::parquet::Codec codec, int64_t group_rows) {
  careflow::lake::WriterOptions o;
  o.codec = codec;
  o.row_group_rows = group_rows;
  auto start = std::chrono::steady_clock::now();
  auto w = careflow::lake::ParquetWriter::open(path, telemetry_schema(), o);
  if (!w.is_ok()) throw std::runtime_error(w.status().to_string());
  auto& writer = **w;
  const size_t n = r.sequence.size();
  for (size_t i = 0; i < n; ++i) {
    writer.column(0).append_bytes(r.device_id[i]);
    writer.column(1).append_bytes(r.patient_id[i]);
    writer.column(2).append_int(r.ts_ms[i] * 1000);
    writer.column(3).append_bytes(r.metric_name[i]);
    writer.column(4).append_double(r.metric_value[i]);
    writer.column(5).append_bytes(r.unit[i]);
    writer.column(6).append_double(r.target_value[i]);
    writer.column(7).append_double(r.tolerance[i]);
    if (r.in_range[i] < 0) writer.column(8).append_null(); else writer.column(8).append_bool(r.in_range[i] == 1);
    writer.column(9).append_int(r.sequence[i]);
    if (auto s = writer.commit_rows(); !s.is_ok()) throw std::runtime_error(s.to_string());
  }
  if (auto s = writer.close(); !s.is_ok()) throw std::runtime_error(s.to_string());
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::string python = "python3", peer_dir = "bench", markdown;
  int64_t rows = 1'000'000, repeats = 3, group_rows = 131'072;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--python") python = value;
    else if (flag == "--peer-dir") peer_dir = value;
    else if (flag == "--rows") rows = std::stoll(value);
    else if (flag == "--repeats") repeats = std::stoll(value);
    else if (flag == "--markdown") markdown = value;
    else { std::cerr << "unknown flag " << flag << "\n"; return 2; }
  }
  careflow::bench::ScratchDir scratch("lake");
  const std::filesystem::path dir_path = std::filesystem::absolute(scratch.path());
  Rows r = telemetry_rows(rows);
  using careflow::lake::parquet::Codec;
  const std::pair<const char*, Codec> codecs[] = {{"ZSTD", Codec::kZstd}, {"SNAPPY", Codec::kSnappy}, {"UNCOMPRESSED", Codec::kUncompressed}};
  nlohmann::json files = nlohmann::json::object();
  std::map<std::string, std::pair<double, uintmax_t>> ours;
  for (const auto& [name, codec] : codecs) {
    std::string path = (dir_path / fmt::format("careflow-{}.parquet", name)).string();
    double best = 1e9;
    for (int64_t k = 0; k < repeats; ++k) best = std::min(best, write_careflow(r, path, codec, group_rows));
    ours[name] = {best, std::filesystem::file_size(path)};
    files[name] = path;
    std::cout << fmt::format("careflow {}: {:.3f} s, {} bytes\n", name, best, ours[name].second);
  }
  std::string cmd = fmt::format("cd '{}' && '{}' lake_bench_peer.py {} {} {} '{}' '{}'", peer_dir, python, rows, group_rows, repeats,
                                dir_path.string(), files.dump());
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (p && fgets(buf, sizeof buf, p)) out += buf;
  if (!p || pclose(p) != 0) { std::cerr << "the pyarrow peer failed: " << out << "\n"; return 1; }
  auto peer = nlohmann::json::parse(out);
  std::string table = fmt::format(
      "### Telemetry facts, {} rows, 10 columns, row groups of {} rows (best of {})\n\n"
      "| codec | careflow | pyarrow {} | speed ratio | careflow bytes | pyarrow bytes | size ratio (careflow / pyarrow) | pyarrow reads careflow's file equal |\n"
      "|---|---|---|---|---|---|---|---|\n",
      rows, group_rows, repeats, peer["pyarrow"].get<std::string>());
  for (const auto& [name, codec] : codecs) {
    double theirs = peer[name]["seconds"].get<double>();
    auto their_bytes = peer[name]["bytes"].get<uintmax_t>();
    table += fmt::format("| {} | {:.2f} M rows/s | {:.2f} M rows/s | {:.2f}x | {} | {} | {:.3f} | {} |\n", name,
                         rows / ours[name].first / 1e6, rows / theirs / 1e6, theirs / ours[name].first, ours[name].second, their_bytes,
                         static_cast<double>(ours[name].second) / static_cast<double>(their_bytes),
                         peer[name]["careflow_file_equal"].get<bool>() ? "yes" : "NO");
  }
  table += fmt::format(
      "\n### The same, pyarrow with a dictionary on careflow's dictionary columns only ({})\n\n"
      "| codec | careflow | pyarrow {} | speed ratio | careflow bytes | pyarrow bytes | size ratio (careflow / pyarrow) |\n"
      "|---|---|---|---|---|---|---|\n",
      fmt::join(peer["ZSTD"]["careflow_dictionary_columns"].get<std::vector<std::string>>(), ", "), peer["pyarrow"].get<std::string>());
  for (const auto& [name, codec] : codecs) {
    double theirs = peer[name]["same_seconds"].get<double>();
    auto their_bytes = peer[name]["same_bytes"].get<uintmax_t>();
    table += fmt::format("| {} | {:.2f} M rows/s | {:.2f} M rows/s | {:.2f}x | {} | {} | {:.3f} |\n", name, rows / ours[name].first / 1e6,
                         rows / theirs / 1e6, theirs / ours[name].first, ours[name].second, their_bytes,
                         static_cast<double>(ours[name].second) / static_cast<double>(their_bytes));
  }
  std::cout << table;
  if (!markdown.empty()) std::ofstream(markdown, std::ios::app) << table;
  return 0;
}
