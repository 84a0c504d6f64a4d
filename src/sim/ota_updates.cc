#include "sim/ota_updates.h"

#include <fmt/format.h>

#include "common/logging.h"
#include "sim/avro_fields.h"

namespace careflow::sim {

using serde::avro::Datum;
using serde::avro::Node;
using serde::avro::Type;

Result<std::optional<OtaUpdate>> ota_update_from_envelope(const Node& root, const Datum& root_value) {
  // Flink's debezium-avro-confluent schema is the nullable envelope row: ["null", record].
  const std::optional<AvroField> envelope = unwrap_union(root, root_value);
  if (!envelope) return Status::invalid_argument("the value is null or its union branch is out of range");
  const Node& writer = *envelope->type;
  const Datum& value = *envelope->value;
  if (writer.type != Type::kRecord || writer.field_index("after") < 0) {
    return Status::invalid_argument("the value is not a Debezium envelope (a record with 'after')");
  }
  // op: 'c' (and 'r', 'u') carry the row in `after`; 'd' retracts it (Flink writes -U and -D as 'd').
  if (auto op = avro_field(writer, value, "op"); op && op->type->type == Type::kString && op->value->s == "d") {
    return std::optional<OtaUpdate>();
  }
  auto after = avro_field(writer, value, "after");
  if (!after) return std::optional<OtaUpdate>();
  if (after->type->type != Type::kRecord) return Status::invalid_argument("field 'after' is not a record");
  const Node& row = *after->type;
  OtaUpdate update;
  CF_ASSIGN_OR_RETURN(update.command_id, required_text(row, *after->value, "command_id"));
  CF_ASSIGN_OR_RETURN(update.device_id, required_text(row, *after->value, "device_id"));
  CF_ASSIGN_OR_RETURN(update.current_sw_version, required_text(row, *after->value, "current_sw_version"));
  CF_ASSIGN_OR_RETURN(update.target_sw_version, required_text(row, *after->value, "target_sw_version"));
  return std::optional<OtaUpdate>(std::move(update));
}

OtaUpdateFollower::OtaUpdateFollower(log::Topics& topics, serde::RegistryClient& registry, store::Database& db,
                                     std::string topic, std::string group)
    : follower_(topics, std::move(topic), std::move(group)), values_(registry), db_(db) {}

Result<size_t> OtaUpdateFollower::poll(std::chrono::milliseconds wait) {
  return follower_.poll(wait, [this](const log::Record& record, int32_t partition) { return carry_out(record, partition); });
}

Status OtaUpdateFollower::carry_out(const log::Record& record, int32_t partition) {
  const auto reject = [&](const std::string& why) {
    std::lock_guard lock(mutex_);
    ++rejected_;
    last_rejected_ = fmt::format("{}-{} offset {}: {}", follower_.topic(), partition, record.offset, why);
    log_error("sim", "OTA update command skipped",
              {{"where", fmt::format("{}-{}@{}", follower_.topic(), partition, record.offset)}, {"reason", why}});
    return Status::ok();  // skipped: an unreadable record never stops the loop
  };
  {
    std::lock_guard lock(mutex_);
    ++read_;
  }
  if (!record.value) {  // a tombstone after a retraction (Flink's debezium format writes none; Kafka compaction may)
    std::lock_guard lock(mutex_);
    ++retractions_;
    return Status::ok();
  }
  auto value = values_.deserialize(*record.value);
  if (!value) return reject(value.status().to_string());
  auto update = ota_update_from_envelope(values_.last_writer()->root(), *value);
  if (!update) return reject(update.status().to_string());
  if (!*update) {
    std::lock_guard lock(mutex_);
    ++retractions_;
    return Status::ok();
  }
  const OtaUpdate& u = **update;
  // Installed only over the version the command was computed from: a command recomputed from an
  // old event, or one the device has already acted on, changes nothing.
  auto updated = db_.exec(
      "UPDATE devices SET software_version = $1, updated_at = now() "
      "WHERE device_id = $2 AND software_version IS NOT DISTINCT FROM $3",
      {u.target_sw_version, u.device_id, u.current_sw_version});
  if (!updated) {
    // Not this record's fault: the round stops and the record is read again next round.
    return updated.status().with_context(fmt::format("installing {} on {}", u.target_sw_version, u.device_id));
  }
  std::lock_guard lock(mutex_);
  if (updated->affected == 0) {
    ++not_acted_;
    return Status::ok();
  }
  ++installed_;
  last_installed_ = {{"device", u.device_id}, {"from", u.current_sw_version}, {"to", u.target_sw_version}, {"command", u.command_id}};
  log_info("sim", "firmware updated over the air",
           {{"device", u.device_id}, {"from", u.current_sw_version}, {"to", u.target_sw_version}, {"command", u.command_id}});
  return Status::ok();
}

nlohmann::json OtaUpdateFollower::status() const {
  std::lock_guard lock(mutex_);
  return {{"topic", follower_.topic()},
          {"group", follower_.group()},
          {"read", read_},
          {"installed", installed_},
          {"notActed", not_acted_},
          {"retractions", retractions_},
          {"rejected", rejected_},
          {"lastRejected", last_rejected_.empty() ? nlohmann::json(nullptr) : nlohmann::json(last_rejected_)},
          {"lastInstalled", last_installed_}};
}

}  // namespace careflow::sim
