#include "values/value.h"

#include <cmath>
#include <cstring>
#include <functional>

namespace careflow::values {

namespace {

size_t mix(size_t h, size_t v) { return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)); }

}  // namespace

bool Value::equals_same_kind(const Value& other) const {
  if (const auto* l = std::get_if<List>(&v_)) {
    const List& r = std::get<List>(other.v_);
    return *l == r || **l == *r;
  }
  if (const auto* m = std::get_if<Map>(&v_)) {
    const Map& r = std::get<Map>(other.v_);
    return *m == r || **m == *r;
  }
  if (const auto* d = std::get_if<double>(&v_)) {
    // Bitwise-equal doubles are equal (so NaN finds itself in state); 0.0 equals -0.0.
    double r = std::get<double>(other.v_);
    return *d == r || std::memcmp(d, &r, sizeof r) == 0;
  }
  return v_ == other.v_;
}

size_t Value::hash() const {
  switch (v_.index()) {
    case 0: return 0x12345;
    case 1: return std::get<bool>(v_) ? 1231 : 1237;
    case 2: return std::hash<int64_t>()(std::get<int64_t>(v_));
    case 3: {
      double d = std::get<double>(v_);
      if (d == 0) d = 0;  // -0.0 and 0.0 are equal, so they must hash alike
      return std::hash<double>()(d);
    }
    case 4: {
      int128 u = std::get<Decimal>(v_).unscaled;
      return mix(std::hash<uint64_t>()(static_cast<uint64_t>(u)), std::hash<uint64_t>()(static_cast<uint64_t>(u >> 64)));
    }
    case 5: return std::hash<std::string>()(std::get<std::string>(v_));
    case 6: return mix(7, std::hash<std::string>()(std::get<Bytes>(v_).data));
    case 7: {
      size_t h = 17;
      for (const Value& v : *std::get<List>(v_)) h = mix(h, v.hash());
      return h;
    }
    case 8: {
      size_t h = 19;
      for (const auto& [k, v] : *std::get<Map>(v_)) h = mix(h, mix(k.hash(), v.hash()));
      return h;
    }
  }
  return 0;
}

int compare_values_slow(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return a.is_null() == b.is_null() ? 0 : (a.is_null() ? -1 : 1);
  auto three_way = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (a.is_int() && b.is_int()) return three_way(a.as_int(), b.as_int());
  if (a.is_double() && b.is_double()) {
    double x = a.as_double(), y = b.as_double();
    if (x == y) return 0;
    if (std::isnan(x)) return std::isnan(y) ? 0 : 1;  // NaN sorts last, as in Java's Double.compare
    if (std::isnan(y)) return -1;
    return x < y ? -1 : 1;
  }
  if (a.is_bool() && b.is_bool()) return three_way(a.as_bool(), b.as_bool());
  if (a.is_string() && b.is_string()) {
    int c = a.as_string().compare(b.as_string());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  try {
    return three_way(a.as_decimal(), b.as_decimal());
  } catch (const std::bad_variant_access&) {
  }
  try {
    int c = a.as_bytes().compare(b.as_bytes());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  } catch (const std::bad_variant_access&) {
  }
  try {
    const auto& x = a.as_list();
    const auto& y = b.as_list();
    for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
      if (int c = compare_values(x[i], y[i])) return c;
    }
    return three_way(x.size(), y.size());
  } catch (const std::bad_variant_access&) {
  }
  return 0;
}

size_t KeyHash::operator()(const std::vector<Value>& key) const {
  size_t h = key.size();
  for (const Value& v : key) h = mix(h, v.hash());
  // A final avalanche (MurmurHash3's fmix64): keys are often small consecutive integers, and
  // open-addressing maps (exec/state.h) take their probe position and tag from different bits.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

}  // namespace careflow::values
