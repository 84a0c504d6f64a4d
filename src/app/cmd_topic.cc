// careflow topic {create,list,describe,produce,consume,delete}: inspect or feed any topic of the
// log careflow runs on (the embedded log, or Kafka with log.backend = kafka), one record per line
// (see topic_lines.h).

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <unistd.h>
#include <iostream>
#include <map>

#include "app/cli.h"
#include "app/fd_lines.h"
#include "app/group_writer.h"
#include "common/clock.h"
#include "common/numbers.h"
#include "app/open_log.h"
#include "app/topic_avro.h"
#include "app/topic_lines.h"

namespace careflow::app {
namespace {

std::atomic<bool> interrupted{false};

struct TopicOptions {
  std::string name;
  int32_t partitions = 0;
  std::vector<std::string> settings;
  bool json = false;
  int32_t partition = -1;
  std::string format = "auto";
  int64_t timestamp_ms = -1;
  bool from_beginning = false;
  int64_t offset = -1;
  int64_t from_timestamp = -1;
  std::string group;
  int64_t max_records = -1;
  bool follow = false;
};

// --partition must name one of the topic's partitions.
Status check_partition_flag(const TopicOptions& o, int32_t count) {
  if (o.partition < count) return Status::ok();
  return Status::out_of_range(fmt::format("--partition {}: topic '{}' has {} partition{} (0..{})", o.partition, o.name, count,
                                          count == 1 ? "" : "s", count - 1));
}

Status create(const Config& config, const TopicOptions& o) {
  std::map<std::string, std::string> settings;
  for (const std::string& s : o.settings) {
    const size_t eq = s.find('=');
    if (eq == std::string::npos) return Status::invalid_argument(fmt::format("--config {}: expected name=value", s));
    settings[s.substr(0, eq)] = s.substr(eq + 1);
  }
  if (o.partitions > 0) settings["partitions"] = std::to_string(o.partitions);
  CF_ASSIGN_OR_RETURN(log::TopicConfig topic, log::parse_topic_config(settings, default_topic_config(config)));
  CF_ASSIGN_OR_RETURN(auto log, open_log(config, false));
  CF_RETURN_IF_ERROR(log->create_topic(o.name, topic));
  fmt::print("created topic {} with {} partition{}\n", o.name, topic.partitions, topic.partitions == 1 ? "" : "s");
  return Status::ok();
}

Status list(const Config& config) {
  CF_ASSIGN_OR_RETURN(auto log, open_log(config, false));
  // RECORDS is what retention left; END OFFSETS (per partition, in order) is what was ever appended.
  fmt::print("{:<40} {:>10} {:>14}  {}\n", "TOPIC", "PARTITIONS", "RECORDS", "END OFFSETS");
  for (const std::string& name : log->list_topics()) {
    CF_ASSIGN_OR_RETURN(auto partitions, log->partition_offsets(name));
    int64_t records = 0;
    std::string ends;
    for (const auto& p : partitions) {
      records += p.end_offset - p.start_offset;
      ends += (ends.empty() ? "" : ",") + std::to_string(p.end_offset);
    }
    fmt::print("{:<40} {:>10} {:>14}  {}\n", name, partitions.size(), records, ends);
  }
  return Status::ok();
}

Status describe(const Config& config, const TopicOptions& o) {
  CF_ASSIGN_OR_RETURN(auto log, open_log(config, false));
  CF_ASSIGN_OR_RETURN(log::TopicDescription d, log->describe_topic(o.name));
  const auto settings = log::topic_config_to_map(d.config);
  if (o.json) {
    nlohmann::json partitions = nlohmann::json::array();
    for (const auto& p : d.partitions) {
      partitions.push_back({{"partition", p.partition}, {"start_offset", p.start_offset}, {"end_offset", p.end_offset},
                            {"size_bytes", p.size_bytes}, {"segments", p.segments}});
    }
    fmt::print("{}\n", nlohmann::json{{"name", d.name}, {"config", settings}, {"partitions", partitions}}.dump(2));
    return Status::ok();
  }
  fmt::print("topic {}\n", d.name);
  for (const auto& [k, v] : settings) fmt::print("  {:<22} {}\n", k, v);
  fmt::print("{:>10} {:>14} {:>14} {:>14} {:>9}\n", "PARTITION", "START", "END", "BYTES", "SEGMENTS");
  for (const auto& p : d.partitions) {
    fmt::print("{:>10} {:>14} {:>14} {:>14} {:>9}\n", p.partition, p.start_offset, p.end_offset, p.size_bytes, p.segments);
  }
  return Status::ok();
}

Status remove(const Config& config, const TopicOptions& o) {
  CF_ASSIGN_OR_RETURN(auto log, open_log(config, false));
  CF_RETURN_IF_ERROR(log->delete_topic(o.name));
  fmt::print("deleted topic {}\n", o.name);
  return Status::ok();
}

Status produce(const Config& config, const TopicOptions& o) {
  CF_ASSIGN_OR_RETURN(LineFormat format, parse_line_format(o.format, true));
  CF_ASSIGN_OR_RETURN(auto log, open_log(config, false));
  CF_ASSIGN_OR_RETURN(auto partitions, log->partition_offsets(o.name));
  const auto count = static_cast<int32_t>(partitions.size());
  CF_RETURN_IF_ERROR(check_partition_flag(o, count));
  // The writer thread appends what has gathered whenever it is free (group_writer.h).
  GroupWriter writer(*log, o.name);
  int32_t round_robin = 0;
  const int64_t now = wall_clock_ms();
  std::string line;
  int64_t line_number = 0;
  FdLines input(STDIN_FILENO);
  for (;;) {
    CF_ASSIGN_OR_RETURN(bool more, input.next(&line));
    if (!more) break;
    ++line_number;
    // No '\r' is dropped: it may be the value's last byte (use --format json for exact bytes).
    auto parsed = parse_line(line, format);
    if (!parsed) return Status::invalid_argument(fmt::format("stdin line {}: {}", line_number, parsed.status().message()));
    log::Record& r = parsed->record;
    if (r.timestamp_ms == 0) r.timestamp_ms = o.timestamp_ms >= 0 ? o.timestamp_ms : now;
    int32_t p = o.partition >= 0 ? o.partition
                : parsed->partition ? *parsed->partition
                : r.key ? kafka_partition_for_key(*r.key, count)
                        : round_robin++ % count;
    if (p < 0 || p >= count) {
      return Status::out_of_range(fmt::format("stdin line {}: partition {} out of range for topic '{}' (0..{})", line_number, p,
                                              o.name, count - 1));
    }
    if (Status queued = writer.add(p, std::move(r)); !queued.is_ok()) return queued;
  }
  CF_RETURN_IF_ERROR(writer.finish());
  const int64_t produced = writer.appended();
  fmt::print(stderr, "produced {} record{} to {}\n", produced, produced == 1 ? "" : "s", o.name);
  return Status::ok();
}

Status consume(const Config& config, const TopicOptions& o) {
  const bool avro = o.format == "avro";
  CF_ASSIGN_OR_RETURN(LineFormat format, parse_line_format(o.format == "auto" || avro ? "value" : o.format, false));
  const int starts = (o.from_beginning ? 1 : 0) + (o.offset >= 0 ? 1 : 0) + (o.from_timestamp >= 0 ? 1 : 0);
  if (starts > 1) return Status::invalid_argument("use only one of --from-beginning, --offset and --from-timestamp");
  CF_ASSIGN_OR_RETURN(auto log, open_log(config, false));
  std::unique_ptr<AvroLineDecoder> decoder;
  if (avro) {
    CF_ASSIGN_OR_RETURN(decoder, AvroLineDecoder::open(config));
  }
  CF_ASSIGN_OR_RETURN(auto infos, log->partition_offsets(o.name));
  const auto count = static_cast<int32_t>(infos.size());
  CF_RETURN_IF_ERROR(check_partition_flag(o, count));
  // Where each partition starts: an explicit flag, else the group's committed offset, else the start.
  std::map<int32_t, int64_t> next;
  for (const auto& info : infos) {
    if (o.partition >= 0 && info.partition != o.partition) continue;
    const log::TopicPartition tp{o.name, info.partition};
    int64_t start = info.start_offset;
    if (o.offset >= 0) {
      start = o.offset;
    } else if (o.from_timestamp >= 0) {
      CF_ASSIGN_OR_RETURN(auto at, log->offset_for_timestamp(tp, o.from_timestamp));
      start = at.value_or(info.end_offset);
    } else if (!o.group.empty() && !o.from_beginning) {
      CF_ASSIGN_OR_RETURN(auto committed, log->committed_offset(o.group, tp));
      start = committed.value_or(info.start_offset);
    }
    next[info.partition] = start;
  }
  int64_t printed = 0;
  auto commit = [&]() -> Status {
    if (o.group.empty()) return Status::ok();
    std::vector<log::OffsetCommit> commits;
    for (const auto& [p, offset] : next) commits.push_back({o.group, {o.name, p}, offset});
    return log->commit_offsets(commits);
  };
  // Checked on every round, not only when idle: a busy topic must still stop on Ctrl-C.
  while (!interrupted) {
    bool progressed = false;
    for (auto& [p, offset] : next) {
      const int64_t limit = o.max_records >= 0 ? o.max_records - printed : 10000;
      if (limit <= 0) break;
      CF_ASSIGN_OR_RETURN(log::FetchResult fetched, log->fetch({o.name, p}, offset, {limit, 4 << 20}));
      for (const log::Record& r : fetched.records) {
        if (decoder) {
          CF_ASSIGN_OR_RETURN(std::string decoded, decoder->line(r, p));
          fmt::print("{}\n", decoded);
        } else {
          fmt::print("{}\n", format_line(r, p, format));
        }
      }
      printed += static_cast<int64_t>(fetched.records.size());
      progressed |= fetched.next_offset != offset;
      offset = fetched.next_offset;
    }
    std::fflush(stdout);
    if (o.max_records >= 0 && printed >= o.max_records) break;
    if (!progressed) {
      if (!o.follow || interrupted) break;
      CF_RETURN_IF_ERROR(commit());
      // Nothing new anywhere: sleep on the partitions in turn, never spinning.
      for (const auto& [p, offset] : next) {
        CF_RETURN_IF_ERROR(log->wait_for_data({o.name, p}, offset, std::chrono::milliseconds(100)).status());
        if (interrupted) break;
      }
    }
  }
  CF_RETURN_IF_ERROR(commit());
  fmt::print(stderr, "consumed {} record{} from {}\n", printed, printed == 1 ? "" : "s", o.name);
  return Status::ok();
}

// Runs a topic action, reporting its error with the exit code the user needs.
void run(Cli& cli, Status status) {
  if (status.is_ok()) return;
  cli.fail(status);
}

// "--offset -2" answers "must be 0 or more, got -2" instead of CLI11's range message.
const CLI::Validator kNonNegative(
    [](std::string& text) -> std::string {
      const std::optional<int64_t> n = parse_number<int64_t>(text);
      if (!n) return "must be an integer, got '" + text + "'";
      return *n >= 0 ? "" : "must be 0 or more, got " + text;
    },
    "N >= 0");

}  // namespace

void add_topic_commands(Cli& cli) {
  static TopicOptions o;
  auto* topic = cli.app().add_subcommand("topic", "Create, inspect, feed and read topics (embedded log or Kafka)");
  topic->require_subcommand(1);

  auto* create_cmd = topic->add_subcommand("create", "Create a topic");
  create_cmd->add_option("name", o.name, "Topic name: 1-249 of [a-zA-Z0-9._-]")->required();
  create_cmd->add_option("--partitions", o.partitions, "Number of partitions (default: topics.partitions)")->check(CLI::Range(1, 10000));
  create_cmd->add_option("--config", o.settings, "Topic setting name=value (repeatable): flush.policy, flush.ms, segment.bytes, "
                                                 "retention.ms, retention.bytes, cleanup.policy, delete.retention.ms, "
                                                 "index.interval.bytes, compression.type");
  create_cmd->callback([&cli] { run(cli, create(cli.config(), o)); });

  topic->add_subcommand("list", "List topics with their partitions, record counts and end offsets")->callback([&cli] {
    run(cli, list(cli.config()));
  });

  auto* describe_cmd = topic->add_subcommand("describe", "Show a topic's settings and partitions");
  describe_cmd->add_option("name", o.name, "Topic name")->required();
  describe_cmd->add_flag("--json", o.json, "Print JSON");
  describe_cmd->callback([&cli] { run(cli, describe(cli.config(), o)); });

  auto* delete_cmd = topic->add_subcommand("delete", "Delete a topic and its data");
  delete_cmd->add_option("name", o.name, "Topic name")->required();
  delete_cmd->callback([&cli] { run(cli, remove(cli.config(), o)); });

  auto* produce_cmd = topic->add_subcommand("produce", "Append stdin to a topic, one record per line");
  produce_cmd->add_option("name", o.name, "Topic name")->required();
  produce_cmd->add_option("--partition", o.partition, "Partition for every record (default: Kafka's key hash; round robin without key)")
      ->check(kNonNegative);
  produce_cmd->add_option("--format", o.format, "auto, value, kv (key<TAB>value) or json")->check(CLI::IsMember({"auto", "value", "kv", "json"}));
  produce_cmd->add_option("--timestamp-ms", o.timestamp_ms, "Timestamp of records without one (default: now)")->check(kNonNegative);
  produce_cmd->callback([&cli] { run(cli, produce(cli.config(), o)); });

  auto* consume_cmd = topic->add_subcommand("consume", "Print a topic's records, one per line");
  consume_cmd->add_option("name", o.name, "Topic name")->required();
  consume_cmd->add_option("--partition", o.partition, "Only this partition (default: all)")->check(kNonNegative);
  consume_cmd->add_flag("--from-beginning", o.from_beginning, "Start at each partition's first record (the default without --group)");
  consume_cmd->add_option("--offset", o.offset, "Start at this offset")->check(kNonNegative);
  consume_cmd->add_option("--from-timestamp", o.from_timestamp, "Start at the first record at or after this time (ms)")
      ->check(kNonNegative);
  consume_cmd->add_option("--group", o.group, "Consumer group: resume from its committed offsets and commit as it reads");
  consume_cmd->add_option("--max-records", o.max_records, "Stop after this many records")->check(kNonNegative);
  consume_cmd->add_flag("--follow", o.follow, "Keep waiting for new records until Ctrl-C");
  consume_cmd->add_option("--format", o.format,
                          "value, kv, json, hex (the value's bytes) or avro (Confluent Avro values decoded to JSON through "
                          "schema_registry.url or the data dir's registry)")
      ->check(CLI::IsMember({"auto", "value", "kv", "json", "hex", "avro"}));
  consume_cmd->callback([&cli] {
    std::signal(SIGINT, [](int) { interrupted = true; });
    std::signal(SIGTERM, [](int) { interrupted = true; });
    run(cli, consume(cli.config(), o));
  });
}

}  // namespace careflow::app
