// The table formats of careflow's SQL engine on the device-metrics row: 'avro-confluent' (Flink's
// schema in Confluent's wire format, through careflow's embedded Schema Registry) against 'json'
// (Flink's JSON format), both through exec's RecordFormat as a job's sources and sinks use it.
//   encode: 1,000 rows → records;  decode: those 1,000 records → rows.
// The registry is asked once per run (the id is cached), as in a job, so the timed loops are pure
// conversion; a map in this process stands in for it (the embedded registry's library does not
// build in the release preset today: GCC 12's -Wrestrict false positive in registry.cc). Before measuring, every decoded row is compared with its original (the run aborts on
// a mismatch). Run by scripts/bench format (bench/results/format.md). Ratios > 1 mean
// avro-confluent is faster than json.
//
//   format_bench [--markdown FILE] [google-benchmark flags]

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "bench_util.h"
#include "exec/formats/record_format.h"
#include "exec/session.h"
#include "serde/registry_client.h"

namespace careflow::bench {
namespace {

using exec::Row;
using exec::RowBatch;
using values::Value;

constexpr int kRows = 1000;
constexpr const char* kColumns =
    "(device_id STRING, patient_id STRING, ts TIMESTAMP(3), metric_name STRING, metric_value DOUBLE, software_version STRING)";

// Schemas by id, in memory: all a table's format asks of a registry (register, then look an id up).
class InProcessRegistry : public serde::RegistryClient {
 public:
  Result<int> register_typed(const std::string&, const std::string& schema, const std::string&) override {
    for (size_t i = 0; i < schemas_.size(); ++i) {
      if (schemas_[i] == schema) return static_cast<int>(i) + 1;
    }
    schemas_.push_back(schema);
    return static_cast<int>(schemas_.size());
  }
  Result<serde::RegisteredSchema> lookup_typed(const std::string&, const std::string&, const std::string&) override {
    return Status::not_found("not used by the bench");
  }
  Result<serde::RegisteredSchema> latest(const std::string&) override { return Status::not_found("not used by the bench"); }
  Result<serde::RegisteredSchema> schema_of_id(int id) override {
    if (id < 1 || id > static_cast<int>(schemas_.size())) return Status::not_found(fmt::format("schema {}", id));
    return serde::RegisteredSchema{id, 0, schemas_[static_cast<size_t>(id) - 1]};
  }

 private:
  std::vector<std::string> schemas_;
};

struct Side {
  std::unique_ptr<exec::RecordFormat> format;
  std::vector<log::Record> records;
  size_t bytes = 0;
};

struct Fixture {
  InProcessRegistry client;
  std::unique_ptr<exec::SchemaRegistryClients> registries;
  exec::Session session;
  std::vector<Row> rows;
  std::vector<values::DataType> types;
  Side json, avro;

  Fixture() {
    registries = std::make_unique<exec::SchemaRegistryClients>(&client, serde::SerializerOptions{}, nullptr);
    static const char* kMetrics[] = {"Pressure", "FlowRate", "FlowLevel", "BloodGlucose"};
    for (int i = 0; i < kRows; ++i) {
      int patient = 1 + i % 5;
      rows.push_back(Row{exec::RowKind::kInsert,
                         {Value::string(fmt::format("DEV-P00{}", patient)), Value::string(fmt::format("P00{}", patient)),
                          Value::integer((1'764'000'000'000 + i * 1000LL) * 1000), Value::string(kMetrics[i % 4]),
                          Value::real(100.0 + (i % 37) * 0.25), Value::string("v2.3.1")}});
    }
    json = make("json");
    avro = make("avro-confluent");
  }

  Side make(const std::string& format) {
    std::string name = format == "json" ? "metrics_json" : "metrics_avro";
    auto created = session.execute_script("CREATE TABLE " + name + " " + kColumns + " WITH ('connector' = 'kafka', 'format' = '" +
                                          format + "')");
    if (!created.is_ok()) die(created.status());
    const sql::TableDef& table = *session.catalog().table(name);
    types = exec::physical_schema(table).types;
    Side side;
    auto f = exec::make_record_format(table, registries.get());
    if (!f.is_ok()) die(f.status());
    side.format = std::move(*f);
    for (const Row& row : rows) {
      if (Status s = side.format->encode(row, &side.records); !s) die(s);
    }
    for (const log::Record& r : side.records) side.bytes += r.value->size();
    RowBatch back;
    for (const log::Record& r : side.records) {
      if (Status s = side.format->decode(r, &back); !s) die(s);
    }
    for (size_t i = 0; i < rows.size(); ++i) {
      if (exec::format_row(back[i], types) != exec::format_row(rows[i], types)) {
        std::fprintf(stderr, "format_bench: %s row %zu does not round-trip\n", format.c_str(), i);
        std::abort();
      }
    }
    return side;
  }

  [[noreturn]] static void die(const Status& s) {
    std::fprintf(stderr, "format_bench: %s\n", s.to_string().c_str());
    std::exit(1);
  }
};

Fixture* fixture = nullptr;

void encode(benchmark::State& state, Side& side) {
  std::vector<log::Record> out;
  out.reserve(kRows);
  for (auto _ : state) {
    out.clear();
    for (const Row& row : fixture->rows) {
      if (!side.format->encode(row, &out).is_ok()) std::abort();
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * side.bytes));
  state.SetItemsProcessed(state.iterations() * kRows);
}

void decode(benchmark::State& state, Side& side) {
  RowBatch out;
  out.reserve(kRows);
  for (auto _ : state) {
    out.clear();
    for (const log::Record& r : side.records) {
      if (!side.format->decode(r, &out).is_ok()) std::abort();
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * side.bytes));
  state.SetItemsProcessed(state.iterations() * kRows);
}

void BM_Encode_AvroConfluent(benchmark::State& state) { encode(state, fixture->avro); }
void BM_Encode_Json(benchmark::State& state) { encode(state, fixture->json); }
void BM_Decode_AvroConfluent(benchmark::State& state) { decode(state, fixture->avro); }
void BM_Decode_Json(benchmark::State& state) { decode(state, fixture->json); }

BENCHMARK(BM_Encode_AvroConfluent);
BENCHMARK(BM_Encode_Json);
BENCHMARK(BM_Decode_AvroConfluent);
BENCHMARK(BM_Decode_Json);

std::string markdown(const CollectingReporter& reporter) {
  const double avro_bytes = static_cast<double>(fixture->avro.bytes) / kRows;
  const double json_bytes = static_cast<double>(fixture->json.bytes) / kRows;
  std::string out = fmt::format(
      "### Device-metrics row through a table's format (1,000 rows per iteration; a record is {:.1f} bytes in "
      "avro-confluent, {:.1f} in json)\n\n"
      "| operation | avro-confluent | json | ratio |\n|---|---|---|---|\n",
      avro_bytes, json_bytes);
  for (const char* op : {"Encode", "Decode"}) {
    double avro = reporter.bytes_per_second(fmt::format("BM_{}_AvroConfluent", op)) / avro_bytes;
    double json = reporter.bytes_per_second(fmt::format("BM_{}_Json", op)) / json_bytes;
    out += fmt::format("| {} | {:.0f} k rows/s | {:.0f} k rows/s | {} |\n", op, avro / 1e3, json / 1e3, ratio(avro, json));
  }
  return out;
}

}  // namespace
}  // namespace careflow::bench

int main(int argc, char** argv) {
  using namespace careflow::bench;
  const std::string markdown_path = initialize_with_markdown_flag(argc, argv);
  Fixture f;
  fixture = &f;
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const std::string table = markdown(reporter);
  std::printf("\n%s", table.c_str());
  if (!markdown_path.empty()) std::ofstream(markdown_path) << table;
  return 0;
}
