#include "lake/iceberg_table.h"

#include <fmt/format.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "lake/parquet_reader.h"
#include "serde/avro_container.h"

namespace careflow::lake::iceberg {

using nlohmann::json;
using serde::avro::Datum;
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

template <typename T>
std::string little_endian(T v) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &v, sizeof(T));
  return s;
}

// Appendix D, single-value serialization.
std::string serialize_bound(const DataType& t, const Value& v) {
  switch (t.id) {
    case TypeId::kBoolean: return std::string(1, v.as_bool() ? '\1' : '\0');
    case TypeId::kTinyInt:
    case TypeId::kSmallInt:
    case TypeId::kInt:
    case TypeId::kDate: return little_endian(static_cast<int32_t>(v.as_int()));
    case TypeId::kFloat: return little_endian(static_cast<float>(v.as_double()));
    case TypeId::kDouble: return little_endian(v.as_double());
    case TypeId::kChar:
    case TypeId::kVarChar: return v.as_string();
    case TypeId::kBinary:
    case TypeId::kVarBinary: return v.as_bytes();
    case TypeId::kDecimal: {
      // The unscaled value as big-endian two's complement in the fewest bytes.
      auto u = static_cast<values::uint128>(v.as_decimal());
      std::string out;
      for (int i = 15; i >= 0; --i) out.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
      size_t skip = 0;
      while (skip + 1 < out.size() &&
             ((out[skip] == '\0' && !(out[skip + 1] & 0x80)) || (out[skip] == '\xff' && (out[skip + 1] & 0x80)))) {
        ++skip;
      }
      return out.substr(skip);
    }
    default: return little_endian(v.as_int());  // BIGINT, timestamps (µs)
  }
}

Status write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return Status::io_error(fmt::format("writing {}", path.string()));
  return Status::ok();
}

// Iceberg's maps in Avro: arrays of key/value records, with the key and value field ids.
std::string map_field(const char* name, int id, int key_id, int value_id, const char* value_type) {
  return fmt::format(
      R"({{"name": "{}", "type": ["null", {{"type": "array", "logicalType": "map", "items": {{"type": "record", "name": "k{}_v{}", )"
      R"("fields": [{{"name": "key", "type": "int", "field-id": {}}}, {{"name": "value", "type": "{}", "field-id": {}}}]}}}}], )"
      R"("default": null, "field-id": {}}})",
      name, key_id, value_id, key_id, value_type, value_id, id);
}

std::string manifest_schema() {
  return fmt::format(
      R"({{"type": "record", "name": "manifest_entry", "fields": [)"
      R"({{"name": "status", "type": "int", "field-id": 0}}, )"
      R"({{"name": "snapshot_id", "type": ["null", "long"], "default": null, "field-id": 1}}, )"
      R"({{"name": "sequence_number", "type": ["null", "long"], "default": null, "field-id": 3}}, )"
      R"({{"name": "file_sequence_number", "type": ["null", "long"], "default": null, "field-id": 4}}, )"
      R"({{"name": "data_file", "field-id": 2, "type": {{"type": "record", "name": "r2", "fields": [)"
      R"({{"name": "content", "type": "int", "field-id": 134}}, )"
      R"({{"name": "file_path", "type": "string", "field-id": 100}}, )"
      R"({{"name": "file_format", "type": "string", "field-id": 101}}, )"
      R"({{"name": "partition", "type": {{"type": "record", "name": "r102", "fields": []}}, "field-id": 102}}, )"
      R"({{"name": "record_count", "type": "long", "field-id": 103}}, )"
      R"({{"name": "file_size_in_bytes", "type": "long", "field-id": 104}}, )"
      "{}, {}, {}, {}, {}, {}, "
      R"({{"name": "key_metadata", "type": ["null", "bytes"], "default": null, "field-id": 131}}, )"
      R"({{"name": "split_offsets", "type": ["null", {{"type": "array", "items": "long", "element-id": 133}}], "default": null, "field-id": 132}}, )"
      R"({{"name": "equality_ids", "type": ["null", {{"type": "array", "items": "int", "element-id": 136}}], "default": null, "field-id": 135}}, )"
      R"({{"name": "sort_order_id", "type": ["null", "int"], "default": null, "field-id": 140}}]}}}}]}})",
      map_field("column_sizes", 108, 117, 118, "long"), map_field("value_counts", 109, 119, 120, "long"),
      map_field("null_value_counts", 110, 121, 122, "long"), map_field("nan_value_counts", 137, 138, 139, "long"),
      map_field("lower_bounds", 125, 126, 127, "bytes"), map_field("upper_bounds", 128, 129, 130, "bytes"));
}

const char* kManifestListSchema =
    R"({"type": "record", "name": "manifest_file", "fields": [)"
    R"({"name": "manifest_path", "type": "string", "field-id": 500}, )"
    R"({"name": "manifest_length", "type": "long", "field-id": 501}, )"
    R"({"name": "partition_spec_id", "type": "int", "field-id": 502}, )"
    R"({"name": "content", "type": "int", "field-id": 517}, )"
    R"({"name": "sequence_number", "type": "long", "field-id": 515}, )"
    R"({"name": "min_sequence_number", "type": "long", "field-id": 516}, )"
    R"({"name": "added_snapshot_id", "type": "long", "field-id": 503}, )"
    R"({"name": "added_files_count", "type": "int", "field-id": 504}, )"
    R"({"name": "existing_files_count", "type": "int", "field-id": 505}, )"
    R"({"name": "deleted_files_count", "type": "int", "field-id": 506}, )"
    R"({"name": "added_rows_count", "type": "long", "field-id": 512}, )"
    R"({"name": "existing_rows_count", "type": "long", "field-id": 513}, )"
    R"({"name": "deleted_rows_count", "type": "long", "field-id": 514}, )"
    R"({"name": "partitions", "type": ["null", {"type": "array", "items": {"type": "record", "name": "r508", "fields": [)"
    R"({"name": "contains_null", "type": "boolean", "field-id": 509}, )"
    R"({"name": "contains_nan", "type": ["null", "boolean"], "default": null, "field-id": 518}, )"
    R"({"name": "lower_bound", "type": ["null", "bytes"], "default": null, "field-id": 510}, )"
    R"({"name": "upper_bound", "type": ["null", "bytes"], "default": null, "field-id": 511}]}, "element-id": 508}], )"
    R"("default": null, "field-id": 507}, )"
    R"({"name": "key_metadata", "type": ["null", "bytes"], "default": null, "field-id": 519}]})";

// NULL in a ["null", ...] union.
Datum none() { return Datum::branch(0, Datum::null()); }

template <typename V>
Datum map_datum(const std::map<int32_t, V>& m, Datum (*value)(const V&)) {
  std::vector<Datum> entries;
  for (const auto& [k, v] : m) entries.push_back(Datum::list({Datum::integer(k), value(v)}));
  return Datum::branch(1, Datum::list(std::move(entries)));
}

Datum data_file_entry(const DataFile& f, int64_t snapshot_id) {
  auto count = [](const int64_t& v) { return Datum::integer(v); };
  auto bytes = [](const std::string& v) { return Datum::text(v); };
  Datum data_file = Datum::list({
      Datum::integer(0),  // content: data
      Datum::text(f.path), Datum::text("PARQUET"), Datum::list({}), Datum::integer(f.record_count),
      Datum::integer(f.file_size_in_bytes),
      none(),  // column_sizes
      map_datum<int64_t>(f.value_counts, count), map_datum<int64_t>(f.null_value_counts, count),
      none(),  // nan_value_counts
      map_datum<std::string>(f.lower_bounds, bytes), map_datum<std::string>(f.upper_bounds, bytes),
      none(), none(), none(), none(),  // key_metadata, split_offsets, equality_ids, sort_order_id
  });
  // status ADDED (1), the snapshot; sequence numbers null: inherited from the manifest list.
  return Datum::list({Datum::integer(1), Datum::branch(1, Datum::integer(snapshot_id)), none(), none(), std::move(data_file)});
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
  f.path = std::filesystem::absolute(path).string();
  f.record_count = reader->num_rows();
  f.file_size_in_bytes = static_cast<int64_t>(std::filesystem::file_size(path));
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
  namespace fs = std::filesystem;
  CF_ASSIGN_OR_RETURN(std::string schema, schema_json(columns));
  const fs::path metadata_dir = fs::absolute(location) / "metadata";
  const fs::path metadata_path = metadata_dir / "v1.metadata.json";
  if (fs::exists(metadata_path)) return Status::already_exists(fmt::format("{} exists: the table was created already", metadata_path.string()));
  std::error_code ec;
  fs::create_directories(metadata_dir, ec);
  if (ec) return Status::io_error(fmt::format("creating {}: {}", metadata_dir.string(), ec.message()));

  // The manifest: one ADDED entry per data file.
  CF_ASSIGN_OR_RETURN(auto manifest,
                      serde::avro::ContainerWriter::create(manifest_schema(), serde::avro::Codec::kDeflate,
                                                           {{"schema", schema}, {"schema-id", "0"}, {"partition-spec", "[]"},
                                                            {"partition-spec-id", "0"}, {"format-version", "2"}, {"content", "data"}}));
  int64_t rows = 0;
  for (const DataFile& f : files) {
    CF_RETURN_IF_ERROR(manifest.append(data_file_entry(f, o.snapshot_id)));
    rows += f.record_count;
  }
  CF_ASSIGN_OR_RETURN(std::string manifest_bytes, manifest.finish());
  const fs::path manifest_path = metadata_dir / fmt::format("{}-m0.avro", o.commit_uuid);
  CF_RETURN_IF_ERROR(write_file(manifest_path, manifest_bytes));

  // The manifest list: that manifest, sequence number 1.
  CF_ASSIGN_OR_RETURN(auto list, serde::avro::ContainerWriter::create(
                                     kManifestListSchema, serde::avro::Codec::kDeflate,
                                     {{"snapshot-id", std::to_string(o.snapshot_id)}, {"parent-snapshot-id", "null"},
                                      {"sequence-number", "1"}, {"format-version", "2"}}));
  CF_RETURN_IF_ERROR(list.append(Datum::list({
      Datum::text(manifest_path.string()), Datum::integer(static_cast<int64_t>(manifest_bytes.size())), Datum::integer(0),
      Datum::integer(0), Datum::integer(1), Datum::integer(1), Datum::integer(o.snapshot_id),
      Datum::integer(static_cast<int64_t>(files.size())), Datum::integer(0), Datum::integer(0), Datum::integer(rows),
      Datum::integer(0), Datum::integer(0), Datum::branch(1, Datum::list({})), none(),
  })));
  CF_ASSIGN_OR_RETURN(std::string list_bytes, list.finish());
  const fs::path list_path = metadata_dir / fmt::format("snap-{}-1-{}.avro", o.snapshot_id, o.commit_uuid);
  CF_RETURN_IF_ERROR(write_file(list_path, list_bytes));

  int32_t last_column_id = 0;
  for (const ColumnSpec& c : columns) last_column_id = std::max(last_column_id, *c.field_id);
  json snapshot = {
      {"snapshot-id", o.snapshot_id},
      {"sequence-number", 1},
      {"timestamp-ms", o.timestamp_ms},
      {"summary", {{"operation", "append"}, {"added-data-files", std::to_string(files.size())}, {"added-records", std::to_string(rows)},
                   {"total-data-files", std::to_string(files.size())}, {"total-records", std::to_string(rows)},
                   {"total-delete-files", "0"}, {"total-position-deletes", "0"}, {"total-equality-deletes", "0"}}},
      {"manifest-list", list_path.string()},
      {"schema-id", 0},
  };
  json metadata = {
      {"format-version", 2},
      {"table-uuid", o.table_uuid},
      {"location", fs::absolute(location).string()},
      {"last-sequence-number", 1},
      {"last-updated-ms", o.timestamp_ms},
      {"last-column-id", last_column_id},
      {"current-schema-id", 0},
      {"schemas", json::array({json::parse(schema)})},
      {"default-spec-id", 0},
      {"partition-specs", json::array({{{"spec-id", 0}, {"fields", json::array()}}})},
      {"last-partition-id", 999},
      {"default-sort-order-id", 0},
      {"sort-orders", json::array({{{"order-id", 0}, {"fields", json::array()}}})},
      {"properties", {{"write.format.default", "parquet"}}},
      {"current-snapshot-id", o.snapshot_id},
      {"refs", {{"main", {{"snapshot-id", o.snapshot_id}, {"type", "branch"}}}}},
      {"snapshots", json::array({snapshot})},
      {"snapshot-log", json::array({{{"snapshot-id", o.snapshot_id}, {"timestamp-ms", o.timestamp_ms}}})},
      {"metadata-log", json::array()},
  };
  CF_RETURN_IF_ERROR(write_file(metadata_path, metadata.dump(2)));
  CF_RETURN_IF_ERROR(write_file(metadata_dir / "version-hint.text", "1"));
  return metadata_path.string();
}

}  // namespace careflow::lake::iceberg
