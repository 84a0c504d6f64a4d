#pragma once
// What `careflow up` keeps of its jobs under <data-dir>: the catalog (every CREATE / DROP / ALTER
// that succeeded, in order, as SQL text: catalog.sql) and per job a folder jobs/<id>/ with its
// definition (definition.json: the statement, the catalog it was planned against, its SET keys)
// and its last state (state.json). The folder is the job's own: its checkpoints are in checkpoints/.
// Files are replaced atomically (written beside, fsynced, renamed), so a crash leaves the old
// version or the new one.
//
// Not thread-safe: the job manager serializes its calls.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace careflow::jobs {

struct JobDefinition {
  std::string id;         // "job-7"
  std::string name;       // 'pipeline.name', else "insert-into_<table>[,<table>...]" as Flink names them
  std::string statement;  // INSERT INTO ..., EXECUTE STATEMENT SET ..., CREATE TABLE ... AS ...
  std::string catalog;    // the DDL in force when it was submitted (replayed before the statement)
  std::map<std::string, std::string> settings;  // SET keys in force
  int64_t created_ms = 0;
};

// The last state a job was in, kept so that a restart resumes RUNNING jobs and shows the others.
struct StoredState {
  std::string state;  // PENDING, RUNNING, FAILED, STOPPED, COMPLETED
  std::string error;
  std::string error_location;
  int64_t restarts = 0;
  int64_t changed_ms = 0;
};

class JobStore {
 public:
  // `data_dir`: careflow up's; creates <data_dir>/jobs.
  static Result<JobStore> open(const std::string& data_dir);

  // The folder of a job (created by save_definition).
  std::string job_dir(const std::string& id) const;
  // A new id, one above the highest there is ("job-1" first).
  std::string next_id() const;

  Status save_definition(const JobDefinition& definition);
  Status save_state(const std::string& id, const StoredState& state);
  // Every job found, in id order, with its stored state (PENDING when state.json is missing). A
  // folder whose definition does not parse is reported in `broken` and skipped.
  struct Loaded {
    JobDefinition definition;
    StoredState state;
  };
  std::vector<Loaded> load(std::vector<std::string>* broken) const;

  // The catalog's DDL as one script ("" before any).
  Result<std::string> catalog() const;
  // Appends one DDL statement (without its ';'), durably.
  Status append_catalog(const std::string& statement);

 private:
  explicit JobStore(std::string data_dir) : data_dir_(std::move(data_dir)) {}
  std::string data_dir_;
};

// Writes `text` to `path` atomically (a temporary file beside it, fsync, rename, fsync of the folder).
Status write_file_atomically(const std::string& path, const std::string& text);

}  // namespace careflow::jobs
