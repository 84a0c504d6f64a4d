// Reading → drift fact and reading → non-adherence alert latency in a running `careflow up`, for
// `scripts/bench pipelines` (bench/pipelines/run). One librdkafka consumer on careflow's Kafka
// listener, isolation.level=read_committed, tails the raw readings and the two result topics from
// their ends for SECONDS and stamps every record with this process's steady clock when it arrives:
//
//   - a raw reading (hc_raw_device_metrics, written by the simulator without a transaction) is
//     visible as soon as it is appended; its Kafka timestamp is its event time (story time);
//   - a drift fact or alert is visible only once the checkpoint that produced it has committed
//     (exactly-once sink); its reading_time / alert_time is the event time of the reading it is about.
//
// Both sides are read by the same consumer, whose fetch the listener answers as soon as anything
// is appended (a long poll woken by the append), so the consumer's own delay is on both sides.
// Per fact, two latencies:
//   from the reading  its arrival minus the arrival of the first reading of that device with that
//                     event time: includes waiting for the next round of the simulator, since an
//                     event-time operator (the temporal join, MATCH_RECOGNIZE) can only emit a row
//                     once the watermark (newest event time − 30 s) has passed it;
//   from the release  its arrival minus the moment that watermark could first pass it: the latest,
//                     over the raw topic's partitions, of the first reading in that partition whose
//                     event time is at least 30 s later. This is the engine's part: operators, the
//                     sink, and waiting for the checkpoint that commits it.
// And the commit wait: arrival minus the fact's own Kafka timestamp (stamped by the sink when it
// wrote the row, wall clock of the same host) — how long the row waited for its checkpoint.
//
//   pipelines_latency BOOTSTRAP REGISTRY_PORT SECONDS   → a markdown table on stdout, JSON on stderr
// (CAREFLOW_API_TOKEN, when set, is sent to the registry as a bearer token.)

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/tests/http_client.h"
#include "serde/avro_binary.h"
#include "serde/avro_schema.h"
#include "serde/wire_format.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace avro = careflow::serde::avro;

constexpr const char* kReadings = "hc_raw_device_metrics";
constexpr const char* kDrift = "hc_fct_drift_events";
constexpr const char* kAlerts = "alerts.compliance.non-adherence";
constexpr int64_t kWatermarkDelayMs = 30000;  // WATERMARK FOR event_time AS event_time - INTERVAL '30' SECOND

double ms_since(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

// Writer schemas by registry id, fetched once each.
class Schemas {
 public:
  explicit Schemas(int port) : port_(port) {}
  // `topic`'s subject (TopicNameStrategy) lets the registry find the id in the context careflow's
  // sinks register in (schema_registry.context, ".flink-dev" by default), as Confluent's
  // deserializers do through their subject.
  const avro::Schema* get(int32_t id, const std::string& topic) {
    auto it = cache_.find(id);
    if (it != cache_.end()) return it->second.get();
    std::map<std::string, std::string> headers;
    if (const char* token = std::getenv("CAREFLOW_API_TOKEN"); token && *token) headers["Authorization"] = fmt::format("Bearer {}", token);
    auto reply = careflow::http::testing::call(port_, "GET", fmt::format("/schemas/ids/{}?subject={}-value", id, topic), "", headers);
    std::unique_ptr<avro::Schema> parsed;
    const nlohmann::json body = reply.json();
    if (reply.status == 200 && body.is_object() && body.contains("schema")) {
      auto schema = avro::Schema::parse(body["schema"].get<std::string>());
      if (schema) parsed = std::make_unique<avro::Schema>(std::move(*schema));
    }
    if (!parsed) std::fprintf(stderr, "pipelines_latency: schema %d: %d %s\n", id, reply.status, reply.body.c_str());
    return (cache_[id] = std::move(parsed)).get();
  }

 private:
  int port_;
  std::map<int32_t, std::unique_ptr<avro::Schema>> cache_;
};

// A record field's value, through a ["null", T] union; nullopt for null or a missing field. A
// timestamp in microseconds comes back in milliseconds.
std::optional<avro::Datum> field(const avro::Node& record, const avro::Datum& value, std::string_view name) {
  const int i = record.field_index(name);
  if (i < 0 || static_cast<size_t>(i) >= value.items.size()) return std::nullopt;
  const avro::Node* type = record.fields[static_cast<size_t>(i)].type;
  avro::Datum d = value.items[static_cast<size_t>(i)];
  if (type->type == avro::Type::kUnion) {
    if (d.items.empty() || type->branches[static_cast<size_t>(d.i)]->type == avro::Type::kNull) return std::nullopt;
    type = type->branches[static_cast<size_t>(d.i)];
    d = d.items[0];
  }
  if (type->logical == avro::LogicalType::kTimestampMicros || type->logical == avro::LogicalType::kLocalTimestampMicros) {
    d.i /= 1000;
  }
  return d;
}

// A reading's key: the device id, Avro through the registry (a string schema), or plain text.
std::string device_of(const avro::Schema& string_schema, std::string_view key) {
  auto wire = careflow::serde::parse_wire(key);
  if (!wire) return std::string(key);
  auto text = avro::decode(string_schema.root(), wire->payload);
  return text ? text->s : std::string(key);
}

struct Fact {
  std::string device;
  int64_t event_ms = 0;       // the reading's event time
  int64_t created_ms = 0;     // the Kafka timestamp the sink stamped (wall clock)
  Clock::time_point arrived;
  int64_t arrived_wall_ms = 0;
};

struct Percentiles {
  size_t n = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
};

Percentiles percentiles(std::vector<double> v) {
  Percentiles p;
  p.n = v.size();
  if (v.empty()) return p;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))]; };
  p.p50 = at(0.50);
  p.p90 = at(0.90);
  p.p99 = at(0.99);
  p.max = v.back();
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: pipelines_latency BOOTSTRAP REGISTRY_PORT SECONDS\n");
    return 2;
  }
  const int registry_port = std::atoi(argv[2]);
  const int seconds = std::atoi(argv[3]);
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [k, v] : std::vector<std::pair<const char*, const char*>>{
           {"bootstrap.servers", argv[1]},
           {"group.id", "pipelines_latency"},
           {"enable.auto.commit", "false"},
           {"isolation.level", "read_committed"},
           {"fetch.wait.max.ms", "100"},
           {"fetch.min.bytes", "1"}}) {
    if (rd_kafka_conf_set(conf, k, v, error, sizeof error) != RD_KAFKA_CONF_OK) {
      std::fprintf(stderr, "pipelines_latency: %s\n", error);
      return 1;
    }
  }
  rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
  if (consumer == nullptr) {
    std::fprintf(stderr, "pipelines_latency: %s\n", error);
    return 1;
  }
  rd_kafka_poll_set_consumer(consumer);

  // Every partition of the three topics, from its end: only what is appended from now on.
  const rd_kafka_metadata_t* metadata = nullptr;
  if (rd_kafka_metadata(consumer, 1, nullptr, &metadata, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::fprintf(stderr, "pipelines_latency: no metadata from %s\n", argv[1]);
    return 1;
  }
  rd_kafka_topic_partition_list_t* partitions = rd_kafka_topic_partition_list_new(8);
  int reading_partitions = 0;
  for (int t = 0; t < metadata->topic_cnt; ++t) {
    const std::string name = metadata->topics[t].topic;
    if (name != kReadings && name != kDrift && name != kAlerts) continue;
    for (int p = 0; p < metadata->topics[t].partition_cnt; ++p) {
      rd_kafka_topic_partition_list_add(partitions, name.c_str(), metadata->topics[t].partitions[p].id)->offset = RD_KAFKA_OFFSET_END;
      if (name == kReadings) ++reading_partitions;
    }
  }
  rd_kafka_metadata_destroy(metadata);
  if (partitions->cnt == 0 || reading_partitions == 0) {
    std::fprintf(stderr, "pipelines_latency: %s or the result topics are not there\n", kReadings);
    return 1;
  }
  rd_kafka_assign(consumer, partitions);
  rd_kafka_topic_partition_list_destroy(partitions);

  Schemas schemas(registry_port);
  const auto string_schema = avro::Schema::parse(R"("string")");
  if (!string_schema) return 1;
  // Raw readings: per partition, the first arrival of each event time; per device, the same.
  std::map<int32_t, std::map<int64_t, Clock::time_point>> first_in_partition;
  std::map<std::pair<std::string, int64_t>, Clock::time_point> first_of_device;
  std::optional<int64_t> first_round;  // the event time of the first reading tailed: its round may be partly before the tail
  std::vector<Fact> drift, alerts;
  int64_t readings = 0, undecoded = 0;
  const auto deadline = Clock::now() + std::chrono::seconds(seconds);
  while (Clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 100);
    if (m == nullptr) continue;
    const Clock::time_point arrived = Clock::now();
    const int64_t arrived_wall_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) std::fprintf(stderr, "pipelines_latency: %s\n", rd_kafka_message_errstr(m));
      rd_kafka_message_destroy(m);
      continue;
    }
    const std::string topic = rd_kafka_topic_name(m->rkt);
    const int64_t timestamp = rd_kafka_message_timestamp(m, nullptr);
    if (topic == kReadings) {
      ++readings;
      if (!first_round) first_round = timestamp;
      first_in_partition[m->partition].try_emplace(timestamp, arrived);
      const std::string device = device_of(*string_schema, std::string_view(static_cast<const char*>(m->key), m->key_len));
      first_of_device.try_emplace({device, timestamp}, arrived);
    } else {
      const std::string_view bytes(static_cast<const char*>(m->payload), m->len);
      auto wire = careflow::serde::parse_wire(bytes);
      const avro::Schema* schema = wire ? schemas.get(wire->schema_id, topic) : nullptr;
      const bool is_drift = topic == kDrift;
      std::optional<avro::Datum> device, at;
      auto value = schema ? avro::decode(schema->root(), wire->payload) : careflow::Result<avro::Datum>(avro::Datum{});
      if (schema && value) {
        device = field(schema->root(), *value, "device_id");
        at = field(schema->root(), *value, is_drift ? "reading_time" : "alert_time");
      }
      if (!device || !at) {
        ++undecoded;
      } else {
        (is_drift ? drift : alerts).push_back({device->s, at->i, timestamp, arrived, arrived_wall_ms});
      }
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);

  // The latencies of the facts whose reading and release both arrived while tailing.
  struct Measured {
    std::vector<double> from_reading, from_release, commit_wait;
    size_t skipped = 0;
  };
  auto measure = [&](const std::vector<Fact>& facts) {
    Measured out;
    for (const Fact& f : facts) {
      auto own = first_of_device.find({f.device, f.event_ms});
      std::optional<Clock::time_point> release;
      for (const auto& [partition, firsts] : first_in_partition) {
        auto later = firsts.lower_bound(f.event_ms + kWatermarkDelayMs);
        if (later == firsts.end()) continue;  // (a partition that got no later reading cannot hold it back here)
        if (!release || later->second > *release) release = later->second;
      }
      if (own == first_of_device.end() || !release || f.event_ms <= *first_round) {
        ++out.skipped;  // about a reading from before the tail began, or its first round
        continue;
      }
      out.from_reading.push_back(ms_since(own->second, f.arrived));
      out.from_release.push_back(ms_since(*release, f.arrived));
      out.commit_wait.push_back(static_cast<double>(f.arrived_wall_ms - f.created_ms));
    }
    return out;
  };
  const Measured d = measure(drift), a = measure(alerts);

  nlohmann::json summary = {{"seconds", seconds}, {"readings", readings}, {"readingPartitions", reading_partitions},
                            {"undecoded", undecoded}};
  std::printf("| path | facts measured | from the reading p50 / p99 (ms) | from the release p50 / p90 / p99 / max (ms) | "
              "commit wait p50 / p99 (ms) |\n|---|---|---|---|---|\n");
  for (const auto& [name, m] : std::vector<std::pair<std::string, const Measured*>>{{"reading → drift fact", &d},
                                                                                     {"reading → non-adherence alert", &a}}) {
    const Percentiles r = percentiles(m->from_reading), w = percentiles(m->from_release), c = percentiles(m->commit_wait);
    std::printf("| %s | %zu (%zu skipped) | %.1f / %.1f | %.1f / %.1f / %.1f / %.1f | %.0f / %.0f |\n", name.c_str(), w.n,
                m->skipped, r.p50, r.p99, w.p50, w.p90, w.p99, w.max, c.p50, c.p99);
    summary[name] = {{"n", w.n}, {"skipped", m->skipped}, {"fromReadingP50", r.p50}, {"fromReadingP99", r.p99},
                     {"fromReleaseP50", w.p50}, {"fromReleaseP90", w.p90}, {"fromReleaseP99", w.p99},
                     {"fromReleaseMax", w.max}, {"commitWaitP50", c.p50}, {"commitWaitP99", c.p99}};
  }
  std::fprintf(stderr, "%s\n", summary.dump().c_str());
  return d.from_release.empty() ? 1 : 0;
}
