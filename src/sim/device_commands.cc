#include "sim/device_commands.h"

#include <fmt/format.h>

#include "common/logging.h"
#include "sim/avro_fields.h"

namespace careflow::sim {

using serde::avro::Datum;
using serde::avro::Node;
using serde::avro::Type;

Result<DeviceCommand> command_from_avro(const Node& writer, const Datum& value) {
  if (writer.type != Type::kRecord) return Status::invalid_argument("the value is not an Avro record");
  DeviceCommand command;
  CF_ASSIGN_OR_RETURN(command.command_id, required_text(writer, value, "command_id"));
  CF_ASSIGN_OR_RETURN(command.device_id, required_text(writer, value, "device_id"));
  CF_ASSIGN_OR_RETURN(command.command_type, required_text(writer, value, "command_type"));
  CF_ASSIGN_OR_RETURN(command.dose_units, optional_number(writer, value, "dose_units"));
  // issued_at: TIMESTAMP(3) is a long with logical type timestamp-millis in Flink's Avro schema.
  if (auto issued = avro_field(writer, value, "issued_at")) {
    if (issued->type->type != Type::kLong) return Status::invalid_argument("field 'issued_at' is not a timestamp");
    const bool micros = issued->type->logical == serde::avro::LogicalType::kTimestampMicros ||
                        issued->type->logical == serde::avro::LogicalType::kLocalTimestampMicros;
    command.issued_at_ms = micros ? issued->value->i / 1000 : issued->value->i;
  }
  return command;
}

DeviceCommandFollower::DeviceCommandFollower(log::Topics& topics, serde::RegistryClient& registry, Simulator& simulator,
                                             std::string topic, std::string group)
    : follower_(topics, std::move(topic), std::move(group)), simulator_(simulator), values_(registry) {}

Result<size_t> DeviceCommandFollower::poll(std::chrono::milliseconds wait) {
  return follower_.poll(wait, [this](const log::Record& record, int32_t partition) { return carry_out(record, partition); });
}

Status DeviceCommandFollower::carry_out(const log::Record& record, int32_t partition) {
  std::lock_guard lock(mutex_);
  ++read_;
  const auto reject = [&](const std::string& why) {
    ++rejected_;
    last_rejected_ = fmt::format("{}-{} offset {}: {}", follower_.topic(), partition, record.offset, why);
    log_error("sim", "device command skipped", {{"where", fmt::format("{}-{}@{}", follower_.topic(), partition, record.offset)},
                                                {"reason", why}});
    return Status::ok();  // skipped: an unreadable record never stops the loop
  };
  if (!record.value) return reject("a tombstone, not a command");
  auto value = values_.deserialize(*record.value);
  if (!value) return reject(value.status().to_string());
  auto command = command_from_avro(values_.last_writer()->root(), *value);
  if (!command) return reject(command.status().to_string());
  if (command->command_type != "INSULIN_BOLUS") {
    ++ignored_;
    return Status::ok();
  }
  if (!command->dose_units) return reject(fmt::format("bolus {} has no dose_units", command->command_id));
  const int64_t issued = command->issued_at_ms.value_or(record.timestamp_ms);
  auto acted = simulator_.deliver_insulin(command->device_id, *command->dose_units, issued);
  if (!acted) return reject(acted.status().to_string());
  if (!*acted) {
    ++not_acted_;
    return Status::ok();
  }
  ++boluses_;
  log_info("sim", "insulin bolus delivered", {{"device", command->device_id}, {"units", fmt::format("{}", *command->dose_units)},
                                              {"command", command->command_id}});
  return Status::ok();
}

nlohmann::json DeviceCommandFollower::status() const {
  std::lock_guard lock(mutex_);
  return {{"topic", follower_.topic()},       {"group", follower_.group()},     {"read", read_},
          {"boluses", boluses_},   {"notActed", not_acted_},     {"ignored", ignored_},
          {"rejected", rejected_}, {"lastRejected", last_rejected_.empty() ? nlohmann::json(nullptr) : nlohmann::json(last_rejected_)}};
}

}  // namespace careflow::sim
