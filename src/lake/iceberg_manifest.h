#pragma once
// Iceberg v2 manifests and manifest lists (table spec "Manifests", "Manifest Lists") as Avro
// container files through src/serde: written with the spec's schemas, field ids and header keys,
// and read back by field name (not position), so that files of other writers with extra or
// reordered fields read too. Data manifests (content 0) and delete manifests (content 1) of
// PARQUET files are written.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "lake/iceberg_partition.h"
#include "lake/iceberg_table.h"

namespace careflow::lake::iceberg {

enum class EntryStatus : int32_t { kExisting = 0, kAdded = 1, kDeleted = 2 };

struct ManifestEntry {
  EntryStatus status = EntryStatus::kAdded;
  std::optional<int64_t> snapshot_id;
  std::optional<int64_t> sequence_number;       // null in a file: inherited from the manifest list
  std::optional<int64_t> file_sequence_number;
  DataFile file;
};

// A partition field's summary over a manifest's files (manifest list field 508).
struct FieldSummary {
  bool contains_null = false;
  std::optional<std::string> lower_bound, upper_bound;  // single-value serialization
};

// One manifest as a manifest list names it.
struct ManifestFile {
  std::string path;
  int64_t length = 0;
  int32_t partition_spec_id = 0;
  int32_t content = 0;  // 0 data, 1 deletes
  int64_t sequence_number = 0;
  int64_t min_sequence_number = 0;
  int64_t added_snapshot_id = 0;
  int32_t added_files_count = 0, existing_files_count = 0, deleted_files_count = 0;
  int64_t added_rows_count = 0, existing_rows_count = 0, deleted_rows_count = 0;
  std::vector<FieldSummary> partitions;
};

// Writes a manifest of `files`, each ADDED by `snapshot_id` (sequence numbers left to inherit), to
// `path`; returns its entry for the manifest list with `sequence_number`. Errors: a file's
// partition does not have one value per spec field, or the file cannot be written.
Result<ManifestFile> write_manifest(const std::string& path, const std::string& schema_json, const std::vector<ColumnSpec>& columns,
                                    const PartitionSpec& spec, const std::vector<DataFile>& files, int64_t snapshot_id,
                                    int64_t sequence_number);

// Writes a manifest of `entries` as they are (status, snapshot and sequence numbers; an entry that
// is not ADDED must carry its sequence numbers), for snapshot `snapshot_id` with `sequence_number`;
// returns its entry for the manifest list with counts per status. Used to merge manifests.
Result<ManifestFile> write_manifest_entries(const std::string& path, const std::string& schema_json, const std::vector<ColumnSpec>& columns,
                                            const PartitionSpec& spec, const std::vector<ManifestEntry>& entries, int64_t snapshot_id,
                                            int64_t sequence_number);

// Writes a manifest list of `manifests` for a snapshot to `path`.
Status write_manifest_list(const std::string& path, int64_t snapshot_id, std::optional<int64_t> parent_snapshot_id,
                           int64_t sequence_number, const std::vector<ManifestFile>& manifests);

// Reads a manifest list. Corruption naming the file for a damaged container or a record without
// a required field.
Result<std::vector<ManifestFile>> read_manifest_list(const std::string& path);

// Reads a manifest's entries; partition values are typed by `spec` over `columns`. Corruption
// naming the file as above.
Result<std::vector<ManifestEntry>> read_manifest(const std::string& path, const PartitionSpec& spec,
                                                 const std::vector<ColumnSpec>& columns);

// Appendix D: a value's single-value binary serialization (bounds, partition summaries).
std::string serialize_bound(const values::DataType& type, const values::Value& value);

// A local path of a file URI other writers put in metadata ("file:///x" and "file:/x" → "/x").
std::string local_path(const std::string& uri);

// Reads a whole file (a local path, file URI or s3:// URI: storage.h); NotFound or IOError naming it.
Result<std::string> read_file(const std::string& path);
// fdatasyncs a file written before (a data or delete file, before a commit names it).
Status sync_file(const std::string& path);
// Writes a whole file durably (truncating; fsynced on disk, one PUT on S3); IOError naming it.
Status write_file(const std::string& path, const std::string& bytes);

}  // namespace careflow::lake::iceberg
