#pragma once
// Flink SQL's logical types (org.apache.flink.table.types.logical): what a column holds, its
// precision, scale and nullability. STRING is VARCHAR(2147483647) and BYTES VARBINARY(2147483647),
// as in Flink, and both print back under their short names.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace careflow::values {

enum class TypeId {
  kNull,  // the type of a bare NULL literal before it meets a context
  kBoolean,
  kTinyInt,
  kSmallInt,
  kInt,
  kBigInt,
  kFloat,
  kDouble,
  kDecimal,
  kChar,
  kVarChar,
  kBinary,
  kVarBinary,
  kDate,
  kTime,
  kTimestamp,
  kTimestampLtz,
  kIntervalDayTime,    // stored as milliseconds
  kIntervalYearMonth,  // stored as months
  kArray,
  kMap,
  kRow,
  kMultiset,
};

// Time attributes travel with the TIMESTAMP type, as in Flink: a column declared as
// PROCTIME() or as the WATERMARK FOR column is a time attribute until an operator materializes it.
enum class TimeAttribute { kNone, kProctime, kRowtime };

struct DataType {
  static constexpr int kMaxLength = 2147483647;

  TypeId id = TypeId::kNull;
  bool nullable = true;
  int precision = 0;  // DECIMAL precision, CHAR/VARCHAR/BINARY length, TIME/TIMESTAMP fraction digits
  int scale = 0;      // DECIMAL scale
  TimeAttribute time_attribute = TimeAttribute::kNone;
  std::vector<DataType> children;  // ARRAY: element; MAP: key, value; ROW: fields; MULTISET: element
  std::vector<std::string> field_names;  // ROW only

  static DataType of(TypeId id) { DataType t; t.id = id; return t; }
  static DataType boolean() { return of(TypeId::kBoolean); }
  static DataType integer() { return of(TypeId::kInt); }
  static DataType bigint() { return of(TypeId::kBigInt); }
  static DataType double_type() { return of(TypeId::kDouble); }
  static DataType string() { return varchar(kMaxLength); }
  static DataType varchar(int length) { DataType t = of(TypeId::kVarChar); t.precision = length; return t; }
  static DataType chars(int length) { DataType t = of(TypeId::kChar); t.precision = length; return t; }
  static DataType bytes() { DataType t = of(TypeId::kVarBinary); t.precision = kMaxLength; return t; }
  static DataType decimal(int precision, int scale) {
    DataType t = of(TypeId::kDecimal);
    t.precision = precision;
    t.scale = scale;
    return t;
  }
  static DataType timestamp(int precision) { DataType t = of(TypeId::kTimestamp); t.precision = precision; return t; }
  static DataType timestamp_ltz(int precision) {
    DataType t = of(TypeId::kTimestampLtz);
    t.precision = precision;
    return t;
  }
  static DataType date() { return of(TypeId::kDate); }
  static DataType time(int precision) { DataType t = of(TypeId::kTime); t.precision = precision; return t; }
  static DataType array(DataType element) { DataType t = of(TypeId::kArray); t.children.push_back(std::move(element)); return t; }
  static DataType map(DataType key, DataType value) {
    DataType t = of(TypeId::kMap);
    t.children = {std::move(key), std::move(value)};
    return t;
  }

  DataType with_nullable(bool n) const { DataType t = *this; t.nullable = n; return t; }
  DataType without_time_attribute() const { DataType t = *this; t.time_attribute = TimeAttribute::kNone; return t; }

  bool is_integer() const;   // TINYINT .. BIGINT
  bool is_numeric() const;   // integers, FLOAT, DOUBLE, DECIMAL
  bool is_approximate() const { return id == TypeId::kFloat || id == TypeId::kDouble; }
  bool is_string() const { return id == TypeId::kChar || id == TypeId::kVarChar; }
  bool is_binary() const { return id == TypeId::kBinary || id == TypeId::kVarBinary; }
  bool is_timestamp() const { return id == TypeId::kTimestamp || id == TypeId::kTimestampLtz; }
  bool is_temporal() const { return id == TypeId::kDate || id == TypeId::kTime || is_timestamp(); }
  bool is_interval() const { return id == TypeId::kIntervalDayTime || id == TypeId::kIntervalYearMonth; }

  // Flink's summary string: "INT NOT NULL", "STRING", "DECIMAL(10, 2)", "TIMESTAMP(3) *ROWTIME*",
  // "ARRAY<STRING>", "ROW<`a` INT, `b` STRING>".
  std::string to_string() const;
  // Same ignoring nullability and time attributes: what a cast or a column match compares.
  bool same_logical_type(const DataType& other) const;
  bool operator==(const DataType& other) const;
};

// Integer types ordered by width: TINYINT < SMALLINT < INT < BIGINT.
int integer_rank(TypeId id);

// Java's narrowing of a long to byte / short / int (keep the low bits): how Flink's integer
// arithmetic overflows and how CAST narrows integers.
inline int64_t wrap_to_width(int64_t v, TypeId to) {
  switch (to) {
    case TypeId::kTinyInt: return static_cast<int8_t>(static_cast<uint64_t>(v));
    case TypeId::kSmallInt: return static_cast<int16_t>(static_cast<uint64_t>(v));
    case TypeId::kInt: return static_cast<int32_t>(static_cast<uint64_t>(v));
    default: return v;
  }
}

// The type both operands of a comparison, a CASE, a UNION or a COALESCE are converted to, by
// Flink's implicit-cast rules (LogicalTypeMerging#findCommonType); false when they have none.
bool find_common_type(const DataType& a, const DataType& b, DataType* out);

// Whether Flink casts `from` to `to` implicitly (e.g. INT to BIGINT, INT to DECIMAL, any to
// STRING is not implicit).
bool is_implicit_cast(const DataType& from, const DataType& to);

// Whether CAST(from AS to) is valid at all (explicit cast rules).
bool is_explicit_cast(const DataType& from, const DataType& to);

// Decimal precision and scale of an integer type viewed as a DECIMAL: INT is DECIMAL(10, 0).
DataType integer_as_decimal(TypeId id);

}  // namespace careflow::values
