#include "lake/iceberg_table.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "lake/iceberg_commit.h"
#include "lake/iceberg_manifest.h"
#include "lake/parquet_reader.h"
#include "lake/storage.h"

namespace careflow::lake::iceberg {

using nlohmann::json;
using values::DataType;
using values::TypeId;
using values::Value;

namespace {

Result<std::string> iceberg_type(const ColumnSpec& c) {
  const DataType& t = c.type;
  switch (t.id) {
    case TypeId::kBoolean: return std::string("boolean");
    case TypeId::kTinyInt:
    case TypeId::kSmallInt:
    case TypeId::kInt: return std::string("int");
    case TypeId::kBigInt: return std::string("long");
    case TypeId::kFloat: return std::string("float");
    case TypeId::kDouble: return std::string("double");
    case TypeId::kDecimal: return fmt::format("decimal({}, {})", t.precision, t.scale);
    case TypeId::kChar:
    case TypeId::kVarChar: return std::string("string");
    case TypeId::kBinary:
    case TypeId::kVarBinary: return std::string("binary");
    case TypeId::kDate: return std::string("date");
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz:
      // Iceberg's timestamps are microseconds; careflow writes TIMESTAMP(p ≤ 3) in milliseconds.
      if (t.precision != 6) break;
      return std::string(t.id == TypeId::kTimestamp ? "timestamp" : "timestamptz");
    default: break;
  }
  return Status::invalid_argument(fmt::format("column '{}': type {} is not supported in careflow's Iceberg tables yet{}", c.name,
                                              t.to_string(), t.is_timestamp() ? " (declare it with precision 6)" : ""));
}

}  // namespace

Result<std::string> schema_json(const std::vector<ColumnSpec>& columns) {
  json fields = json::array();
  for (const ColumnSpec& c : columns) {
    if (!c.field_id) return Status::invalid_argument(fmt::format("column '{}' has no Iceberg field id", c.name));
    CF_ASSIGN_OR_RETURN(std::string type, iceberg_type(c));
    fields.push_back({{"id", *c.field_id}, {"name", c.name}, {"required", !c.type.nullable}, {"type", type}});
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
    std::optional<Value> lo, hi;
    bool bounds = reader->num_row_groups() > 0;
    int64_t nulls = 0;
    bool nulls_known = true;
    for (size_t g = 0; g < reader->num_row_groups(); ++g) {
      ColumnStatistics s = reader->statistics(g, c);
      if (s.null_count) nulls += *s.null_count; else nulls_known = false;
      int64_t values = reader->metadata().row_groups[g].columns[c].meta_data->num_values;
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
