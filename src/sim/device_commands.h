#pragma once
// The pumps' side of the insulin loop: commands the pipelines write to topic device.commands
// (pipelines/alerts/device.commands: Confluent Avro through the registry, as Flink's avro-confluent
// format writes a row) reach the simulated devices. An INSULIN_BOLUS makes the device's glucose fall
// (Simulator::deliver_insulin); any other command type is counted and left alone.
//
// The follower reads as consumer group `careflow-simulator` (sim/topic_follower.h: commits after
// each round, so a restart never gives a bolus twice; the very first time it starts at the topic's
// end, since commands written before careflow followed the topic are history, not orders). A bolus computed from readings before the device's current glucose spike
// (a pipeline redeployed from the earliest readings recomputes old commands), or with no spike
// playing, is counted as not acted on (Simulator::deliver_insulin). A record that cannot be
// decoded is skipped with its partition and offset in the log and in status(); it never stops the
// loop.

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/status.h"
#include "log/topics.h"
#include "serde/avro_datum.h"
#include "serde/avro_schema.h"
#include "serde/confluent_avro.h"
#include "serde/registry_client.h"
#include "sim/simulator.h"
#include "sim/topic_follower.h"

namespace careflow::sim {

inline constexpr const char* kDeviceCommandsTopic = "device.commands";
inline constexpr const char* kDeviceCommandsGroup = "careflow-simulator";

struct DeviceCommand {
  std::string command_id;
  std::string device_id;
  std::string command_type;  // INSULIN_BOLUS, ...
  std::optional<double> dose_units;
  std::optional<int64_t> issued_at_ms;  // the event time of the reading that caused it
};

// The command in a decoded device.commands value whose writer schema is `writer` (a record; each
// field nullable or not). InvalidArgument naming the field when command_id, device_id or
// command_type is missing or null, or a field has an unexpected type.
Result<DeviceCommand> command_from_avro(const serde::avro::Node& writer, const serde::avro::Datum& value);

class DeviceCommandFollower {
 public:
  // `topics`, `registry` and `simulator` must outlive the follower.
  DeviceCommandFollower(log::Topics& topics, serde::RegistryClient& registry, Simulator& simulator,
                        std::string topic = kDeviceCommandsTopic, std::string group = kDeviceCommandsGroup);

  // One round (TopicFollower::poll): carries out each command read. Returns how many records it
  // read. Errors only for the log itself.
  Result<size_t> poll(std::chrono::milliseconds wait);

  // {"topic", "group", "read", "boluses" (acted on), "notActed", "ignored" (other command types),
  //  "rejected" (unreadable), "lastRejected"}
  nlohmann::json status() const;

 private:
  Status carry_out(const log::Record& record, int32_t partition);  // OK: every record is counted or skipped

  TopicFollower follower_;
  Simulator& simulator_;
  serde::AvroDeserializer values_;
  mutable std::mutex mutex_;              // guards the counters read by status()
  int64_t read_ = 0, boluses_ = 0, not_acted_ = 0, ignored_ = 0, rejected_ = 0;
  std::string last_rejected_;
};

}  // namespace careflow::sim
