#pragma once
// The first slice of Iceberg v2 (the table spec, format version 2): a table's metadata JSON, its
// manifest list and manifest as Avro container files (src/serde) with the spec's field ids, for one
// unpartitioned append of Parquet data files careflow wrote. What is not here yet: later commits
// (snapshot chains, optimistic concurrency), partition transforms, deletes, schema evolution, the
// catalog — see docs/lake.md.
//
// Layout under a table location (a local folder):
//   <location>/data/*.parquet                     the data files (written by the caller)
//   <location>/metadata/v1.metadata.json          table metadata
//   <location>/metadata/snap-<id>-1-<uuid>.avro   the manifest list
//   <location>/metadata/<uuid>-m0.avro            the manifest
//   <location>/metadata/version-hint.text         "1" (for readers of Hadoop-style tables)

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "lake/parquet_schema.h"

namespace careflow::lake::iceberg {

// A data file's entry in a manifest: counts and bounds per field id. Bounds are in Iceberg's
// single-value binary serialization (Appendix D).
struct DataFile {
  std::string path;
  int64_t record_count = 0;
  int64_t file_size_in_bytes = 0;
  std::map<int32_t, int64_t> value_counts, null_value_counts;
  std::map<int32_t, std::string> lower_bounds, upper_bounds;
};

// Reads a Parquet file's footer and sums its row groups' statistics per field id into a DataFile.
// Errors: the file does not read, or a column has no field id.
Result<DataFile> data_file_from_parquet(const std::string& path);

// The schema as Iceberg's JSON (schema-id 0). Errors name a column whose type Iceberg tables of
// careflow cannot hold yet (TIME, timestamps other than microseconds, nested types) or that has
// no field id.
Result<std::string> schema_json(const std::vector<ColumnSpec>& columns);

struct AppendOptions {
  std::string table_uuid;     // the table's UUID (text form)
  int64_t snapshot_id = 1;
  int64_t timestamp_ms = 0;   // the snapshot's commit time
  std::string commit_uuid;    // names the manifest files
};

// Creates the table's first metadata at `location` with one append snapshot of `files`; returns
// the path of v1.metadata.json. Errors: the metadata exists already, a file cannot be written.
Result<std::string> create_table_with_append(const std::string& location, const std::vector<ColumnSpec>& columns,
                                             const std::vector<DataFile>& files, const AppendOptions& options);

}  // namespace careflow::lake::iceberg
