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
    if (!column.field_id) return Status::invalid_argument(fmt::format("{}: column '{}' has no field id", path, column.name));
    int32_t id = *column.field_id;
    // Iceberg keeps metrics per primitive field; careflow records none for the leaves of a ROW,
    // ARRAY or MAP column (they are optional in a manifest).
    std::optional<size_t> chunk = reader->chunk_of_column(c);
    if (!chunk) continue;
    std::optional<Value> lo, hi;
    bool bounds = reader->num_row_groups() > 0;
    int64_t nulls = 0;
    bool nulls_known = true;
    for (size_t g = 0; g < reader->num_row_groups(); ++g) {
      ColumnStatistics s = reader->statistics(g, c);
      if (s.null_count) nulls += *s.null_count; else nulls_known = false;
      int64_t values = reader->metadata().row_groups[g].columns[*chunk].meta_data->num_values;
      if (s.null_count && *s.null_count == values) continue;  // all NULL: no bounds to add
      if (!s.min || !s.max) { bounds = false; continue; }
      if (!lo || values::compare_values(*s.min, *lo) < 0) lo = s.min;
      if (!hi || values::compare_values(*hi, *s.max) < 0) hi = s.max;
    }
    f.value_counts[id] = f.record_count;
    if (nulls_known) f.null_value_counts[id] = nulls;
    if (bounds && lo && hi) {
      f.lower_bounds[id] = serialize_bound(column.type, *lo);
      f.upper_bounds[id] = serialize_bound(column.type, *hi);
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
