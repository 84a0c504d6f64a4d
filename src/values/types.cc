#include "values/types.h"

#include <fmt/format.h>

#include <algorithm>

namespace careflow::values {

bool DataType::is_integer() const {
  return id == TypeId::kTinyInt || id == TypeId::kSmallInt || id == TypeId::kInt || id == TypeId::kBigInt;
}

bool DataType::is_numeric() const { return is_integer() || is_approximate() || id == TypeId::kDecimal; }

int integer_rank(TypeId id) {
  switch (id) {
    case TypeId::kTinyInt: return 1;
    case TypeId::kSmallInt: return 2;
    case TypeId::kInt: return 3;
    case TypeId::kBigInt: return 4;
    default: return 0;
  }
}

DataType integer_as_decimal(TypeId id) {
  switch (id) {
    case TypeId::kTinyInt: return DataType::decimal(3, 0);
    case TypeId::kSmallInt: return DataType::decimal(5, 0);
    case TypeId::kInt: return DataType::decimal(10, 0);
    default: return DataType::decimal(19, 0);
  }
}

namespace {

std::string base_name(const DataType& t) {
  switch (t.id) {
    case TypeId::kNull: return "NULL";
    case TypeId::kBoolean: return "BOOLEAN";
    case TypeId::kTinyInt: return "TINYINT";
    case TypeId::kSmallInt: return "SMALLINT";
    case TypeId::kInt: return "INT";
    case TypeId::kBigInt: return "BIGINT";
    case TypeId::kFloat: return "FLOAT";
    case TypeId::kDouble: return "DOUBLE";
    case TypeId::kDecimal: return fmt::format("DECIMAL({}, {})", t.precision, t.scale);
    case TypeId::kChar: return fmt::format("CHAR({})", t.precision);
    case TypeId::kVarChar:
      return t.precision == DataType::kMaxLength ? "STRING" : fmt::format("VARCHAR({})", t.precision);
    case TypeId::kBinary: return fmt::format("BINARY({})", t.precision);
    case TypeId::kVarBinary:
      return t.precision == DataType::kMaxLength ? "BYTES" : fmt::format("VARBINARY({})", t.precision);
    case TypeId::kDate: return "DATE";
    case TypeId::kTime: return fmt::format("TIME({})", t.precision);
    case TypeId::kTimestamp: return fmt::format("TIMESTAMP({})", t.precision);
    case TypeId::kTimestampLtz: return fmt::format("TIMESTAMP_LTZ({})", t.precision);
    case TypeId::kIntervalDayTime: return "INTERVAL SECOND(3)";
    case TypeId::kIntervalYearMonth: return "INTERVAL MONTH";
    case TypeId::kArray: return fmt::format("ARRAY<{}>", t.children[0].to_string());
    case TypeId::kMultiset: return fmt::format("MULTISET<{}>", t.children[0].to_string());
    case TypeId::kMap: return fmt::format("MAP<{}, {}>", t.children[0].to_string(), t.children[1].to_string());
    case TypeId::kRow: {
      std::string out = "ROW<";
      for (size_t i = 0; i < t.children.size(); ++i) {
        if (i) out += ", ";
        out += fmt::format("`{}` {}", t.field_names[i], t.children[i].to_string());
      }
      return out + ">";
    }
  }
  return "?";
}

}  // namespace

std::string DataType::to_string() const {
  std::string out = base_name(*this);
  if (!nullable) out += " NOT NULL";
  if (time_attribute == TimeAttribute::kRowtime) out += " *ROWTIME*";
  if (time_attribute == TimeAttribute::kProctime) out += " *PROCTIME*";
  return out;
}

bool DataType::same_logical_type(const DataType& other) const {
  if (id != other.id || precision != other.precision || scale != other.scale) return false;
  if (children.size() != other.children.size()) return false;
  for (size_t i = 0; i < children.size(); ++i) {
    if (!children[i].same_logical_type(other.children[i])) return false;
  }
  return true;
}

bool DataType::operator==(const DataType& other) const {
  return same_logical_type(other) && nullable == other.nullable && field_names == other.field_names;
}

namespace {

DataType as_decimal(const DataType& t) { return t.id == TypeId::kDecimal ? t : integer_as_decimal(t.id); }

}  // namespace

bool find_common_type(const DataType& a, const DataType& b, DataType* out) {
  const bool nullable = a.nullable || b.nullable;
  if (a.id == TypeId::kNull) { *out = b.with_nullable(true); return true; }
  if (b.id == TypeId::kNull) { *out = a.with_nullable(true); return true; }
  DataType result;
  if (a.same_logical_type(b)) {
    result = a;
  } else if (a.is_numeric() && b.is_numeric()) {
    if (a.is_approximate() || b.is_approximate()) {
      // FLOAT meets only FLOAT to stay FLOAT; anything else with an approximate type is DOUBLE.
      result = DataType::of(a.id == TypeId::kFloat && b.id == TypeId::kFloat ? TypeId::kFloat : TypeId::kDouble);
    } else if (a.id == TypeId::kDecimal || b.id == TypeId::kDecimal) {
      DataType da = as_decimal(a), db = as_decimal(b);
      int scale = std::max(da.scale, db.scale);
      int integral = std::max(da.precision - da.scale, db.precision - db.scale);
      result = DataType::decimal(std::min(38, integral + scale), scale);
    } else {
      result = DataType::of(integer_rank(a.id) >= integer_rank(b.id) ? a.id : b.id);
    }
  } else if (a.is_string() && b.is_string()) {
    // Flink converts ragged CHAR unions to VARCHAR (FlinkTypeSystem#shouldConvertRaggedUnionTypesToVarying),
    // so CASE WHEN .. THEN 'a' ELSE 'bb' END is 'a', not 'a '.
    if (a.id == TypeId::kChar && b.id == TypeId::kChar && a.precision == b.precision) {
      result = a;
    } else {
      result = DataType::varchar(std::max(a.precision, b.precision));
    }
  } else if (a.is_binary() && b.is_binary()) {
    result = DataType::of(TypeId::kVarBinary);
    result.precision = std::max(a.precision, b.precision);
  } else if (a.is_timestamp() && b.is_timestamp()) {
    result = a.id == b.id ? a : DataType::timestamp_ltz(0);
    result.precision = std::max(a.precision, b.precision);
  } else if ((a.is_timestamp() && b.id == TypeId::kDate) || (b.is_timestamp() && a.id == TypeId::kDate)) {
    result = a.is_timestamp() ? a : b;
  } else if (a.id == TypeId::kTime && b.id == TypeId::kTime) {
    result = DataType::time(std::max(a.precision, b.precision));
  } else if (a.id == b.id && (a.id == TypeId::kArray || a.id == TypeId::kMultiset)) {
    DataType element;
    if (!find_common_type(a.children[0], b.children[0], &element)) return false;
    result = a;
    result.children[0] = element;
  } else if (a.id == b.id && a.id == TypeId::kMap) {
    DataType k, v;
    if (!find_common_type(a.children[0], b.children[0], &k) || !find_common_type(a.children[1], b.children[1], &v)) {
      return false;
    }
    result = DataType::map(k, v);
  } else if (a.id == b.id && a.id == TypeId::kRow && a.children.size() == b.children.size()) {
    result = a;
    for (size_t i = 0; i < a.children.size(); ++i) {
      if (!find_common_type(a.children[i], b.children[i], &result.children[i])) return false;
    }
  } else if (a.id == b.id && a.is_interval()) {
    result = a;
  } else {
    return false;
  }
  result.nullable = nullable;
  result.time_attribute = TimeAttribute::kNone;
  *out = result;
  return true;
}

bool is_implicit_cast(const DataType& from, const DataType& to) {
  if (from.id == TypeId::kNull || from.same_logical_type(to)) return true;
  if (from.is_numeric() && to.is_numeric()) {
    if (from.is_integer() && to.is_integer()) return integer_rank(from.id) <= integer_rank(to.id);
    if (to.is_approximate()) return !(from.id == TypeId::kDouble && to.id == TypeId::kFloat);
    if (to.id == TypeId::kDecimal) return !from.is_approximate();
    return false;
  }
  if (from.is_string() && to.is_string()) return true;
  if (from.is_binary() && to.is_binary()) return true;
  if (from.is_timestamp() && to.is_timestamp()) return true;
  if (from.id == TypeId::kDate && to.is_timestamp()) return true;
  if (from.id == to.id && (from.id == TypeId::kArray || from.id == TypeId::kMultiset)) {
    return is_implicit_cast(from.children[0], to.children[0]);
  }
  if (from.id == to.id && from.id == TypeId::kMap) {
    return is_implicit_cast(from.children[0], to.children[0]) && is_implicit_cast(from.children[1], to.children[1]);
  }
  if (from.id == to.id && from.id == TypeId::kRow && from.children.size() == to.children.size()) {
    for (size_t i = 0; i < from.children.size(); ++i) {
      if (!is_implicit_cast(from.children[i], to.children[i])) return false;
    }
    return true;
  }
  return false;
}

bool is_explicit_cast(const DataType& from, const DataType& to) {
  if (is_implicit_cast(from, to)) return true;
  if (to.is_string()) return from.id != TypeId::kMultiset;  // everything prints
  if (from.is_string()) {
    return to.is_numeric() || to.is_temporal() || to.id == TypeId::kBoolean || to.is_binary();
  }
  if (from.is_numeric() && (to.is_numeric() || to.id == TypeId::kBoolean || to.is_timestamp())) return true;
  if (from.id == TypeId::kBoolean && to.is_numeric()) return true;
  if (from.is_timestamp() && (to.id == TypeId::kDate || to.id == TypeId::kTime || to.is_numeric())) return true;
  if (from.id == TypeId::kTime && to.is_timestamp()) return true;
  if (from.is_binary() && to.is_binary()) return true;
  return false;
}

}  // namespace careflow::values
