#include "sim/device_commands.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "common/logging.h"

namespace careflow::sim {
namespace {

using serde::avro::Datum;
using serde::avro::Node;
using serde::avro::Type;

// The field's node and datum with a union (Flink writes every nullable column as ["null", T])
// unwrapped; nullopt for a missing field or a null.
struct FieldValue {
  const Node* type;
  const Datum* value;
};

std::optional<FieldValue> field(const Node& record, const Datum& value, std::string_view name) {
  const int index = record.field_index(name);
  if (index < 0 || static_cast<size_t>(index) >= value.items.size()) return std::nullopt;
  const Node* type = record.fields[static_cast<size_t>(index)].type;
  const Datum* datum = &value.items[static_cast<size_t>(index)];
  if (type->type == Type::kUnion) {
    if (datum->i < 0 || static_cast<size_t>(datum->i) >= type->branches.size() || datum->items.empty()) {
      return std::nullopt;
    }
    type = type->branches[static_cast<size_t>(datum->i)];
    datum = &datum->items[0];
  }
  if (type->type == Type::kNull) return std::nullopt;
  return FieldValue{type, datum};
}

Result<std::string> required_text(const Node& record, const Datum& value, std::string_view name) {
  auto f = field(record, value, name);
  if (!f) return Status::invalid_argument(fmt::format("field '{}' is missing or null", name));
  if (f->type->type != Type::kString) return Status::invalid_argument(fmt::format("field '{}' is not a string", name));
  return f->value->s;
}

Result<std::optional<double>> optional_number(const Node& record, const Datum& value, std::string_view name) {
  auto f = field(record, value, name);
  if (!f) return std::optional<double>();
  switch (f->type->type) {
    case Type::kDouble:
    case Type::kFloat: return std::optional<double>(f->value->d);
    case Type::kInt:
    case Type::kLong: return std::optional<double>(static_cast<double>(f->value->i));
    default: return Status::invalid_argument(fmt::format("field '{}' is not a number", name));
  }
}

}  // namespace

Result<DeviceCommand> command_from_avro(const Node& writer, const Datum& value) {
  if (writer.type != Type::kRecord) return Status::invalid_argument("the value is not an Avro record");
  DeviceCommand command;
  CF_ASSIGN_OR_RETURN(command.command_id, required_text(writer, value, "command_id"));
  CF_ASSIGN_OR_RETURN(command.device_id, required_text(writer, value, "device_id"));
  CF_ASSIGN_OR_RETURN(command.command_type, required_text(writer, value, "command_type"));
  CF_ASSIGN_OR_RETURN(command.dose_units, optional_number(writer, value, "dose_units"));
  // issued_at: TIMESTAMP(3) is a long with logical type timestamp-millis in Flink's Avro schema.
  if (auto issued = field(writer, value, "issued_at")) {
    if (issued->type->type != Type::kLong) return Status::invalid_argument("field 'issued_at' is not a timestamp");
    const bool micros = issued->type->logical == serde::avro::LogicalType::kTimestampMicros ||
                        issued->type->logical == serde::avro::LogicalType::kLocalTimestampMicros;
    command.issued_at_ms = micros ? issued->value->i / 1000 : issued->value->i;
  }
  return command;
}

DeviceCommandFollower::DeviceCommandFollower(log::Topics& topics, serde::RegistryClient& registry, Simulator& simulator,
                                             std::string topic, std::string group)
    : topics_(topics), simulator_(simulator), values_(registry), topic_(std::move(topic)), group_(std::move(group)) {}

Status DeviceCommandFollower::ensure_positions() {
  if (!positions_.empty()) return Status::ok();
  auto partitions = topics_.partition_offsets(topic_);
  if (!partitions) return partitions.status();
  std::vector<log::OffsetCommit> first_start;
  for (const log::PartitionInfo& p : *partitions) {
    const log::TopicPartition tp{topic_, p.partition};
    CF_ASSIGN_OR_RETURN(std::optional<int64_t> committed, topics_.committed_offset(group_, tp));
    // A committed offset below the partition's start (records removed by retention) goes on at the start.
    int64_t next = committed ? std::max(*committed, p.start_offset) : p.end_offset;
    if (!committed) first_start.push_back({group_, tp, next});
    positions_[p.partition] = next;
  }
  // The first start's positions are committed at once: a command written from now on is carried
  // out even when careflow stops before it reads it.
  if (!first_start.empty()) CF_RETURN_IF_ERROR(topics_.commit_offsets(first_start));
  return Status::ok();
}

Result<size_t> DeviceCommandFollower::poll(std::chrono::milliseconds wait) {
  Status ready = ensure_positions();
  if (ready.code() == StatusCode::kNotFound) {  // no pipeline has created the topic yet
    positions_.clear();
    std::this_thread::sleep_for(wait);
    return size_t{0};
  }
  CF_RETURN_IF_ERROR(ready);
  std::vector<log::ReadPosition> at;
  for (const auto& [partition, offset] : positions_) at.push_back({{topic_, partition}, offset});
  CF_ASSIGN_OR_RETURN(bool data, topics_.wait_for_any(at, std::chrono::duration_cast<std::chrono::microseconds>(wait)));
  if (!data) return size_t{0};
  size_t read = 0;
  std::vector<log::OffsetCommit> commits;
  for (auto& [partition, offset] : positions_) {
    const log::TopicPartition tp{topic_, partition};
    CF_ASSIGN_OR_RETURN(log::FetchResult fetched, topics_.fetch(tp, offset));
    for (const log::Record& record : fetched.records) carry_out(record, partition);
    read += fetched.records.size();
    if (fetched.next_offset != offset) {
      offset = fetched.next_offset;
      commits.push_back({group_, tp, offset});
    }
  }
  if (!commits.empty()) CF_RETURN_IF_ERROR(topics_.commit_offsets(commits));
  return read;
}

void DeviceCommandFollower::carry_out(const log::Record& record, int32_t partition) {
  std::lock_guard lock(mutex_);
  ++read_;
  const auto reject = [&](const std::string& why) {
    ++rejected_;
    last_rejected_ = fmt::format("{}-{} offset {}: {}", topic_, partition, record.offset, why);
    log_error("sim", "device command skipped", {{"where", fmt::format("{}-{}@{}", topic_, partition, record.offset)},
                                                {"reason", why}});
  };
  if (!record.value) return reject("a tombstone, not a command");
  auto value = values_.deserialize(*record.value);
  if (!value) return reject(value.status().to_string());
  auto command = command_from_avro(values_.last_writer()->root(), *value);
  if (!command) return reject(command.status().to_string());
  if (command->command_type != "INSULIN_BOLUS") {
    ++ignored_;
    return;
  }
  if (!command->dose_units) return reject(fmt::format("bolus {} has no dose_units", command->command_id));
  const int64_t issued = command->issued_at_ms.value_or(record.timestamp_ms);
  auto acted = simulator_.deliver_insulin(command->device_id, *command->dose_units, issued);
  if (!acted) return reject(acted.status().to_string());
  if (!*acted) {
    ++not_acted_;
    return;
  }
  ++boluses_;
  log_info("sim", "insulin bolus delivered", {{"device", command->device_id}, {"units", fmt::format("{}", *command->dose_units)},
                                              {"command", command->command_id}});
}

nlohmann::json DeviceCommandFollower::status() const {
  std::lock_guard lock(mutex_);
  return {{"topic", topic_},       {"group", group_},     {"read", read_},
          {"boluses", boluses_},   {"notActed", not_acted_},     {"ignored", ignored_},
          {"rejected", rejected_}, {"lastRejected", last_rejected_.empty() ? nlohmann::json(nullptr) : nlohmann::json(last_rejected_)}};
}

}  // namespace careflow::sim
