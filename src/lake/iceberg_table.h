#pragma once
// Iceberg v2 (the table spec, format version 2) over Parquet files careflow wrote: a data file's
// manifest entry, the schema as Iceberg's JSON. Commits are in iceberg_commit.h, metadata reading
// in iceberg_metadata.h, manifests in iceberg_manifest.h, partitions in iceberg_partition.h.
//
// Layout under a table location (a local folder):
//   <location>/data/[<partition>/]*.parquet        the data files
//   <location>/metadata/v<N>.metadata.json         table metadata, one file per version
//   <location>/metadata/snap-<id>-1-<uuid>.avro    a snapshot's manifest list
//   <location>/metadata/<uuid>-m0.avro             a manifest
//   <location>/metadata/version-hint.text          N (for readers of Hadoop-style tables)

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "lake/parquet_schema.h"
#include "values/value.h"

namespace careflow::lake::iceberg {

// What a file in a manifest holds (the data_file's `content`, field 134).
enum class FileContent : int32_t { kData = 0, kPositionDeletes = 1, kEqualityDeletes = 2 };

// A data or delete file's entry in a manifest: counts and bounds per field id. Bounds are in
// Iceberg's single-value binary serialization (Appendix D).
struct DataFile {
  FileContent content = FileContent::kData;
  std::string path;
  int64_t record_count = 0;
  int64_t file_size_in_bytes = 0;
  std::map<int32_t, int64_t> column_sizes, value_counts, null_value_counts;
  std::map<int32_t, std::string> lower_bounds, upper_bounds;
  std::vector<values::Value> partition;  // one value per partition field (empty: unpartitioned)
  std::vector<int32_t> equality_ids;     // an equality delete file's key columns
};

// Reads a Parquet file's footer and sums its row groups' statistics per leaf field id into a
// DataFile, as Iceberg's Java writer does: column sizes for every leaf; value and null counts and
// bounds for the primitive columns and the leaves of ROW columns, none for the leaves inside an
// ARRAY or MAP (their values repeat within a row). Errors: the file does not read, or a primitive
// column has no field id.
Result<DataFile> data_file_from_parquet(const std::string& path);

// The schema as Iceberg's JSON (schema-id 0; nested types as iceberg_schema.h writes them).
// Errors name a column whose type Iceberg tables of careflow cannot hold yet (TIME, timestamps
// other than microseconds, MULTISET) or that has no field id (nested fields included).
Result<std::string> schema_json(const std::vector<ColumnSpec>& columns);

struct AppendOptions {
  std::string table_uuid;     // the table's UUID (text form)
  int64_t snapshot_id = 1;
  int64_t timestamp_ms = 0;   // the snapshot's commit time
  std::string commit_uuid;    // names the manifest files
};

// Creates a table at `location` (v1, no snapshot) and appends `files` as its first snapshot (v2);
// returns the path of v2.metadata.json. Errors: the table exists already, a file cannot be written.
Result<std::string> create_table_with_append(const std::string& location, const std::vector<ColumnSpec>& columns,
                                             const std::vector<DataFile>& files, const AppendOptions& options);

}  // namespace careflow::lake::iceberg
