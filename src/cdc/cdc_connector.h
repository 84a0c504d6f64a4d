#pragma once
// careflow's change data capture: PostgreSQL → Debezium-format change events on topics
// <topic.prefix>.<schema>.<table>, exactly once.
//
// A background thread (re)connects to PostgreSQL, ensures the publication and the logical
// replication slot, takes an initial snapshot when the slot is new (snapshot mode), then streams
// the slot with pgoutput. Each PostgreSQL transaction becomes one atomic append to the log holding
// its events and its end LSN (offset_store.h); a large one becomes several, each chunk with an
// offset naming how many records of the transaction the log holds, which a restart skips. On
// restart streaming resumes after the LSN the log holds, and the slot is only ever confirmed up to
// an LSN that is durable in the log. A lost
// connection is retried with exponential backoff; a lost slot is a permanent error unless
// snapshot mode is when_needed, which takes a new snapshot.
//
// Thread safety: status() may be called from any thread.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cdc/debezium_envelope.h"
#include "cdc/lsn.h"
#include "common/status.h"
#include "log/topics.h"
#include "serde/confluent_avro.h"
#include "serde/registry_client.h"

namespace careflow::cdc {

enum class SnapshotMode { kInitial, kNever, kWhenNeeded };  // Debezium's snapshot.mode names
// "initial" | "never" | "when_needed"; InvalidArgument naming the value otherwise.
Result<SnapshotMode> parse_snapshot_mode(std::string_view text);

// How keys and values are written (cdc.format): Connect's JsonConverter text, or Confluent's
// AvroConverter wire format with schemas in a registry (avro_events.h).
enum class EventFormat { kJson, kAvro };
// "json" | "avro"; InvalidArgument naming the value otherwise.
Result<EventFormat> parse_event_format(std::string_view text);

struct CdcOptions {
  std::string conninfo;                 // libpq conninfo or URL of the captured database
  std::string slot = "careflow";        // slot.name
  std::string publication = "careflow";  // publication.name
  // table.include.list: schema.table, in snapshot order.
  std::vector<std::string> tables = {"public.patients", "public.devices", "public.prescriptions"};
  SnapshotMode snapshot_mode = SnapshotMode::kInitial;
  EnvelopeOptions envelope;              // with kAvro, schemas_enable is ignored (Avro always has them)
  EventFormat format = EventFormat::kJson;
  serde::RegistryClient* registry = nullptr;  // kAvro: where schemas are registered; outlives the connector
  serde::SerializerOptions key_serializer;  // kAvro: subject strategy and context (is_key is implied)
  serde::SerializerOptions value_serializer;
  bool emit_truncate = true;             // false = Debezium's default skipped.operations=t
  bool tombstones_on_delete = true;      // tombstones.on.delete
  std::chrono::milliseconds heartbeat_interval{10'000};  // heartbeat.interval.ms; 0 = none
  std::chrono::milliseconds confirm_interval{500};       // how often the durable LSN is confirmed
  std::chrono::milliseconds max_backoff{5'000};
  // A transaction with more records than this is appended in chunks of this many while it
  // streams, so that memory stays bounded and the log write overlaps PostgreSQL's sending.
  int64_t max_records_per_append = 4096;
  log::TopicConfig topic_config;        // for the event topics it creates
  // Makes every append so far durable (fsync); empty when appends are durable on return.
  std::function<Status()> make_durable;
};

struct CdcStatus {
  std::string state = "starting";  // starting, snapshotting, streaming, retrying, failed, stopped
  std::string slot;
  std::string publication;
  Lsn written_lsn = 0;    // the log holds every transaction that ended at or before it
  Lsn confirmed_lsn = 0;  // sent to PostgreSQL as flushed (durable in the log)
  Lsn server_lsn = 0;     // the server's end of WAL as last reported on the stream
  int64_t last_commit_time_us = 0;  // commit time of the newest transaction written
  int64_t events_written = 0;       // since start, tombstones included
  int64_t transactions_written = 0;
  int64_t snapshot_rows = 0;
  std::string last_error;
  std::vector<std::string> tables_without_primary_key;
};

class CdcConnector {
 public:
  // Validates the options and starts the background thread (errors after this point show in
  // status()). InvalidArgument naming the option for a bad table name or slot name.
  static Result<std::unique_ptr<CdcConnector>> start(CdcOptions options, log::Topics& topics);
  ~CdcConnector();  // stop()
  CdcConnector(const CdcConnector&) = delete;
  CdcConnector& operator=(const CdcConnector&) = delete;

  void stop();  // idempotent; returns when the thread has ended
  CdcStatus status() const;

 private:
  CdcConnector(CdcOptions options, log::Topics& topics) : options_(std::move(options)), topics_(topics) {}
  friend class CdcSession;
  void run();

  CdcOptions options_;
  log::Topics& topics_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  CdcStatus status_;
};

}  // namespace careflow::cdc
