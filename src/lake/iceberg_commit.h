#pragma once
// Commits to an Iceberg v2 table at a local location (table spec "Commit Conflict Resolution and
// Retry", with the Hadoop-style layout of iceberg_metadata.h): creating a table, and appending
// data files (and delete files) as a new snapshot whose parent is the current one.
//
// Atomicity. A commit writes v<N+1>.metadata.json beside its name (fsynced) and hard-links it into
// place: link(2) fails when the name exists, so of two committers that read version N exactly one
// wins — the compare-and-swap on the version that Iceberg's catalogs provide. The loser re-reads
// the table and retries (commit.retry.num-retries, 4 by default, as Iceberg's), or, with
// retries = 0, fails with FailedPrecondition naming the version another committer took. Manifest
// files are written before and never change, so a crash at any point leaves either the old version
// or the new one current, plus possibly unreferenced files (orphans), never a partial snapshot.
// version-hint.text is rewritten (temporary file + rename) after the link; readers probe past it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "lake/iceberg_metadata.h"
#include "lake/iceberg_table.h"

namespace careflow::lake::iceberg {

struct CreateOptions {
  std::string table_uuid;  // empty: a random one
  PartitionSpec spec;      // empty: unpartitioned
  std::map<std::string, std::string> properties;
  int64_t timestamp_ms = 0;  // 0: now
  // The schema's identifier-field-ids (the row key, as Iceberg's Flink sink sets them from a
  // PRIMARY KEY): field ids of top-level NOT NULL columns of a primitive type other than FLOAT and
  // DOUBLE, as the spec requires; create_table refuses others.
  std::vector<int32_t> identifier_field_ids = {};
};

// Creates v1 of a table without snapshots. AlreadyExists when the location holds a table;
// InvalidArgument for a column Iceberg tables of careflow cannot hold or a spec that does not fit.
Result<TableMetadata> create_table(const std::string& location, const std::vector<ColumnSpec>& columns, const CreateOptions& options);

struct CommitOptions {
  int64_t snapshot_id = 0;    // 0: a random positive id
  int64_t timestamp_ms = 0;   // 0: now
  std::string commit_uuid;    // names the manifest files; empty: a random one
  std::map<std::string, std::string> summary;  // extra snapshot summary keys
  int retries = 4;            // further attempts after a lost race
  // Once the parent has this many data manifests, they are merged into one (entries EXISTING, with
  // their snapshot and sequence numbers) — Iceberg's commit.manifest.min-count-to-merge — so that a
  // table committed every checkpoint does not grow a manifest per snapshot forever. 0: never.
  int manifest_merge_min_count = 100;
};

// Appends `files` as one snapshot on the table's current one, retrying lost races; returns the
// snapshot committed. FailedPrecondition when every attempt lost (naming the version), NotFound
// when there is no table, IOError when a file cannot be written.
Result<Snapshot> append_files(const std::string& location, const std::vector<DataFile>& files, CommitOptions options);

// Appends `files` and `deletes` (position or equality delete files) as one snapshot, retrying lost
// races as append_files does: Iceberg's RowDelta. The deletes apply to data files of this
// snapshot's sequence number and older (spec "Scan Planning"). Operation "append" without deletes,
// "delete" without data files, "overwrite" with both. InvalidArgument when a file is of the wrong
// kind; otherwise as append_files.
Result<Snapshot> commit_files(const std::string& location, const std::vector<DataFile>& files, const std::vector<DataFile>& deletes,
                              CommitOptions options);

// One attempt of append_files on `base` (metadata the caller loaded): FailedPrecondition
// ("commit conflict: ... v<N+1> was committed by another writer") when `base` is no longer the
// newest version. For callers that must not retry, and for tests.
Result<Snapshot> commit_append(const TableMetadata& base, const std::vector<DataFile>& files, const CommitOptions& options);
// One attempt of commit_files on `base`, as commit_append.
Result<Snapshot> commit_row_delta(const TableMetadata& base, const std::vector<DataFile>& files, const std::vector<DataFile>& deletes,
                                  const CommitOptions& options);

// Commits `next` — `base`'s document with changes applied (a REST catalog's updates) — as version
// base.version + 1, extending the metadata log (the caller sets last-updated-ms). FailedPrecondition
// ("commit conflict ...") when another writer took that version; returns the committed metadata.
Result<TableMetadata> commit_metadata(const TableMetadata& base, nlohmann::json next);

// Publishes a snapshot of the manifests listed in `manifest_list` (written by the caller with the
// next sequence number, base.last_sequence_number + 1) as the table's current one: the snapshot
// with `summary` (which must hold "operation"), the snapshot log, refs.main, version N+1 through
// commit_metadata (FailedPrecondition on a lost race). For maintenance commits (replace).
Result<Snapshot> commit_snapshot(const TableMetadata& base, int64_t snapshot_id, const std::string& manifest_list,
                                 std::map<std::string, std::string> summary, int64_t now_ms);

// A random positive snapshot id.
int64_t random_snapshot_id();

// A random UUID (version 4) in text form.
std::string random_uuid();

}  // namespace careflow::lake::iceberg
