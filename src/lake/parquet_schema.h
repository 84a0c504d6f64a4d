#pragma once
// careflow's SQL types as Parquet columns and back (LogicalTypes.md). Leaves:
//   BOOLEAN → BOOLEAN; TINYINT / SMALLINT / INT → INT32 with INTEGER(8 / 16 / 32, signed);
//   BIGINT → INT64 with INTEGER(64, signed); FLOAT → FLOAT; DOUBLE → DOUBLE;
//   CHAR / VARCHAR / STRING → BYTE_ARRAY STRING; BINARY / VARBINARY / BYTES → BYTE_ARRAY;
//   DATE → INT32 DATE; TIME(p) → INT32 TIME(MILLIS, not UTC-adjusted);
//   TIMESTAMP(p) → INT64 TIMESTAMP(MILLIS if p ≤ 3 else MICROS, isAdjustedToUTC = false);
//   TIMESTAMP_LTZ(p) → the same with isAdjustedToUTC = true (Iceberg's timestamptz);
//   DECIMAL(p, s) → INT32 if p ≤ 9, INT64 if p ≤ 18, else FIXED_LEN_BYTE_ARRAY of the fewest bytes
//   that hold p digits, with DECIMAL(p, s); a uuid column (ColumnSpec::uuid), BINARY(16) →
//   FIXED_LEN_BYTE_ARRAY(16) UUID, and back.
// A NOT NULL type is a REQUIRED column, any other OPTIONAL. Iceberg's field id goes in field_id.
// ROW, ARRAY and MAP columns are groups of such leaves (parquet_nested.h).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "lake/parquet_metadata.h"
#include "values/types.h"

namespace careflow::lake {

// Schema levels below a column that the writer, the reader and Iceberg's schemas accept: a deeper
// type is an error, so that a hostile footer or metadata file cannot make them recurse without bound.
inline constexpr int kMaxNestingDepth = 32;

struct ColumnSpec {
  std::string name;
  values::DataType type;
  std::optional<int32_t> field_id;  // Iceberg's field id
  // Iceberg's ids of the fields below a ROW, ARRAY or MAP column, one per node of its type in
  // pre-order: a ROW's fields, an ARRAY's element, a MAP's key then value, each node before the
  // nodes below it. Empty for a primitive column (or a nested one written without ids).
  std::vector<int32_t> nested_ids = {};
  // Iceberg's uuid (which Flink's Iceberg connector reads as BINARY(16)): a top-level BINARY(16)
  // column stored as FIXED_LEN_BYTE_ARRAY(16) with the UUID annotation, its values 16 bytes each.
  bool uuid = false;
  // The same inside a ROW, ARRAY or MAP column: the nested field ids (of nested_ids) of its
  // BINARY(16) fields, elements, keys or values that are uuids.
  std::vector<int32_t> uuid_ids = {};
};

// The leaf schema element of a column; errors name the column and the type it cannot store yet.
Result<parquet::SchemaElement> column_to_parquet(const ColumnSpec& column);

// The SQL type of a leaf read from a file (annotations from LogicalType, else ConvertedType);
// errors name the column and what careflow cannot read yet (INT96, nanosecond timestamps, ...).
Result<ColumnSpec> column_from_parquet(const parquet::SchemaElement& element);

// Bytes of a FIXED_LEN_BYTE_ARRAY that holds every unscaled value of `precision` digits.
int32_t decimal_bytes_for_precision(int precision);

}  // namespace careflow::lake
