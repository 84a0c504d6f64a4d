// Parquet writes and scans: careflow's writer and reader against pyarrow's (Apache Arrow C++) and
// DuckDB's read_parquet, in the same run, on the same 1 M rows of two tables: the telemetry facts (10
// columns) and a 37-column wide table of mixed types with NULLs (lake_bench_wide.h).
//
// Writes: same codec, same row-group size (131,072 rows), same page size (1 MiB) and dictionary limit
// (1 MiB). Both sides write from columns already in memory: careflow through ParquetWriter's columnar
// appends, pyarrow through pq.write_table of an Arrow table; each takes its best of --repeats. The
// peer (bench/lake_bench_peer.py) also reads careflow's file back and compares it with its own table.
//
// Scans (ZSTD files, the one written by careflow and the one written by pyarrow): every column, and
// two, of every row group decoded into memory; careflow's ParquetReader against pq.read_table and
// DuckDB (bench/lake_bench_scan.py), and careflow's reading compared with the generated rows.
//   lake_bench --python PY --peer-dir bench [--rows N] [--repeats N] [--markdown FILE] [--integer-encoding auto|plain|delta]
//   lake_bench --scan FILE [--columns a,b] [--repeats N]   only careflow's scan of one file (any writer's),
//                                   its best seconds printed: for profiling the reader and timing it
//                                   against an earlier build in interleaved runs
#include <fmt/format.h>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>

#include "bench_util.h"
#include "lake/parquet_writer.h"
#include "lake_bench_scan.h"
#include "lake_bench_wide.h"

namespace {

using careflow::lake::ColumnSpec;
using careflow::lake::ColumnVector;
using careflow::lake::parquet::Codec;
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

// The telemetry rows as careflow's reader returns them, to check a scan against.
std::vector<ColumnVector> telemetry_vectors(const Rows& r) {
  std::vector<ColumnSpec> schema = telemetry_schema();
  std::vector<ColumnVector> out(schema.size());
  for (size_t c = 0; c < schema.size(); ++c) out[c].column = schema[c];
  auto strings = [](ColumnVector& c, const std::vector<std::string>& v) {
    for (const std::string& s : v) {
      c.heap += s;
      c.ends.push_back(c.heap.size());
    }
  };
  strings(out[0], r.device_id);
  strings(out[1], r.patient_id);
  for (int64_t ms : r.ts_ms) out[2].ints.push_back(ms * 1000);
  strings(out[3], r.metric_name);
  out[4].doubles.assign(r.metric_value.begin(), r.metric_value.end());
  strings(out[5], r.unit);
  out[6].doubles.assign(r.target_value.begin(), r.target_value.end());
  out[7].doubles.assign(r.tolerance.begin(), r.tolerance.end());
  for (int8_t b : r.in_range) out[8].ints.push_back(b == 1 ? 1 : 0);
  out[9].ints.assign(r.sequence.begin(), r.sequence.end());
  for (ColumnVector& c : out) c.valid.assign(r.sequence.size(), 1);
  for (size_t i = 0; i < r.in_range.size(); ++i) out[8].valid[i] = r.in_range[i] >= 0;
  return out;
}

careflow::lake::WriterOptions writer_options(Codec codec, int64_t group_rows, careflow::lake::ColumnEncoding integers) {
  careflow::lake::WriterOptions o;
  o.codec = codec;
  o.row_group_rows = group_rows;
  o.integer_encoding = integers;
  return o;
}

void check(const careflow::Status& s) {
  if (!s.is_ok()) throw std::runtime_error(s.to_string());
}

// Each writer's clock runs from opening the writer to the closed file.
double write_telemetry(const Rows& r, const std::string& path, Codec codec, int64_t group_rows, careflow::lake::ColumnEncoding integers) {
  auto start = std::chrono::steady_clock::now();
  auto w = careflow::lake::ParquetWriter::open(path, telemetry_schema(), writer_options(codec, group_rows, integers));
  check(w.status());
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
    check(writer.commit_rows());
  }
  check(writer.close());
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The wide table a row group at a time, column by column (as a columnar engine hands over a batch).
double write_wide(const std::vector<ColumnVector>& columns, const std::string& path, Codec codec, int64_t group_rows,
                  careflow::lake::ColumnEncoding integers) {
  auto start = std::chrono::steady_clock::now();
  auto w = careflow::lake::ParquetWriter::open(path, careflow::bench::wide_schema(), writer_options(codec, group_rows, integers));
  check(w.status());
  const size_t n = columns[0].size();
  for (size_t begin = 0; begin < n; begin += static_cast<size_t>(group_rows)) {
    check(careflow::bench::append_columns(**w, columns, begin, std::min(n, begin + static_cast<size_t>(group_rows))));
  }
  check((*w)->close());
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

nlohmann::json run_peer(const std::string& cmd) {
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (p && fgets(buf, sizeof buf, p)) out += buf;
  if (!p || pclose(p) != 0) throw std::runtime_error("the Python peer failed: " + cmd + "\n" + out);
  return nlohmann::json::parse(out);
}

struct Settings {
  std::string python, peer_dir;
  std::filesystem::path dir;
  int64_t rows, repeats, group_rows;
  careflow::lake::ColumnEncoding integers = careflow::lake::ColumnEncoding::kAuto;  // careflow's INT32 / INT64 columns
};

constexpr std::pair<const char*, Codec> kCodecs[] = {{"ZSTD", Codec::kZstd}, {"SNAPPY", Codec::kSnappy}, {"UNCOMPRESSED", Codec::kUncompressed}};

std::string rate(int64_t rows, double seconds) { return fmt::format("{:.2f} M rows/s", static_cast<double>(rows) / seconds / 1e6); }

// Writes `schema`'s table with careflow (`write`) and pyarrow for every codec; returns the markdown
// and fills *files with each side's ZSTD file (careflow's first).
std::string write_section(const Settings& s, const std::string& schema, const std::string& title,
                          const std::function<double(const std::string&, Codec)>& write, std::vector<std::string>* files) {
  nlohmann::json ours_files = nlohmann::json::object();
  std::map<std::string, std::pair<double, uintmax_t>> ours;
  for (const auto& [name, codec] : kCodecs) {
    std::string path = (s.dir / fmt::format("careflow-{}-{}.parquet", schema, name)).string();
    double best = 1e9;
    for (int64_t k = 0; k < s.repeats; ++k) best = std::min(best, write(path, codec));
    ours[name] = {best, std::filesystem::file_size(path)};
    ours_files[name] = path;
    std::cout << fmt::format("careflow {} {}: {:.3f} s, {} bytes\n", schema, name, best, ours[name].second) << std::flush;
  }
  auto peer = run_peer(fmt::format("cd '{}' && '{}' lake_bench_peer.py {} {} {} {} '{}' '{}'", s.peer_dir, s.python, schema, s.rows, s.group_rows,
                                   s.repeats, s.dir.string(), ours_files.dump()));
  files->push_back(ours_files["ZSTD"].get<std::string>());
  files->push_back(peer["ZSTD"]["file"].get<std::string>());
  const std::string pyarrow = peer["pyarrow"].get<std::string>();
  std::string table = fmt::format(
      "### {}, {} rows, row groups of {} rows (best of {}){}\n\n"
      "| codec | careflow | pyarrow {} | speed ratio | careflow bytes | pyarrow bytes | size ratio (careflow / pyarrow) | pyarrow reads careflow's file equal |\n"
      "|---|---|---|---|---|---|---|---|\n",
      title, s.rows, s.group_rows, s.repeats,
      s.integers == careflow::lake::ColumnEncoding::kDelta ? "; careflow's integer and timestamp columns DELTA_BINARY_PACKED" : "", pyarrow);
  auto row = [&](const char* name, const char* seconds_key, const char* bytes_key, bool with_equal) {
    double theirs = peer[name][seconds_key].get<double>();
    auto their_bytes = peer[name][bytes_key].get<uintmax_t>();
    std::string equal = with_equal ? (peer[name]["careflow_file_equal"].get<bool>() ? " yes |" : " NO |") : "";
    return fmt::format("| {} | {} | {} | {:.2f}x | {} | {} | {:.3f} |{}\n", name, rate(s.rows, ours[name].first), rate(s.rows, theirs),
                       theirs / ours[name].first, ours[name].second, their_bytes,
                       static_cast<double>(ours[name].second) / static_cast<double>(their_bytes), equal);
  };
  for (const auto& [name, codec] : kCodecs) table += row(name, "seconds", "bytes", true);
  table += fmt::format(
      "\n#### The same, pyarrow with a dictionary on careflow's dictionary columns only ({})\n\n"
      "| codec | careflow | pyarrow {} | speed ratio | careflow bytes | pyarrow bytes | size ratio (careflow / pyarrow) |\n"
      "|---|---|---|---|---|---|---|\n",
      fmt::join(peer["ZSTD"]["careflow_dictionary_columns"].get<std::vector<std::string>>(), ", "), pyarrow);
  for (const auto& [name, codec] : kCodecs) table += row(name, "same_seconds", "same_bytes", false);
  std::cout << table << std::flush;
  return table + "\n";
}

struct ScanJob {
  std::string table, writer, path;
  std::vector<std::string> columns;  // empty: all
  const std::vector<ColumnVector>* want;
};

// Times careflow's reader on every job, checks what it reads, then the peers on the same files.
std::string scan_section(const Settings& s, const std::vector<ScanJob>& jobs) {
  nlohmann::json peer_jobs = nlohmann::json::array();
  std::vector<double> ours;
  std::vector<std::string> equal;
  for (const ScanJob& job : jobs) {
    auto seconds = careflow::bench::careflow_scan(job.path, job.columns, s.repeats);
    check(seconds.status());
    ours.push_back(*seconds);
    std::string same = "(projection)";
    if (job.columns.empty()) {
      auto diff = careflow::bench::scan_difference(job.path, *job.want);
      check(diff.status());
      same = diff->empty() ? "yes" : "NO: " + *diff;
    }
    equal.push_back(same);
    std::cout << fmt::format("careflow scan {} ({}, {}): {:.3f} s, {}\n", job.table, job.writer, job.columns.empty() ? "all" : fmt::format("{}", fmt::join(job.columns, ", ")),
                             *seconds, same)
              << std::flush;
    peer_jobs.push_back({{"path", job.path}, {"columns", job.columns.empty() ? nlohmann::json() : nlohmann::json(job.columns)}});
  }
  auto peer = run_peer(fmt::format("cd '{}' && '{}' lake_bench_scan.py {} '{}'", s.peer_dir, s.python, s.repeats, peer_jobs.dump()));
  std::string table = fmt::format(
      "### Scans: every row of the columns decoded into memory, ZSTD files of {} rows (best of {}); ratios are the peer's time / careflow's\n\n"
      "| table | file written by | columns | careflow (1 thread) | pyarrow, 1 thread | ratio | pyarrow, threads | ratio | DuckDB, 1 thread | ratio "
      "| DuckDB, threads | ratio | careflow reads the rows written |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
      s.rows, s.repeats);
  for (size_t i = 0; i < jobs.size(); ++i) {
    const nlohmann::json& p = peer[i];
    std::string cells;
    for (const char* key : {"pyarrow_1", "pyarrow_default", "duckdb_1", "duckdb_default"}) {
      double theirs = p[key].get<double>();
      cells += fmt::format(" {} | {:.2f}x |", rate(s.rows, theirs), theirs / ours[i]);
    }
    std::string columns = jobs[i].columns.empty() ? "all" : fmt::format("{}", fmt::join(jobs[i].columns, ", "));
    table += fmt::format("| {} | {} | {} | {} |{} {} |\n", jobs[i].table, jobs[i].writer, columns, rate(s.rows, ours[i]), cells, equal[i]);
  }
  std::cout << table << std::flush;
  return table;
}

}  // namespace

int main(int argc, char** argv) try {
  Settings s{"python3", "bench", {}, 1'000'000, 3, 131'072};
  std::string markdown, scan_file;
  std::vector<std::string> scan_columns;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--python") s.python = value;
    else if (flag == "--scan") scan_file = value;
    else if (flag == "--columns") {
      for (size_t at = 0; at <= value.size();) {
        size_t comma = std::min(value.find(',', at), value.size());
        scan_columns.push_back(value.substr(at, comma - at));
        at = comma + 1;
      }
    }
    else if (flag == "--peer-dir") s.peer_dir = value;
    else if (flag == "--rows") s.rows = std::stoll(value);
    else if (flag == "--repeats") s.repeats = std::stoll(value);
    else if (flag == "--markdown") markdown = value;
    else if (flag == "--integer-encoding") {
      auto e = careflow::lake::parse_column_encoding(value);
      check(e.status());
      s.integers = *e;
    }
    else { std::cerr << "unknown flag " << flag << "\n"; return 2; }
  }
  if (!scan_file.empty()) {
    auto seconds = careflow::bench::careflow_scan(scan_file, scan_columns, s.repeats);
    check(seconds.status());
    std::cout << fmt::format("{:.4f}\n", *seconds);
    return 0;
  }
  careflow::bench::ScratchDir scratch("lake");
  s.dir = std::filesystem::absolute(scratch.path());
  const Rows telemetry = telemetry_rows(s.rows);
  const std::vector<ColumnVector> telemetry_columns = telemetry_vectors(telemetry);
  const std::vector<ColumnVector> wide = careflow::bench::wide_columns(s.rows);

  std::vector<std::string> telemetry_files, wide_files;
  std::string out = write_section(
      s, "telemetry", "Writes: telemetry facts, 10 columns",
      [&](const std::string& path, Codec codec) { return write_telemetry(telemetry, path, codec, s.group_rows, s.integers); }, &telemetry_files);
  out += write_section(
      s, "wide", "Writes: the wide table, 37 columns",
      [&](const std::string& path, Codec codec) { return write_wide(wide, path, codec, s.group_rows, s.integers); }, &wide_files);

  std::vector<ScanJob> jobs;
  for (const auto& [table, files, want, projection] :
       {std::tuple{"telemetry", &telemetry_files, &telemetry_columns, std::vector<std::string>{"device_id", "metric_value"}},
        std::tuple{"wide", &wide_files, &wide, std::vector<std::string>{"user_name", "d_price"}}}) {
    for (size_t k = 0; k < files->size(); ++k) {
      const char* writer = k == 0 ? "careflow" : "pyarrow";
      jobs.push_back({table, writer, (*files)[k], {}, want});
      jobs.push_back({table, writer, (*files)[k], projection, want});
    }
  }
  out += scan_section(s, jobs);
  if (!markdown.empty()) std::ofstream(markdown, std::ios::app) << out;
  return 0;
} catch (const std::exception& e) {
  std::cerr << "lake_bench: " << e.what() << "\n";
  return 1;
}
