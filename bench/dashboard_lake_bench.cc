// GET /analytics/anomalies-per-device answered from the lake (api/lake_history.h) against the same
// answer from the topic (api/dashboard_feed.h), in the same run, over the same rows: `rows`
// anomalies of 5 devices, written as Avro records of hc_fct_dev_anomaly into an embedded log (as
// the pipelines' sink writes them, through the registry) and as an Iceberg table committed in
// `files` appends (one per checkpoint).
//   build:    the topic's followers replaying every record from offset 0 (what each careflow up
//             start does)  vs  the lake's first answer, a scan of every data file;
//   request:  an answer once built: the in-memory aggregate  vs  the lake's cached snapshot (the
//             metadata version checked, no data file read);
//   append:   one more checkpoint of rows/files rows: the lake reading only its new file, against
//             its own full scan.
// Ratios > 1: the lake is faster.
//
//   dashboard_lake_bench [--rows N] [--files F] [--markdown FILE]

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <thread>

#include "api/dashboard_feed.h"
#include "api/lake_history.h"
#include "bench_util.h"
#include "lake/iceberg_commit.h"
#include "lake/iceberg_files.h"
#include "log/embedded_log.h"
#include "registry/client_implementations.h"
#include "registry/registry.h"
#include "serde/confluent_avro.h"

namespace careflow::bench {
namespace {

namespace iceberg = lake::iceberg;
using D = serde::avro::Datum;
using values::DataType;
using values::Value;

constexpr int64_t kT0 = 1733529600000;
constexpr const char* kSchema =
    R"({"type":"record","name":"hc_fct_dev_anomaly","namespace":"org.apache.flink.avro.generated","fields":[)"
    R"({"name":"device_id","type":["null","string"],"default":null},)"
    R"({"name":"patient_id","type":["null","string"],"default":null},)"
    R"({"name":"metric","type":["null","string"],"default":null},)"
    R"({"name":"reading_time","type":["null",{"type":"long","logicalType":"timestamp-millis"}],"default":null},)"
    R"({"name":"metric_value","type":["null","double"],"default":null},)"
    R"({"name":"forecast_value","type":["null","double"],"default":null},)"
    R"({"name":"lower_bound","type":["null","double"],"default":null},)"
    R"({"name":"upper_bound","type":["null","double"],"default":null}]})";

double seconds_of(const std::function<void()>& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void check(const Status& s, const char* what) {
  if (!s.is_ok()) {
    fmt::print(stderr, "{}: {}\n", what, s.to_string());
    std::exit(1);
  }
}

std::string device(int64_t i) { return fmt::format("DEV-P00{}", i % 5 + 1); }

std::vector<Value> lake_row(int64_t i) {
  return {Value::string(device(i)), Value::string(fmt::format("P00{}", i % 5 + 1)), Value::string("Pressure"),
          Value::integer((kT0 + i * 1000) * 1000), Value::real(12.5), Value::real(11.0), Value::real(10.0), Value::real(12.0)};
}

D some(D v) { return D::branch(1, std::move(v)); }

void append_lake_file(const std::string& location, int64_t from, int64_t count) {
  auto table = iceberg::load_table(location);
  check(table.status(), "load table");
  iceberg::DataFileWriter writer(*table, fmt::format("b{}", from));
  for (int64_t i = from; i < from + count; ++i) check(writer.add(lake_row(i)), "add row");
  auto files = writer.flush();
  check(files.status(), "write file");
  check(iceberg::append_files(location, *files, {}).status(), "commit");
}

}  // namespace
}  // namespace careflow::bench

int main(int argc, char** argv) {
  using namespace careflow;
  using namespace careflow::bench;
  int64_t rows = 200000, files = 20;
  std::string markdown;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--rows") rows = std::stoll(argv[i + 1]);
    if (flag == "--files") files = std::stoll(argv[i + 1]);
    if (flag == "--markdown") markdown = argv[i + 1];
  }
  const int64_t per_file = rows / files;
  ScratchDir scratch("dashboard_lake");

  // The topic, as the pipelines' sink writes it.
  auto log = log::EmbeddedLog::open((scratch.path() / "log").string());
  check(log.status(), "open log");
  auto registry = registry::SchemaRegistry::open((scratch.path() / "registry").string());
  check(registry.status(), "open registry");
  auto client = registry::embedded_client(**registry, ".flink-dev");
  check((*log)->create_topic(api::kDevAnomalyTopic, {}), "create topic");
  {
    auto schema = serde::avro::Schema::parse(kSchema);
    check(schema.status(), "schema");
    serde::SerializerOptions options;
    options.context = ".flink-dev";
    serde::AvroSerializer serializer(*client, *schema, kSchema, options);
    std::vector<log::Record> batch;
    for (int64_t i = 0; i < rows; ++i) {
      D value = D::list({some(D::text(device(i))), some(D::text(fmt::format("P00{}", i % 5 + 1))), some(D::text("Pressure")),
                         some(D::integer(kT0 + i * 1000)), some(D::real(12.5)), some(D::real(11.0)), some(D::real(10.0)),
                         some(D::real(12.0))});
      auto bytes = serializer.serialize(api::kDevAnomalyTopic, value);
      check(bytes.status(), "serialize");
      log::Record r;
      r.value = *bytes;
      r.timestamp_ms = kT0 + i * 1000;
      batch.push_back(std::move(r));
      if (batch.size() == 5000 || i + 1 == rows) {
        check((*log)->append({api::kDevAnomalyTopic, 0}, batch).status(), "append");
        batch.clear();
      }
    }
  }
  // The lake table, one append per checkpoint.
  const std::string warehouse = (scratch.path() / "warehouse").string();
  const std::string location = fmt::format("{}/{}/{}", warehouse, api::kLakeNamespace, api::kLakeDevAnomalyTable);
  const std::vector<lake::ColumnSpec> columns = {
      {"device_id", DataType::string(), 1},    {"patient_id", DataType::string(), 2},   {"metric", DataType::string(), 3},
      {"reading_time", DataType::timestamp(6), 4}, {"metric_value", DataType::double_type(), 5}, {"forecast_value", DataType::double_type(), 6},
      {"lower_bound", DataType::double_type(), 7}, {"upper_bound", DataType::double_type(), 8}};
  check(iceberg::create_table(location, columns, {}).status(), "create table");
  for (int64_t f = 0; f < files; ++f) append_lake_file(location, f * per_file, per_file);

  const auto registry_factory = [&]() -> Result<std::unique_ptr<serde::RegistryClient>> {
    return registry::embedded_client(**registry, ".flink-dev");
  };
  std::vector<double> replay, scan, topic_request, lake_request, incremental;
  nlohmann::json topic_answer, lake_answer;
  int64_t next = rows;
  for (int run = 0; run < 5; ++run) {
    std::unique_ptr<api::DashboardFeed> feed;
    replay.push_back(seconds_of([&] {
      feed = std::make_unique<api::DashboardFeed>(**log, registry_factory, nullptr);
      while (feed->status(api::kDevAnomalyTopic).records < rows) std::this_thread::sleep_for(std::chrono::microseconds(200));
    }));
    api::LakeSeries series(api::LakeSeries::Kind::kAnomaliesPerDevice, "healthcare.hc_fct_dev_anomaly", location);
    scan.push_back(seconds_of([&] { lake_answer = series.answer()->value().data; }));
    constexpr int kRequests = 2000;
    topic_request.push_back(seconds_of([&] {
      for (int i = 0; i < kRequests; ++i) topic_answer = feed->state().anomalies_per_device();
    }) / kRequests);
    lake_request.push_back(seconds_of([&] {
      for (int i = 0; i < kRequests; ++i) lake_answer = series.answer()->value().data;
    }) / kRequests);
    if (run == 0 && topic_answer != lake_answer) {
      fmt::print(stderr, "the answers differ:\n{}\n{}\n", topic_answer.dump(), lake_answer.dump());
      return 1;
    }
    append_lake_file(location, next, per_file);
    next += per_file;
    incremental.push_back(seconds_of([&] { lake_answer = series.answer()->value().data; }));
    if (series.stats().incremental != 1) {
      fmt::print(stderr, "the append was not read incrementally\n");
      return 1;
    }
  }
  const double m_replay = median(replay), m_scan = median(scan), m_topic = median(topic_request), m_lake = median(lake_request),
               m_inc = median(incremental);
  // The table; scripts/bench dashboard_lake puts the title and the machine above it.
  std::string out = fmt::format(
      "GET /analytics/anomalies-per-device over {} anomalies of 5 devices: the topic hc_fct_dev_anomaly (Avro through the "
      "registry, as the pipelines' sink writes it) against the Iceberg table healthcare.hc_fct_dev_anomaly of the same rows "
      "committed in {} appends (`dashboard_lake_bench --rows {} --files {}`). Medians of 5 runs; here the peer is the "
      "topic-backed answer: ratios > 1 mean the lake-backed one is faster.\n\n"
      "| case | topic | lake | ratio |\n|---|---|---|---|\n"
      "| build the answer (topic: its follower replays every record from offset 0, as at each start; lake: the first answer "
      "scans every data file) | {:.1f} ms | {:.1f} ms | {} |\n"
      "| a request once built (topic: the in-memory aggregate; lake: the cached snapshot, metadata version checked) "
      "| {:.1f} µs | {:.1f} µs | {} |\n"
      "| a new checkpoint of {} rows (lake: only its new file read; the ratio is against the lake's full scan) | — | {:.1f} ms "
      "| {} |\n",
      rows, files, rows, files, m_replay * 1e3, m_scan * 1e3, ratio(1 / m_scan, 1 / m_replay), m_topic * 1e6, m_lake * 1e6,
      ratio(1 / m_lake, 1 / m_topic), per_file, m_inc * 1e3, ratio(1 / m_inc, 1 / m_scan));
  fmt::print("{}", out);
  if (!markdown.empty()) std::ofstream(markdown) << out;
  return 0;
}
