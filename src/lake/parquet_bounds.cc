#include "lake/parquet_bounds.h"

#include <cstring>

namespace careflow::lake {

using parquet::PhysicalType;
using values::TypeId;
using values::Value;

std::optional<Value> decode_bound(const parquet::SchemaElement& e, const values::DataType& t, const std::string& b) {
  auto fixed = [&](size_t n) { return b.size() == n; };
  switch (*e.type) {
    case PhysicalType::kBoolean:
      if (!fixed(1)) return std::nullopt;
      return Value::boolean(b[0] != 0);
    case PhysicalType::kInt32: {
      if (!fixed(4)) return std::nullopt;
      int32_t v;
      std::memcpy(&v, b.data(), 4);
      if (t.id == TypeId::kDecimal) return Value::decimal(v);
      if (t.id == TypeId::kBigInt) return Value::integer(static_cast<uint32_t>(v));
      return Value::integer(v);
    }
    case PhysicalType::kInt64: {
      if (!fixed(8)) return std::nullopt;
      int64_t v;
      std::memcpy(&v, b.data(), 8);
      if (t.id == TypeId::kDecimal) return Value::decimal(v);
      if (t.is_timestamp() && t.precision == 3 && __builtin_mul_overflow(v, int64_t{1000}, &v)) return std::nullopt;
      return Value::integer(v);
    }
    case PhysicalType::kFloat: {
      if (!fixed(4)) return std::nullopt;
      float v;
      std::memcpy(&v, b.data(), 4);
      if (v != v) return std::nullopt;
      return Value::real(v);
    }
    case PhysicalType::kDouble: {
      if (!fixed(8)) return std::nullopt;
      double v;
      std::memcpy(&v, b.data(), 8);
      if (v != v) return std::nullopt;
      return Value::real(v);
    }
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      if (t.id == TypeId::kDecimal) {
        if (b.empty() || b.size() > 16) return std::nullopt;
        values::uint128 u = 0;
        for (char c : b) u = (u << 8) | static_cast<uint8_t>(c);
        if (b.size() < 16 && (static_cast<uint8_t>(b[0]) & 0x80)) u |= ~values::uint128{0} << (8 * b.size());
        return Value::decimal(static_cast<values::int128>(u));
      }
      return t.is_string() ? Value::string(b) : Value::bytes(b);
    default: return std::nullopt;
  }
}

}  // namespace careflow::lake
