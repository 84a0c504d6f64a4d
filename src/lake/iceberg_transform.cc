#include "lake/iceberg_transform.h"

#include <fmt/format.h>

#include <charconv>
#include <cstring>

#include "lake/iceberg_manifest.h"
#include "values/datetime.h"

namespace careflow::lake::iceberg {

using values::DataType;
using values::TypeId;
using values::Value;

namespace {

constexpr int64_t kMicrosPerHour = 3'600'000'000LL;
constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;

bool is_integer(const DataType& t) {
  return t.id == TypeId::kTinyInt || t.id == TypeId::kSmallInt || t.id == TypeId::kInt || t.id == TypeId::kBigInt;
}
bool is_string(const DataType& t) { return t.id == TypeId::kVarChar || t.id == TypeId::kChar; }
bool is_binary(const DataType& t) { return t.id == TypeId::kVarBinary || t.id == TypeId::kBinary; }

uint32_t rotl(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

// Days since 1970-01-01 of a date or timestamp value.
int64_t days_of(const DataType& t, const Value& v) {
  return t.id == TypeId::kDate ? v.as_int() : values::floor_div(v.as_int(), kMicrosPerDay);
}

// The first `w` code points of UTF-8 text.
std::string truncate_utf8(const std::string& s, int32_t w) {
  size_t i = 0;
  for (int32_t n = 0; i < s.size() && n < w; ++n) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;  // continuation bytes
  }
  return s.substr(0, i);
}

}  // namespace

int32_t murmur3_32(std::string_view data) {
  const uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
  uint32_t h = 0;
  const size_t blocks = data.size() / 4;
  for (size_t i = 0; i < blocks; ++i) {
    uint32_t k;
    std::memcpy(&k, data.data() + 4 * i, 4);  // little-endian blocks (x86)
    k *= c1;
    k = rotl(k, 15);
    k *= c2;
    h ^= k;
    h = rotl(h, 13);
    h = h * 5 + 0xe6546b64;
  }
  uint32_t k = 0;
  const auto* tail = reinterpret_cast<const unsigned char*>(data.data() + 4 * blocks);
  switch (data.size() & 3) {
    case 3: k ^= static_cast<uint32_t>(tail[2]) << 16; [[fallthrough]];
    case 2: k ^= static_cast<uint32_t>(tail[1]) << 8; [[fallthrough]];
    case 1:
      k ^= tail[0];
      k *= c1;
      k = rotl(k, 15);
      k *= c2;
      h ^= k;
  }
  h ^= static_cast<uint32_t>(data.size());
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return static_cast<int32_t>(h);
}

int32_t bucket_hash(const DataType& t, const Value& v) {
  if (is_string(t)) return murmur3_32(v.as_string());
  if (is_binary(t)) return murmur3_32(v.as_bytes());
  if (t.id == TypeId::kDecimal) return murmur3_32(serialize_bound(t, v));  // minimal big-endian unscaled bytes
  // int, long, date (as a long), timestamps (µs): 8 bytes little-endian.
  const int64_t x = v.as_int();
  char bytes[8];
  std::memcpy(bytes, &x, 8);
  return murmur3_32(std::string_view(bytes, 8));
}

Result<Transform> Transform::parse(std::string_view text) {
  static constexpr std::pair<std::string_view, Kind> kPlain[] = {
      {"identity", Kind::kIdentity}, {"year", Kind::kYear}, {"month", Kind::kMonth}, {"day", Kind::kDay}, {"hour", Kind::kHour}};
  for (const auto& [name, kind] : kPlain) {
    if (text == name) return Transform{kind, 0};
  }
  for (const auto& [name, kind] : {std::pair<std::string_view, Kind>{"bucket[", Kind::kBucket}, {"truncate[", Kind::kTruncate}}) {
    if (!text.starts_with(name) || !text.ends_with("]")) continue;
    const std::string_view digits = text.substr(name.size(), text.size() - name.size() - 1);
    int32_t n = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || end != digits.data() + digits.size() || n <= 0) {
      return Status::invalid_argument(fmt::format("transform '{}': the parameter must be a positive integer", text));
    }
    return Transform{kind, n};
  }
  return Status::invalid_argument(
      fmt::format("transform '{}' is not supported by careflow (identity, year, month, day, hour, bucket[N], truncate[W])", text));
}

std::string Transform::to_string() const {
  switch (kind) {
    case Kind::kIdentity: return "identity";
    case Kind::kYear: return "year";
    case Kind::kMonth: return "month";
    case Kind::kDay: return "day";
    case Kind::kHour: return "hour";
    case Kind::kBucket: return fmt::format("bucket[{}]", param);
    case Kind::kTruncate: return fmt::format("truncate[{}]", param);
  }
  return "identity";
}

std::string Transform::field_name(const std::string& column) const {
  switch (kind) {
    case Kind::kIdentity: return column;
    case Kind::kBucket: return column + "_bucket";
    case Kind::kTruncate: return column + "_trunc";
    default: return column + "_" + to_string();
  }
}

bool Transform::accepts(const DataType& t) const {
  switch (kind) {
    case Kind::kIdentity: return is_integer(t) || is_string(t) || t.id == TypeId::kDate;
    case Kind::kYear:
    case Kind::kMonth:
    case Kind::kDay: return t.id == TypeId::kDate || t.is_timestamp();
    case Kind::kHour: return t.is_timestamp();
    case Kind::kBucket: return is_integer(t) || is_string(t) || is_binary(t) || t.id == TypeId::kDate || t.is_timestamp() || t.id == TypeId::kDecimal;
    case Kind::kTruncate: return is_integer(t) || is_string(t);
  }
  return false;
}

DataType Transform::result_type(const DataType& source) const {
  switch (kind) {
    case Kind::kDay: return DataType::date();
    case Kind::kYear:
    case Kind::kMonth:
    case Kind::kHour:
    case Kind::kBucket: return DataType::integer();
    default: return source.with_nullable(true);
  }
}

Value Transform::apply(const DataType& t, const Value& v) const {
  switch (kind) {
    case Kind::kIdentity: return v;
    case Kind::kYear: return Value::integer(values::civil_from_days(days_of(t, v)).year - 1970);
    case Kind::kMonth: {
      const values::CivilDate d = values::civil_from_days(days_of(t, v));
      return Value::integer((d.year - 1970) * 12 + (d.month - 1));
    }
    case Kind::kDay: return Value::integer(days_of(t, v));
    case Kind::kHour: return Value::integer(values::floor_div(v.as_int(), kMicrosPerHour));
    case Kind::kBucket: return Value::integer((bucket_hash(t, v) & 0x7fffffff) % param);
    case Kind::kTruncate:
      if (is_string(t)) return Value::string(truncate_utf8(v.as_string(), param));
      return Value::integer(v.as_int() - values::floor_mod(v.as_int(), param));
  }
  return v;
}

std::string Transform::human(const DataType& source, const Value& r) const {
  switch (kind) {
    case Kind::kYear: return fmt::format("{:04}", 1970 + r.as_int());
    case Kind::kMonth: return fmt::format("{:04}-{:02}", 1970 + values::floor_div(r.as_int(), 12), values::floor_mod(r.as_int(), 12) + 1);
    case Kind::kDay: return values::format_date(r.as_int());
    case Kind::kHour: {
      const int64_t day = values::floor_div(r.as_int(), 24);
      return fmt::format("{}-{:02}", values::format_date(day), values::floor_mod(r.as_int(), 24));
    }
    case Kind::kIdentity:
      if (source.id == TypeId::kDate) return values::format_date(r.as_int());
      break;
    default: break;
  }
  return r.is_int() ? std::to_string(r.as_int()) : r.as_string();
}

}  // namespace careflow::lake::iceberg
