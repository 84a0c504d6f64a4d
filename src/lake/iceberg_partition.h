#pragma once
// Iceberg partition specs (table spec "Partitioning"): which source column a partition field
// derives from, by which transform, and how its values appear in manifests (a record of the
// transforms' results) and in data file paths (`<name>=<human string>`).
//
// Transforms (iceberg_transform.h): identity, year, month, day, hour, bucket[N], truncate[W]. Others
// (void) are errors naming the transform, so that a spec careflow cannot evaluate is never
// written or misread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "lake/parquet_schema.h"
#include "values/value.h"

namespace careflow::lake::iceberg {

struct PartitionField {
  int32_t source_id = 0;
  int32_t field_id = 1000;  // partition field ids start at 1000 (spec)
  std::string name;         // e.g. "ts_day"
  std::string transform;    // the spec's form: "day", "identity", "bucket[16]", "truncate[4]", ...
};

struct PartitionSpec {
  int32_t spec_id = 0;
  std::vector<PartitionField> fields;
  bool unpartitioned() const { return fields.empty(); }
};

// The spec's fields as Iceberg's JSON array (what metadata and manifest headers hold).
nlohmann::json partition_fields_json(const PartitionSpec& spec);
// Reads {"spec-id": n, "fields": [...]}. Errors name the field that does not parse.
Result<PartitionSpec> partition_spec_from_json(const nlohmann::json& j);

// Checks the spec against the table's columns: every source id names a column whose type the
// transform accepts. InvalidArgument naming the field and the column otherwise.
Status check_partition_spec(const PartitionSpec& spec, const std::vector<ColumnSpec>& columns);

// A day partition of the column `source` (field id 1000 + index), named "<column>_day".
PartitionSpec day_partition(const std::vector<ColumnSpec>& columns, const std::string& column, int32_t field_id = 1000);

// A row's partition: one value per field (NULL when the source value is NULL). `columns` are the
// table's, in the row's order.
Result<std::vector<values::Value>> partition_of(const PartitionSpec& spec, const std::vector<ColumnSpec>& columns,
                                                const std::vector<values::Value>& row);

// "ts_day=2024-01-02/..." — the folder of a partition under data/ ("" when unpartitioned), each
// value's human string as Iceberg's writers show it.
std::string partition_path(const PartitionSpec& spec, const std::vector<ColumnSpec>& columns, const std::vector<values::Value>& partition);

// A spec from text as careflow's 'partition.spec' table option takes it, Spark's DDL shape with the
// spec's transform names: "day(ts), bucket(16, device_id), truncate(4, name), patient_id" (a bare
// column is identity). Field ids from `first_field_id`, names as Iceberg's defaults ("ts_day",
// "device_id_bucket", "name_trunc"). InvalidArgument naming the item that does not parse, the
// column that is missing or the transform that cannot apply to it.
Result<PartitionSpec> parse_partition_spec(std::string_view text, const std::vector<ColumnSpec>& columns, int32_t first_field_id = 1000);

// The Avro type of each partition field (optional, as Iceberg writes them), for the manifest's
// `partition` record; and the JSON of that record.
std::string partition_avro_record(const PartitionSpec& spec, const std::vector<ColumnSpec>& columns);

// The SQL type of a partition field's value (DATE for day; INT for year, month, hour and bucket;
// the source's type for identity and truncate).
values::DataType partition_value_type(const PartitionField& field, const std::vector<ColumnSpec>& columns);

}  // namespace careflow::lake::iceberg
