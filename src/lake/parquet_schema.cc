#include "lake/parquet_schema.h"

#include <fmt/format.h>

namespace careflow::lake {

using parquet::ConvertedType;
using parquet::LogicalType;
using parquet::PhysicalType;
using parquet::Repetition;
using parquet::SchemaElement;
using parquet::TimeUnit;
using values::DataType;
using values::TypeId;

int32_t decimal_bytes_for_precision(int precision) {
  // n bytes hold signed values below 2^(8n - 1); find the first n above 10^precision - 1.
  for (int32_t n = 1; n <= 16; ++n) {
    long double max = 1;
    for (int b = 0; b < 8 * n - 1; ++b) max *= 2;
    long double need = 1;
    for (int d = 0; d < precision; ++d) need *= 10;
    if (max >= need) return n;
  }
  return 16;
}

Result<SchemaElement> column_to_parquet(const ColumnSpec& column) {
  SchemaElement e;
  e.name = column.name;
  e.field_id = column.field_id;
  e.repetition = column.type.nullable ? Repetition::kOptional : Repetition::kRequired;
  const DataType& t = column.type;
  if (column.uuid) {
    if (t.id != TypeId::kBinary || t.precision != 16) {
      return Status::invalid_argument(fmt::format("column '{}': a uuid column is BINARY(16), not {}", column.name, t.to_string()));
    }
    e.type = PhysicalType::kFixedLenByteArray;
    e.type_length = 16;
    e.logical.kind = LogicalType::kUuid;
    return e;
  }
  auto integer = [&](int bits, int32_t converted) {
    e.type = bits == 64 ? PhysicalType::kInt64 : PhysicalType::kInt32;
    e.logical.kind = LogicalType::kInteger;
    e.logical.bit_width = bits;
    e.logical.is_signed = true;
    e.converted_type = converted;
  };
  switch (t.id) {
    case TypeId::kBoolean: e.type = PhysicalType::kBoolean; break;
    case TypeId::kTinyInt: integer(8, parquet::kInt8); break;
    case TypeId::kSmallInt: integer(16, parquet::kInt16); break;
    case TypeId::kInt: integer(32, parquet::kInt32Converted); break;
    case TypeId::kBigInt: integer(64, parquet::kInt64Converted); break;
    case TypeId::kFloat: e.type = PhysicalType::kFloat; break;
    case TypeId::kDouble: e.type = PhysicalType::kDouble; break;
    case TypeId::kChar:
    case TypeId::kVarChar:
      e.type = PhysicalType::kByteArray;
      e.logical.kind = LogicalType::kString;
      e.converted_type = parquet::kUtf8;
      break;
    case TypeId::kBinary:
    case TypeId::kVarBinary: e.type = PhysicalType::kByteArray; break;
    case TypeId::kDate:
      e.type = PhysicalType::kInt32;
      e.logical.kind = LogicalType::kDate;
      e.converted_type = parquet::kConvertedDate;
      break;
    case TypeId::kTime:
      e.type = PhysicalType::kInt32;
      e.logical.kind = LogicalType::kTime;
      e.logical.unit = TimeUnit::kMillis;
      e.converted_type = parquet::kTimeMillis;
      break;
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz: {
      e.type = PhysicalType::kInt64;
      e.logical.kind = LogicalType::kTimestamp;
      e.logical.unit = t.precision <= 3 ? TimeUnit::kMillis : TimeUnit::kMicros;
      e.logical.adjusted_to_utc = t.id == TypeId::kTimestampLtz;
      // TIMESTAMP_MILLIS / _MICROS imply UTC-adjusted instants, so local timestamps carry only the
      // LogicalType (as Arrow's writer does).
      if (e.logical.adjusted_to_utc) e.converted_type = t.precision <= 3 ? parquet::kTimestampMillis : parquet::kTimestampMicros;
      break;
    }
    case TypeId::kDecimal:
      if (t.precision < 1 || t.precision > 38 || t.scale < 0 || t.scale > t.precision) {
        return Status::invalid_argument(fmt::format("column '{}': {} is not a valid decimal", column.name, t.to_string()));
      }
      if (t.precision <= 9) {
        e.type = PhysicalType::kInt32;
      } else if (t.precision <= 18) {
        e.type = PhysicalType::kInt64;
      } else {
        e.type = PhysicalType::kFixedLenByteArray;
        e.type_length = decimal_bytes_for_precision(t.precision);
      }
      e.logical.kind = LogicalType::kDecimal;
      e.logical.precision = t.precision;
      e.logical.scale = t.scale;
      e.converted_type = parquet::kConvertedDecimal;
      e.precision = t.precision;
      e.scale = t.scale;
      break;
    default:
      return Status::invalid_argument(fmt::format(
          "column '{}': type {} is not supported by careflow's Parquet writer yet", column.name, t.to_string()));
  }
  return e;
}

namespace {

Status unsupported(const SchemaElement& e, std::string_view what) {
  return Status::invalid_argument(fmt::format("column '{}': {} is not supported by careflow's Parquet reader yet", e.name, what));
}

Result<DataType> integer_type(const SchemaElement& e, int bits, bool is_signed) {
  if (!is_signed) {
    // Unsigned values widen to the next signed type; UINT64 has none.
    if (bits == 64) return unsupported(e, "UINT64");
    bits *= 2;
  }
  switch (bits) {
    case 8: return DataType::of(TypeId::kTinyInt);
    case 16: return DataType::of(TypeId::kSmallInt);
    case 32: return DataType::of(TypeId::kInt);
    case 64: return DataType::of(TypeId::kBigInt);
    default: return unsupported(e, fmt::format("an INTEGER of {} bits", bits));
  }
}

// The annotation as a LogicalType, from ConvertedType when a legacy writer set only that.
LogicalType effective_logical(const SchemaElement& e) {
  if (e.logical.kind != LogicalType::kNone || !e.converted_type) return e.logical;
  LogicalType l;
  switch (*e.converted_type) {
    case parquet::kUtf8:
    case parquet::kJson:
    case parquet::kEnum: l.kind = LogicalType::kString; break;
    case parquet::kConvertedDecimal:
      l.kind = LogicalType::kDecimal;
      l.precision = e.precision.value_or(0);
      l.scale = e.scale.value_or(0);
      break;
    case parquet::kConvertedDate: l.kind = LogicalType::kDate; break;
    case parquet::kTimeMillis:
    case parquet::kTimeMicros:
      l.kind = LogicalType::kTime;
      l.unit = *e.converted_type == parquet::kTimeMillis ? TimeUnit::kMillis : TimeUnit::kMicros;
      l.adjusted_to_utc = true;
      break;
    case parquet::kTimestampMillis:
    case parquet::kTimestampMicros:
      l.kind = LogicalType::kTimestamp;
      l.unit = *e.converted_type == parquet::kTimestampMillis ? TimeUnit::kMillis : TimeUnit::kMicros;
      l.adjusted_to_utc = true;
      break;
    case parquet::kInt8: case parquet::kInt16: case parquet::kInt32Converted: case parquet::kInt64Converted:
    case parquet::kUint8: case parquet::kUint16: case parquet::kUint32: case parquet::kUint64: {
      static constexpr int kBits[] = {8, 16, 32, 64};
      bool is_signed = *e.converted_type >= parquet::kInt8;
      l.kind = LogicalType::kInteger;
      l.bit_width = kBits[(*e.converted_type - (is_signed ? parquet::kInt8 : parquet::kUint8)) % 4];
      l.is_signed = is_signed;
      break;
    }
    default: l.kind = LogicalType::kOther; break;
  }
  return l;
}

}  // namespace

Result<ColumnSpec> column_from_parquet(const SchemaElement& e) {
  if (!e.type) return unsupported(e, "a group (nested column)");
  if (e.repetition == Repetition::kRepeated) return unsupported(e, "a repeated column");
  ColumnSpec c;
  c.name = e.name;
  c.field_id = e.field_id;
  LogicalType l = effective_logical(e);
  DataType t;
  PhysicalType p = *e.type;
  if (l.kind == LogicalType::kDecimal) {
    if (l.precision < 1 || l.precision > 38 || l.scale < 0 || l.scale > l.precision) {
      return unsupported(e, fmt::format("DECIMAL({}, {})", l.precision, l.scale));
    }
    if (p == PhysicalType::kFixedLenByteArray && (!e.type_length || *e.type_length < 1 || *e.type_length > 16)) {
      return unsupported(e, "a decimal in a FIXED_LEN_BYTE_ARRAY not of 1 to 16 bytes");
    }
    if (p != PhysicalType::kInt32 && p != PhysicalType::kInt64 && p != PhysicalType::kFixedLenByteArray && p != PhysicalType::kByteArray) {
      return unsupported(e, "a decimal of this physical type");
    }
    t = DataType::decimal(l.precision, l.scale);
  } else {
    switch (p) {
      case PhysicalType::kBoolean: t = DataType::boolean(); break;
      case PhysicalType::kInt32:
        if (l.kind == LogicalType::kDate) {
          t = DataType::date();
        } else if (l.kind == LogicalType::kTime && l.unit == TimeUnit::kMillis) {
          t = DataType::time(3);
        } else if (l.kind == LogicalType::kInteger) {
          CF_ASSIGN_OR_RETURN(t, integer_type(e, l.bit_width, l.is_signed));
          if (t.id == TypeId::kBigInt && l.bit_width == 64) return unsupported(e, "INTEGER(64) in INT32");
        } else if (l.kind == LogicalType::kNone) {
          t = DataType::integer();
        } else {
          return unsupported(e, "this INT32 annotation");
        }
        break;
      case PhysicalType::kInt64:
        if (l.kind == LogicalType::kTimestamp) {
          if (l.unit == TimeUnit::kNanos) return unsupported(e, "a nanosecond timestamp");
          int precision = l.unit == TimeUnit::kMillis ? 3 : 6;
          t = l.adjusted_to_utc ? DataType::timestamp_ltz(precision) : DataType::timestamp(precision);
        } else if (l.kind == LogicalType::kInteger) {
          CF_ASSIGN_OR_RETURN(t, integer_type(e, l.bit_width, l.is_signed));
        } else if (l.kind == LogicalType::kNone) {
          t = DataType::bigint();
        } else {
          return unsupported(e, "this INT64 annotation (TIME in microseconds?)");
        }
        break;
      case PhysicalType::kInt96: return unsupported(e, "INT96 (legacy timestamps)");
      case PhysicalType::kFloat: t = DataType::of(TypeId::kFloat); break;
      case PhysicalType::kDouble: t = DataType::double_type(); break;
      case PhysicalType::kByteArray: t = l.kind == LogicalType::kString || l.kind == LogicalType::kJson ? DataType::string() : DataType::bytes(); break;
      case PhysicalType::kFixedLenByteArray: {
        if (!e.type_length || *e.type_length < 0) return unsupported(e, "a FIXED_LEN_BYTE_ARRAY without a length");
        t = DataType::of(TypeId::kBinary);
        t.precision = *e.type_length;
        c.uuid = l.kind == LogicalType::kUuid && *e.type_length == 16;
        break;
      }
      default: return unsupported(e, fmt::format("physical type {}", static_cast<int>(p)));
    }
  }
  c.type = t.with_nullable(e.repetition != Repetition::kRequired);
  return c;
}

}  // namespace careflow::lake
