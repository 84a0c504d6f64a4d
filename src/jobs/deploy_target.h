#pragma once
// `careflow pipeline deploy --target flink|confluent`: the pipelines' statements as another Flink
// runs them (deploy/README.md). The one definition of what each target needs beyond the files:
//
// flink (Apache Flink 1.20, self-managed), added to a table only when its DDL lacks the option:
//   kafka, upsert-kafka   'properties.bootstrap.servers' = bootstrap_servers
//   kafka                 'scan.startup.mode' = startup_mode (careflow and Confluent Cloud read a
//                         topic from its start; Flink's 'group-offsets' needs a group id and fails
//                         a new group)
//   [key.|value.]format = avro-confluent | debezium-avro-confluent
//                         '[key.|value.]<format>.url' = schema_registry_url, and with
//                         registry_user_info '...basic-auth.credentials-source' = 'USER_INFO' and
//                         '...basic-auth.user-info'
//   iceberg               'catalog-type' = 'hadoop' (Iceberg's Flink default is 'hive'),
//                         'warehouse' = warehouse
//   the session           SET 'table.local-time-zone' = 'UTC' (the tables keep UTC times)
//   DML calling ML_DETECT_ANOMALIES / ML_FORECAST: skipped (Confluent Cloud's), unless include_ml.
//
// confluent (Confluent Cloud for Apache Flink): tables are the topics of the statement's Kafka
// cluster with the Confluent Schema Registry, so a topic table keeps no connector options:
// 'connector', 'topic', 'properties.*' and the registry URLs go; 'avro-confluent' is Confluent
// Cloud's default 'avro-registry' (dropped); 'debezium-avro-confluent' becomes 'value.format' =
// 'avro-debezium-registry' with 'changelog.mode' = 'retract', and an upsert-kafka table gets
// 'changelog.mode' = 'upsert' (Confluent Cloud's default for a key too, said so the file's intent
// shows); every other option stays ('scan.startup.mode', 'kafka.*', 'changelog.mode', ...). The
// lake tables (connector iceberg) are skipped: Confluent Cloud's Tableflow materializes a topic as
// an Iceberg table, no statement does.
//
// Statements go in careflow up's order (pipeline_deployer.h): every DDL first, layer by layer, a
// DDL that needs a later one (a view) after it (found by applying them to a scratch in-memory
// catalog as up does), then every DML, each as a job named after its table: a SET 'pipeline.name'
// statement before it, as Flink's SQL client scripts name their jobs.

#include <string>
#include <vector>

#include "common/status.h"
#include "jobs/pipeline_deployer.h"
#include "jobs/with_options.h"

namespace careflow::jobs {

enum class DeployTargetKind { kFlink, kConfluent };

struct DeployTargetOptions {
  DeployTargetKind target = DeployTargetKind::kFlink;
  std::string bootstrap_servers = "localhost:9092";
  std::string schema_registry_url = "http://localhost:8081";
  std::string registry_user_info;  // "user:password" (Confluent: "<API key>:<secret>"), "" for none
  std::string startup_mode = "earliest-offset";
  std::string warehouse;  // the Iceberg warehouse ('warehouse' of the lake tables); required with iceberg tables
  bool include_ml = false;  // send DML calling ML functions to Apache Flink anyway
};

struct DeployStep {
  enum class Kind { kSet, kDdl, kDml, kSkipped };
  Kind kind = Kind::kDdl;
  std::string table;      // "" for the session's SET
  std::string file;       // the script it came from; "" for the session's SET
  std::string statement;  // what is sent, without the closing ';' (kSkipped: "")
  std::string note;       // kDdl: what changed ("added 'k', 'k2'"); kSkipped: why
};

struct DeployPlan {
  DeployTargetKind target = DeployTargetKind::kFlink;
  std::string root;
  std::vector<DeployStep> steps;
};

// The options to add to a table with `options` for Apache Flink, in a stable order; empty when none.
TableOptionList flink_missing_options(const WithClause& clause, const DeployTargetOptions& options);

// The table's options for Confluent Cloud; `skip` set (with the reason) for a table it has no
// statement for.
TableOptionList confluent_options(const WithClause& clause, std::string* skip);

// The name of the ML function `sql` calls (outside comments and strings), "" for none.
std::string ml_function_called(std::string_view sql);

// A Confluent Cloud statement name for a table's "ddl" or "dml": careflow-dml-hc-fct-drift-events
// (lowercase letters, digits and hyphens, at most 100 characters, as Confluent Cloud takes them).
std::string confluent_statement_name(std::string_view kind, std::string_view table);

// The steps for `tables` (read_pipelines' order). InvalidArgument naming the file for a DDL whose
// WITH list cannot be read, or an iceberg table without options.warehouse for Apache Flink.
Result<DeployPlan> plan_deployment(const std::string& root, const std::vector<PipelineTable>& tables,
                                   const DeployTargetOptions& options);

// The plan as a Flink SQL script, every statement that is sent in the order it is sent, each
// ended by ';': what --dry-run prints, what the plan check on Apache Flink reads
// (tests/interop/flink "Plan check") and what Flink's SQL client (`sql-client.sh -f`) runs as it
// is. A table's statements come under a `-- file: <script>` comment line, with a `-- added: ...`
// or `-- skipped: ...` line when there is something to say.
std::string render_script(const DeployPlan& plan);

// A Confluent Cloud plan as a shell script of `confluent flink statement create` commands, one per
// statement (named as confluent_statement_name says), with the compute pool and the database
// (the Kafka cluster) from $CONFLUENT_COMPUTE_POOL and $CONFLUENT_DATABASE.
std::string render_confluent_cli(const DeployPlan& plan);

}  // namespace careflow::jobs
