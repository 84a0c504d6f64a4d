#pragma once
// The devices' side of the over-the-air update loop: the commands that
// pipelines/fct/hc_fct_ota_update_commands writes (Debezium envelopes, Confluent Avro through the
// registry, as Flink's debezium-avro-confluent format writes a changelog) reach the devices, and a
// device told to update installs the target firmware: its row in PostgreSQL gets the new
// devices.software_version. From there the change flows on as every device change does: the
// capture emits it on healthcare.public.devices, the simulator's readings and the device events
// report the new version (both read the row), and the pipeline, seeing the device already on its
// target, asks for no further update — a closed loop.
//
// Only a command's insert (op 'c', an `after` row) is an order; a retraction (op 'd': the allowlist
// entry was removed) withdraws nothing already installed. A command whose current_sw_version is no
// longer the device's version (installed already, or changed since) is counted as not acted on:
// commands recomputed from old events by a redeployed pipeline install nothing twice. Consumer group
// `careflow-simulator`, as device.commands (sim/topic_follower.h); unreadable records are skipped
// with their partition and offset, never stopping the loop.

#include <nlohmann/json.hpp>

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "common/status.h"
#include "serde/avro_datum.h"
#include "serde/avro_schema.h"
#include "serde/confluent_avro.h"
#include "serde/registry_client.h"
#include "sim/topic_follower.h"
#include "store/database.h"

namespace careflow::sim {

inline constexpr const char* kOtaUpdateCommandsTopic = "hc_fct_ota_update_commands";
inline constexpr const char* kOtaUpdateGroup = "careflow-simulator";

struct OtaUpdate {
  std::string command_id;
  std::string device_id;
  std::string current_sw_version;
  std::string target_sw_version;
};

// The update ordered by a decoded Debezium envelope whose writer schema is `writer` (the envelope
// record, or Flink's ["null", envelope]): nullopt for a retraction (op 'd' or no `after` row). InvalidArgument naming the field when the envelope or its
// row lacks one of OtaUpdate's fields or has it of another type.
Result<std::optional<OtaUpdate>> ota_update_from_envelope(const serde::avro::Node& writer, const serde::avro::Datum& value);

class OtaUpdateFollower {
 public:
  // `topics`, `registry` and `db` must outlive the follower.
  OtaUpdateFollower(log::Topics& topics, serde::RegistryClient& registry, store::Database& db,
                    std::string topic = kOtaUpdateCommandsTopic, std::string group = kOtaUpdateGroup);

  // One round (TopicFollower::poll): installs each update read. Errors only for the log itself; a
  // database that cannot be written is an error too (the round is not committed, so the same
  // commands are read again once it can).
  Result<size_t> poll(std::chrono::milliseconds wait);

  // {"topic", "group", "read", "installed", "notActed", "retractions", "rejected", "lastRejected",
  //  "lastInstalled": null or {"device", "from", "to", "command"}}
  nlohmann::json status() const;

 private:
  Status carry_out(const log::Record& record, int32_t partition);

  TopicFollower follower_;
  serde::AvroDeserializer values_;
  store::Database& db_;
  mutable std::mutex mutex_;  // guards the counters read by status()
  int64_t read_ = 0, installed_ = 0, not_acted_ = 0, retractions_ = 0, rejected_ = 0;
  std::string last_rejected_;
  nlohmann::json last_installed_;
};

}  // namespace careflow::sim
