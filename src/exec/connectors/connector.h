#pragma once
// Connectors: where a table's rows come from when a job runs (a Source) and where an INSERT's
// rows go (a Sink), chosen by the table's 'connector' option as Flink's DynamicTableFactory is by
// its identifier. Each connector is one file of this folder that registers itself
// (CF_REGISTER_CONNECTOR, below); the job runner and the session ask the registry and never name
// one. Today: the topics of the log (no connector, 'kafka', 'upsert-kafka'), files
// ('filesystem'), a generator ('datagen') and PostgreSQL tables looked up by key ('jdbc'); how records hold rows is the formats' business
// (exec/formats/record_format.h).

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/identifier_registry.h"
#include "common/status.h"
#include "exec/formats/schema_registry_clients.h"
#include "exec/row.h"
#include "log/topics.h"
#include "sql/catalog.h"

namespace careflow::exec {

// Where a source stands in one partition of what it reads: the next offset it will read and the
// partition's end offset when it last looked (their difference is its lag).
struct SourcePosition {
  std::string topic;
  int32_t partition = 0;
  int64_t next_offset = 0;
  int64_t end_offset = 0;
};

// A table's rows as a job reads them: every column of the table, physical ones decoded, metadata
// ones filled from the record ('timestamp', 'offset', 'partition', 'topic'), computed ones left
// for the job. The kinds are those of the table's changelog mode (a debug build checks it: job.h).
class Source {
 public:
  virtual ~Source() = default;
  // Appends up to `max_rows` rows to `out`. Returns false once the source has ended (a bounded
  // source read to its end); true otherwise, even when nothing was available right now.
  virtual Result<bool> poll(RowBatch* out, size_t max_rows) = 0;
  // Checkpoints: where the source is (a topic: the next offset of each partition), to resume
  // from after a restore. FailedPrecondition, naming the table, for a source that cannot resume
  // (a checkpointed job over it is refused).
  virtual Result<std::vector<int64_t>> position() const;
  // Moves a freshly made source to a position position() gave. InvalidArgument when it does not
  // fit (a topic whose partition count changed).
  virtual Status seek(const std::vector<int64_t>& position);
  // Where it stands in each partition it reads; empty for a source without offsets (files, datagen).
  virtual std::vector<SourcePosition> positions() const { return {}; }
};

// Where an INSERT's rows go: rows with every writable column of the table (physical and
// non-virtual metadata columns, in declaration order) as the job's sink receives them.
//
// A write is done when it returns, unless the sink is transactional: a checkpointed job's sink
// into the log holds its records back until the checkpoint commits them together with the
// checkpoint's id in one atomic append (exec/checkpoint/job_checkpointer.h), so a reader sees each
// result once, whatever crashes in between.
class Sink {
 public:
  virtual ~Sink() = default;
  // Writes `rows`; returns how many records that made. Errors name the table.
  virtual Result<int64_t> write(const RowBatch& rows) = 0;
  // Asks the sink to hold its records for checkpoint commits; false when it cannot (its writes
  // stay visible at once: at-least-once after a restore).
  virtual bool begin_transactions() { return false; }
  // The records held since the last call, one batch per partition, for the checkpoint's atomic
  // append; the partition that carries the job's commit marker (a consumer-group offset whose
  // value is the checkpoint id) in `marker`.
  virtual std::vector<log::PartitionBatch> take_transaction(log::TopicPartition* marker) {
    (void)marker;
    return {};
  }

  // Two-phase commits on checkpoints, for a sink outside the log (an Iceberg table), as Flink's
  // TwoPhaseCommittingSink. At checkpoint `id` the checkpointer calls prepare_commit (the sink
  // makes what it holds durable but not yet visible and returns what committing it takes, which
  // the checkpoint's metadata stores), writes the checkpoint, then commit(id, prepared). At start,
  // recover(job, id, prepared) with the checkpoint the job restores (0 and "" when none): the sink
  // commits that checkpoint's prepared data unless it is committed already — a crash may have come
  // between the checkpoint and its commit — and drops what later, uncommitted checkpoints left.
  // commit must therefore be idempotent. Errors name the table.
  virtual bool two_phase() const { return false; }
  virtual Status recover(const std::string& job, int64_t checkpoint, const std::string& prepared) {
    (void)job, (void)checkpoint, (void)prepared;
    return Status::ok();
  }
  virtual Result<std::string> prepare_commit(int64_t checkpoint) {
    (void)checkpoint;
    return std::string();
  }
  virtual Status commit(int64_t checkpoint, const std::string& prepared) {
    (void)checkpoint, (void)prepared;
    return Status::ok();
  }
  // The end of a run without checkpoints: a two-phase sink commits what it holds.
  virtual Status finish() { return Status::ok(); }
};

// A table read by key, as a lookup join reads it (Flink's LookupTableSource / LookupFunction):
// the rows whose lookup columns equal a key, as the table holds them now. Made per job (each lookup
// join opens its own connection, as each Flink operator instance does); not thread-safe.
class LookupSource {
 public:
  virtual ~LookupSource() = default;
  // The rows (every column of the table, in declaration order) whose lookup columns equal `key`
  // (one value per lookup column, none NULL); an error names the table and the cause (the
  // database unreachable after the retries, a column whose type does not map to its declared one).
  virtual Result<std::vector<std::vector<values::Value>>> lookup(const std::vector<values::Value>& key) = 0;
};

// What a connector may use.
struct ConnectorContext {
  log::Topics* topics = nullptr;  // the log; null when none is open (a topic table then fails)
  // A --bounded run: a topic source reports "ended" whenever it is read to its current end (it
  // may grow again while other jobs of the run write it). 'scan.bounded.mode' = 'latest-offset'
  // on a table instead stops it for good at the end offsets seen when it opens.
  bool bounded = false;
  SchemaRegistryClients* registries = nullptr;  // for the formats that use a Schema Registry
  // Where a topic source starts in a partition (the next offset to read), by topic and partition;
  // a partition not named starts at its first offset. `careflow up` resumes its jobs with it.
  std::map<std::pair<std::string, int32_t>, int64_t> start_offsets;
};

using SourceFactory = std::function<Result<std::unique_ptr<Source>>(const sql::TableDef&, const ConnectorContext&)>;
using SinkFactory = std::function<Result<std::unique_ptr<Sink>>(const sql::TableDef&, const ConnectorContext&)>;
// `lookup_columns`: the table's columns a key holds values for, in the key's order.
using LookupFactory =
    std::function<Result<std::unique_ptr<LookupSource>>(const sql::TableDef&, const std::vector<int>& lookup_columns)>;

struct ConnectorDefinition {
  std::string identifier;     // the 'connector' option's value
  SourceFactory make_source;  // empty: the connector cannot be read
  SinkFactory make_sink;      // empty: the connector cannot be written
  bool is_default = false;    // the connector of a table without a 'connector' option
  LookupFactory make_lookup = nullptr;  // empty: the connector cannot be looked up by key (no lookup join)
};

class ConnectorRegistry : public IdentifierRegistry<ConnectorDefinition> {
 public:
  static ConnectorRegistry& global();
  // The table's connector: its 'connector' option, else the default. Null for an unknown one.
  const ConnectorDefinition* for_table(const sql::TableDef& table) const;
  // "'datagen', 'filesystem', ... and 'upsert-kafka'": the identifiers, sorted, for messages;
  // only the writable ones with `sinks_only`.
  std::string known(bool sinks_only = false) const;
};

// In a connector's own file: CF_REGISTER_CONNECTOR({"datagen", make_datagen_source, nullptr});
#define CF_REGISTER_CONNECTOR(...) \
  CF_JOIN_REGISTRY(::careflow::exec::ConnectorRegistry::global(), ::careflow::exec::ConnectorDefinition __VA_ARGS__)

// The table's source. InvalidArgument for an unknown connector, a connector that cannot be read
// or options that make no sense (an unknown format, a file that is not there); a missing topic is
// created empty (a pipeline may start before its input).
Result<std::unique_ptr<Source>> make_source(const sql::TableDef& table, const ConnectorContext& context);
// A lookup source over the table, wrapped in the cache its 'lookup.cache' options ask for
// (lookup_cache.h). InvalidArgument for a connector without lookups or options that make no sense
// (a URL of another database, a cache option that does not parse); nothing is connected yet.
Result<std::unique_ptr<LookupSource>> make_lookup_source(const sql::TableDef& table, const std::vector<int>& lookup_columns);
// Whether the table's connector is looked up by key and cannot be scanned (the planner's
// SessionOptions::is_lookup_table).
bool is_lookup_only(const sql::TableDef& table);
// The table's sink. InvalidArgument for an unknown connector or one that cannot be written,
// naming those that can.
Result<std::unique_ptr<Sink>> make_sink(const sql::TableDef& table, const ConnectorContext& context);

}  // namespace careflow::exec
