#pragma once
// A real embedded log and registry, and a writer of one command topic's records as a Flink job's
// Confluent Avro sink writes them: the set-up the simulator's command followers are tested on
// (device_commands_test.cc, ota_updates_test.cc).

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "common/clock.h"
#include "log/embedded_log.h"
#include "registry/client_implementations.h"
#include "serde/avro_datum.h"
#include "serde/avro_schema.h"
#include "serde/confluent_avro.h"

namespace careflow::sim::testing {

class CommandTopic {
 public:
  // Under a fresh folder named after `name` and the process; `schema` is the records' Avro schema.
  CommandTopic(const std::string& name, std::string topic, const char* schema) : topic_(std::move(topic)) {
    dir_ = std::filesystem::temp_directory_path() / (name + "-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    registry_ = std::move(registry::SchemaRegistry::open((dir_ / "registry").string())).value();
    client_ = registry::embedded_client(*registry_);
    log_ = std::move(log::EmbeddedLog::open((dir_ / "log").string())).value();
    schema_ = std::move(serde::avro::Schema::parse(schema)).value();
    serializer_ = std::make_unique<serde::AvroSerializer>(*client_, schema_, schema, serde::SerializerOptions{});
  }
  ~CommandTopic() {
    log_.reset();
    std::filesystem::remove_all(dir_);
  }

  // One record framed as Confluent Avro, appended to partition 0.
  void write(const serde::avro::Datum& value) {
    auto framed = serializer_->serialize(topic_, value);
    ASSERT_TRUE(framed.is_ok()) << framed.status().to_string();
    write_raw(*framed);
  }
  void write_raw(const std::string& bytes) {
    log::Record record;
    record.value = bytes;
    record.timestamp_ms = wall_clock_ms();
    ASSERT_TRUE(log_->append({topic_, 0}, std::span(&record, 1)).is_ok());
  }

  log::EmbeddedLog& log() { return *log_; }
  serde::RegistryClient& registry() { return *client_; }
  const serde::avro::Schema& schema() const { return schema_; }

 private:
  std::string topic_;
  std::filesystem::path dir_;
  std::unique_ptr<registry::SchemaRegistry> registry_;
  std::unique_ptr<serde::RegistryClient> client_;
  std::unique_ptr<log::EmbeddedLog> log_;
  serde::avro::Schema schema_;
  std::unique_ptr<serde::AvroSerializer> serializer_;
};

}  // namespace careflow::sim::testing
