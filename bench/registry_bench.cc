// Schema Registry cached lookups per second, against confluent-kafka's Python client measured in
// the same run against the same careflow registry:
//   serialize, id cached   careflow's AvroSerializer (embedded client) framing the device-metrics
//                          record after its first call, vs confluent-kafka's AvroSerializer doing
//                          the same after its first call (its id cache hit path plus fastavro);
//   REST lookup            POST /subjects/{s} over HTTP with a kept-alive connection: careflow's
//                          external-registry client vs httpx, the HTTP client confluent-kafka's
//                          SchemaRegistryClient uses, posting the same body to the same server
//                          (and requests.Session, a second Python client, to tell client from
//                          server cost), and GET .../versions/latest the same way (no body: one
//                          write per request on either side).
// Run by bench/registry_bench.sh, which installs the peer into tests/interop/registry/.venv and
// writes bench/results/registry.md.
//
//   registry_bench --python PY --peer SCRIPT [--markdown FILE] [--seconds N]

#include <fmt/format.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "http/http_server.h"
#include "bench_util.h"
#include "registry/client_implementations.h"
#include "registry/registry_routes.h"
#include "serde/confluent_avro.h"

namespace careflow::bench {
namespace {

const std::string kSubject = "hc_raw_device_metrics-value";
const std::string kTopic = "hc_raw_device_metrics";
const std::string kSchema =
    R"({"type":"record","name":"DeviceMetric","namespace":"hc.interop","fields":[{"name":"device_id","type":"string"},)"
    R"({"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"metric_value","type":"double"},)"
    R"({"name":"unit","type":["null","string"],"default":null},)"
    R"({"name":"kind","type":{"type":"enum","name":"Kind","symbols":["Pressure","FlowRate","FlowLevel","BloodGlucose"]}},)"
    R"({"name":"tags","type":{"type":"array","items":"string"}},{"name":"counts","type":{"type":"map","values":"long"}},)"
    R"({"name":"ok","type":"boolean"},{"name":"raw","type":"bytes"},{"name":"reading_count","type":"int"}]})";

// The first record of tests/interop/registry/records.jsonl, which the peer serializes too.
serde::avro::Datum reading() {
  using serde::avro::Datum;
  Datum counts;
  counts.keys = {"samples", "alarms"};
  counts.items = {Datum::integer(12), Datum::integer(0)};
  return Datum::list({Datum::text("DEV-P001"), Datum::integer(1764000000123), Datum::real(121.5), Datum::branch(1, Datum::text("mmHg")),
                      Datum::integer(0), Datum::list({Datum::text("ward-3"), Datum::text("icu")}), counts, Datum::boolean(true),
                      Datum::text(std::string("\x00\xff\x10", 3)), Datum::integer(1)});
}

struct Registry {
  std::unique_ptr<ScratchDir> dir;
  std::unique_ptr<registry::SchemaRegistry> reg;
  http::Router router;
  std::unique_ptr<http::HttpServer> server;
  std::string url;
};

Registry* g_registry = nullptr;

void BM_SerializeIdCached(benchmark::State& state) {
  auto client = registry::embedded_client(*g_registry->reg);
  serde::SerializerOptions options;
  serde::AvroSerializer serializer(*client, *serde::avro::Schema::parse(kSchema), kSchema, options);
  const auto datum = reading();
  if (!serializer.serialize(kTopic, datum).is_ok()) state.SkipWithError("first serialize failed");
  for (auto _ : state) {
    auto framed = serializer.serialize(kTopic, datum);
    benchmark::DoNotOptimize(framed);
  }
  state.SetItemsProcessed(state.iterations());
}

// One REST call per iteration through careflow's external-registry client on one kept-alive
// connection.
template <typename Call>
void rest_calls(benchmark::State& state, Call call) {
  auto client = registry::http_client(g_registry->url);
  if (!client.is_ok()) {
    state.SkipWithError(client.status().to_string().c_str());
    return;
  }
  for (auto _ : state) {
    auto answer = call(**client);
    if (!answer.is_ok()) {
      state.SkipWithError(answer.status().to_string().c_str());
      break;
    }
    benchmark::DoNotOptimize(answer);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_RestLookup(benchmark::State& state) {
  rest_calls(state, [](serde::RegistryClient& c) { return c.lookup(kSubject, kSchema); });
}

void BM_RestLatest(benchmark::State& state) {
  rest_calls(state, [](serde::RegistryClient& c) { return c.latest(kSubject); });
}

// Prints like the console reporter and remembers items/s of each run by registered name
// (bench_util's CollectingReporter keeps bytes/s only).
class ItemsReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      auto it = run.counters.find("items_per_second");
      std::string name = run.benchmark_name();
      if (const size_t cut = name.find("/min_time:"); cut != std::string::npos) name.resize(cut);
      if (run.run_type == Run::RT_Iteration && it != run.counters.end()) items_per_second_[name] = it->second.value;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  double items_per_second(const std::string& name) const {
    auto it = items_per_second_.find(name);
    return it == items_per_second_.end() ? 0.0 : it->second;
  }

 private:
  std::map<std::string, double> items_per_second_;
};

// Runs a command (its words single-quoted for the shell) and returns its standard output, or ""
// if it failed.
std::string run_capture(const std::vector<std::string>& words) {
  std::string command;
  for (const auto& w : words) command += "'" + w + "' ";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return "";
  std::string out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  const int status = ::pclose(pipe);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? out : "";
}

std::string take_flag(int* argc, char** argv, const std::string& name, std::string fallback) {
  for (int i = 1; i + 1 < *argc; ++i) {
    if (argv[i] == name) {
      std::string value = argv[i + 1];
      for (int j = i; j + 2 <= *argc; ++j) argv[j] = argv[j + 2];
      *argc -= 2;
      return value;
    }
  }
  return fallback;
}

}  // namespace
}  // namespace careflow::bench

int main(int argc, char** argv) {
  using namespace careflow::bench;  // NOLINT
  const std::string python = take_flag(&argc, argv, "--python", "python3");
  const std::string peer = take_flag(&argc, argv, "--peer", "tests/interop/registry/bench_peer.py");
  const std::string seconds = take_flag(&argc, argv, "--seconds", "3");
  const std::string markdown = initialize_with_markdown_flag(argc, argv);

  Registry r;
  r.dir = std::make_unique<ScratchDir>("registry_bench");
  r.reg = std::move(careflow::registry::SchemaRegistry::open(r.dir->path().string())).value();
  if (!r.reg->register_schema(kSubject, kSchema, "AVRO", {}).is_ok()) return 1;
  careflow::registry::add_registry_routes(r.router, *r.reg);
  careflow::http::HttpServerOptions options;
  options.port = 0;
  r.server = std::make_unique<careflow::http::HttpServer>(options, r.router);
  if (!r.server->start().is_ok()) return 1;
  r.url = "http://127.0.0.1:" + std::to_string(r.server->port());
  g_registry = &r;

  // Wall-clock rates, as the peer measures them: the registry's server threads do part of the
  // REST work, which the calling thread's CPU time would leave out.
  benchmark::RegisterBenchmark("careflow/serialize_id_cached", BM_SerializeIdCached)->MinTime(std::stod(seconds))->UseRealTime();
  benchmark::RegisterBenchmark("careflow/rest_lookup", BM_RestLookup)->MinTime(std::stod(seconds))->UseRealTime();
  benchmark::RegisterBenchmark("careflow/rest_latest", BM_RestLatest)->MinTime(std::stod(seconds))->UseRealTime();
  ItemsReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);

  // The peer, on the same registry, right after.
  const std::string out = run_capture({python, peer, r.url, kSubject, kTopic, seconds});
  double peer_serialize = 0, peer_lookup = 0, peer_lookup_requests = 0, peer_latest = 0;
  std::istringstream lines(out);
  for (std::string key; lines >> key;) {
    if (key == "serialize_id_cached") lines >> peer_serialize;
    if (key == "rest_lookup") lines >> peer_lookup;
    if (key == "rest_lookup_requests") lines >> peer_lookup_requests;
    if (key == "rest_latest") lines >> peer_latest;
  }
  if (out.empty()) std::fprintf(stderr, "registry_bench: the peer (%s %s) failed\n", python.c_str(), peer.c_str());
  const double ours_serialize = reporter.items_per_second("careflow/serialize_id_cached");
  const double ours_lookup = reporter.items_per_second("careflow/rest_lookup");
  const double ours_latest = reporter.items_per_second("careflow/rest_latest");
  std::string table = "| operation | careflow /s | peer | peer /s | ratio |\n|---|---|---|---|---|\n";
  table += fmt::format("| serialize the device-metrics record, schema id cached | {:.0f} | confluent-kafka AvroSerializer | {:.0f} | {} |\n",
                       ours_serialize, peer_serialize, ratio(ours_serialize, peer_serialize));
  table += fmt::format("| REST lookup POST /subjects/{{s}}, kept-alive connection | {:.0f} | httpx.Client (confluent-kafka's HTTP client) | {:.0f} | {} |\n",
                       ours_lookup, peer_lookup, ratio(ours_lookup, peer_lookup));
  table += fmt::format("| the same | {:.0f} | requests.Session | {:.0f} | {} |\n", ours_lookup, peer_lookup_requests,
                       ratio(ours_lookup, peer_lookup_requests));
  table += fmt::format("| GET /subjects/{{s}}/versions/latest, kept-alive connection | {:.0f} | httpx.Client | {:.0f} | {} |\n", ours_latest,
                       peer_latest, ratio(ours_latest, peer_latest));
  std::printf("\n%s", table.c_str());
  if (!markdown.empty()) std::ofstream(markdown, std::ios::app) << table;
  r.server->stop();
  return out.empty() ? 1 : 0;
}
