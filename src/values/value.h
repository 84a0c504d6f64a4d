#pragma once
// One SQL value at run time. The meaning of the bits comes from the column's DataType, which the
// plan knows, so a Value does not repeat it:
//   BOOLEAN → bool; TINYINT..BIGINT → int64; FLOAT, DOUBLE → double (FLOAT rounded to float);
//   DECIMAL(p, s) → Decimal (unscaled 128-bit integer); CHAR/VARCHAR → std::string (UTF-8);
//   BINARY/VARBINARY → Bytes; DATE → int64 days since 1970-01-01; TIME → int64 ms of the day;
//   TIMESTAMP and TIMESTAMP_LTZ → int64 microseconds since 1970-01-01 00:00 (LTZ: UTC instant);
//   INTERVAL DAY TO SECOND → int64 ms; INTERVAL YEAR TO MONTH → int64 months;
//   ARRAY, ROW, MULTISET → List; MAP → Map (entries in insertion order).
// Copies are cheap for composites (shared, immutable) and strings are copied.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace careflow::values {

// 128-bit integers carry DECIMAL(38, s); __extension__ keeps -Wpedantic quiet about the GNU type.
__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;

struct Decimal {
  int128 unscaled = 0;
  bool operator==(const Decimal&) const = default;
};

struct Bytes {
  std::string data;
  bool operator==(const Bytes&) const = default;
};

class Value;
using List = std::shared_ptr<const std::vector<Value>>;
using MapEntries = std::vector<std::pair<Value, Value>>;
using Map = std::shared_ptr<const MapEntries>;

class Value {
 public:
  Value() = default;
  static Value boolean(bool b) { return Value(Storage(b)); }
  static Value integer(int64_t i) { return Value(Storage(i)); }
  static Value real(double d) { return Value(Storage(d)); }
  static Value decimal(int128 unscaled) { return Value(Storage(Decimal{unscaled})); }
  static Value string(std::string s) { return Value(Storage(std::move(s))); }
  static Value bytes(std::string b) { return Value(Storage(Bytes{std::move(b)})); }
  static Value list(std::vector<Value> items) {
    return Value(Storage(std::make_shared<const std::vector<Value>>(std::move(items))));
  }
  static Value map(MapEntries entries) { return Value(Storage(std::make_shared<const MapEntries>(std::move(entries)))); }

  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }
  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_int() const { return std::get<int64_t>(v_); }
  double as_double() const { return std::get<double>(v_); }
  int128 as_decimal() const { return std::get<Decimal>(v_).unscaled; }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  const std::string& as_bytes() const { return std::get<Bytes>(v_).data; }
  const std::vector<Value>& as_list() const { return *std::get<List>(v_); }
  const MapEntries& as_map() const { return *std::get<Map>(v_); }

  bool is_bool() const { return std::holds_alternative<bool>(v_); }
  bool is_int() const { return std::holds_alternative<int64_t>(v_); }
  bool is_double() const { return std::holds_alternative<double>(v_); }
  bool is_string() const { return std::holds_alternative<std::string>(v_); }
  bool is_decimal() const { return std::holds_alternative<Decimal>(v_); }
  bool is_bytes() const { return std::holds_alternative<Bytes>(v_); }
  bool is_list() const { return std::holds_alternative<List>(v_); }
  bool is_map() const { return std::holds_alternative<Map>(v_); }

  // Structural equality (NULL equals NULL; composites compared element by element): the
  // equality of grouping keys, state lookups and changelog retraction.
  bool operator==(const Value& other) const {
    if (v_.index() != other.v_.index()) return false;
    // The commonest keys are integers: compared here, inline, without visiting the variant.
    if (const int64_t* i = std::get_if<int64_t>(&v_)) return *i == *std::get_if<int64_t>(&other.v_);
    return equals_same_kind(other);
  }
  size_t hash() const;

 private:
  bool equals_same_kind(const Value& other) const;  // operator== for two values of one alternative
  using Storage = std::variant<std::monostate, bool, int64_t, double, Decimal, std::string, Bytes, List, Map>;
  explicit Value(Storage v) : v_(std::move(v)) {}
  Storage v_;
};

// Total order for two non-NULL values of the same type (ORDER BY, MIN/MAX, ranking). Strings
// compare by UTF-8 bytes as Flink's BinaryStringData does.
int compare_values_slow(const Value& a, const Value& b);
inline int compare_values(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) return a.as_int() < b.as_int() ? -1 : (b.as_int() < a.as_int() ? 1 : 0);
  return compare_values_slow(a, b);
}

struct ValueHash {
  size_t operator()(const Value& v) const { return v.hash(); }
};

// A key of several values (GROUP BY key, join key, partition key).
struct KeyHash {
  size_t operator()(const std::vector<Value>& key) const;
};

}  // namespace careflow::values
