#include "lake/iceberg_table.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "lake/iceberg_commit.h"
#include "lake/iceberg_manifest.h"
#include "lake/iceberg_schema.h"
#include "lake/parquet_reader.h"
#include "lake/storage.h"

namespace careflow::lake::iceberg {

using nlohmann::json;
using values::DataType;
using values::TypeId;
using values::Value;

Result<std::string> schema_json(const std::vector<ColumnSpec>& columns) {
  json fields = json::array();
  for (const ColumnSpec& c : columns) {
    CF_ASSIGN_OR_RETURN(json field, column_to_iceberg(c));
    fields.push_back(std::move(field));
  }
  return json{{"type", "struct"}, {"schema-id", 0}, {"fields", fields}}.dump();
}

Result<DataFile> data_file_from_parquet(const std::string& path) {
  CF_ASSIGN_OR_RETURN(auto reader, ParquetReader::open(path));
  DataFile f;
  f.path = normalize_location(path);
  f.record_count = reader->num_rows();
  f.file_size_in_bytes = reader->file_size();
  for (size_t c = 0; c < reader->columns().size(); ++c) {
    const ColumnSpec& column = reader->columns()[c];
    if (!column.field_id && reader->chunk_of_column(c)) {
      return Status::invalid_argument(fmt::format("{}: column '{}' has no field id", path, column.name));
    }
  }
  // Metrics per leaf field id, as Iceberg's Java writer derives them from a Parquet footer: the
  // bytes of every leaf; counts and bounds only for a leaf that no list or map encloses (its
  // repetition level is 0), whose values are one per row (a NULL struct above it counts as NULL).
  const parquet::FileMetaData& meta = reader->metadata();
  for (size_t leaf = 0; leaf < reader->leaves().size(); ++leaf) {
    const LeafColumn& l = reader->leaves()[leaf];
    if (!l.element.field_id) continue;  // a nested field written without ids
    const int32_t id = *l.element.field_id;
    int64_t bytes = 0;
    for (const parquet::RowGroup& g : meta.row_groups) bytes += g.columns[leaf].meta_data->total_compressed_size;
    f.column_sizes[id] = bytes;
    if (l.max_rep > 0) continue;
    std::optional<Value> lo, hi;
    bool bounds = reader->num_row_groups() > 0;
    int64_t nulls = 0, value_count = 0;
    bool nulls_known = true;
    for (size_t g = 0; g < reader->num_row_groups(); ++g) {
      ColumnStatistics s = reader->chunk_statistics(g, leaf);
      const int64_t chunk_values = meta.row_groups[g].columns[leaf].meta_data->num_values;
      value_count += chunk_values;
      if (s.null_count) nulls += *s.null_count; else nulls_known = false;
      if (s.null_count && *s.null_count == chunk_values) continue;  // all NULL: no bounds to add
      if (!s.min || !s.max) { bounds = false; continue; }
      if (!lo || values::compare_values(*s.min, *lo) < 0) lo = s.min;
      if (!hi || values::compare_values(*hi, *s.max) < 0) hi = s.max;
    }
    f.value_counts[id] = value_count;
    if (nulls_known) f.null_value_counts[id] = nulls;
    if (bounds && lo && hi) {
      f.lower_bounds[id] = serialize_bound(l.type, *lo);
      f.upper_bounds[id] = serialize_bound(l.type, *hi);
    }
  }
  return f;
}

Result<std::string> create_table_with_append(const std::string& location, const std::vector<ColumnSpec>& columns,
                                             const std::vector<DataFile>& files, const AppendOptions& o) {
  CF_ASSIGN_OR_RETURN(TableMetadata created, create_table(location, columns, {o.table_uuid, {}, {}, o.timestamp_ms}));
  CF_RETURN_IF_ERROR(commit_append(created, files, {o.snapshot_id, o.timestamp_ms, o.commit_uuid, {}, 0, 0}).status());
  return metadata_file(created.location, 2);
}

}  // namespace careflow::lake::iceberg
