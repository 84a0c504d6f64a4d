#pragma once
// Reading an Iceberg v2 table's metadata (table spec "Table Metadata") from a local table
// location laid out as careflow writes it (Hadoop-style):
//   <location>/metadata/v<N>.metadata.json   one file per committed version, never rewritten
//   <location>/metadata/version-hint.text    N, a hint: a newer version may exist (a committer
//                                            that died between the two renames), so readers probe
//                                            v<N+1>, v<N+2>, ... until one is missing.
// The document is kept whole (TableMetadata::json) so that the next version copies what careflow
// does not interpret (properties, sort orders, refs of other branches).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "lake/iceberg_partition.h"
#include "lake/iceberg_schema.h"
#include "lake/parquet_schema.h"

namespace careflow::lake::iceberg {

struct Snapshot {
  int64_t snapshot_id = 0;
  std::optional<int64_t> parent_snapshot_id;
  int64_t sequence_number = 0;
  int64_t timestamp_ms = 0;
  std::string manifest_list;
  std::map<std::string, std::string> summary;  // "operation", "added-records", ...
  int32_t schema_id = 0;
};

struct TableMetadata {
  std::string path;     // the metadata file read
  int64_t version = 0;  // its N
  nlohmann::json json;  // the whole document
  std::string location;
  std::string table_uuid;
  int64_t last_sequence_number = 0;
  int64_t last_updated_ms = 0;
  std::string schema_json;          // the current schema, as the metadata holds it
  std::vector<ColumnSpec> columns;  // the current schema's columns (field ids set)
  PartitionSpec spec;               // the default spec
  std::optional<int64_t> current_snapshot_id;
  std::vector<Snapshot> snapshots;  // in the metadata's order (oldest first)
  std::map<std::string, std::string> properties;

  const Snapshot* current() const { return current_snapshot_id ? find(*current_snapshot_id) : nullptr; }
  const Snapshot* find(int64_t snapshot_id) const;
  // The current snapshot and its ancestors, newest first.
  std::vector<const Snapshot*> ancestry() const;
};

// "<location>/metadata/v<version>.metadata.json"
std::string metadata_file(const std::string& location, int64_t version);

// The newest committed version at `location` (hint, then probing). NotFound naming the location
// when it holds no table.
Result<int64_t> current_version(const std::string& location);

// Parses a metadata document. Corruption naming `path` and what is wrong (a missing key, a type
// careflow cannot read, a format version other than 2).
Result<TableMetadata> parse_metadata(const std::string& path, const std::string& text);

// The current metadata of the table at `location`.
Result<TableMetadata> load_table(const std::string& location);

}  // namespace careflow::lake::iceberg
