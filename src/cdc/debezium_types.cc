#include "cdc/debezium_types.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <optional>

#include "cdc/json_text.h"
#include "common/base64.h"
#include "values/datetime.h"

namespace careflow::cdc {
namespace {

// PostgreSQL type OIDs (pg_type.dat).
enum Oid : uint32_t {
  kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kText = 25, kOid = 26, kJson = 114, kXml = 142,
  kFloat4 = 700, kFloat8 = 701, kBpchar = 1042, kVarchar = 1043, kDate = 1082, kTime = 1083, kTimestamp = 1114,
  kTimestamptz = 1184, kNumeric = 1700, kUuid = 2950, kJsonb = 3802,
};

// Fractional-second precision of time/timestamp columns (typmod), -1 when unspecified.
int time_precision(const ColumnSchema& c) { return c.type_modifier < 0 ? -1 : c.type_modifier; }

struct NumericTypmod {
  int precision = 0;
  int scale = 0;
};
std::optional<NumericTypmod> numeric_typmod(const ColumnSchema& c) {
  if (c.type_modifier < 4) return std::nullopt;
  const int t = c.type_modifier - 4;
  return NumericTypmod{(t >> 16) & 0xffff, t & 0xffff};
}

struct Logical {
  const char* type;
  const char* name = nullptr;  // Connect logical type
};

Logical logical_of(const ColumnSchema& c, DecimalHandling decimals) {
  switch (c.type_oid) {
    case kBool: return {"boolean"};
    case kInt2: return {"int16"};
    case kInt4: return {"int32"};
    case kInt8:
    case kOid: return {"int64"};
    case kFloat4: return {"float"};
    case kFloat8: return {"double"};
    case kBytea: return {"bytes"};
    case kJson:
    case kJsonb: return {"string", "io.debezium.data.Json"};
    case kXml: return {"string", "io.debezium.data.Xml"};
    case kUuid: return {"string", "io.debezium.data.Uuid"};
    case kDate: return {"int32", "io.debezium.time.Date"};
    case kTime: return time_precision(c) >= 0 && time_precision(c) <= 3 ? Logical{"int32", "io.debezium.time.Time"}
                                                                         : Logical{"int64", "io.debezium.time.MicroTime"};
    case kTimestamp:
      return time_precision(c) >= 0 && time_precision(c) <= 3 ? Logical{"int64", "io.debezium.time.Timestamp"}
                                                              : Logical{"int64", "io.debezium.time.MicroTimestamp"};
    case kTimestamptz: return {"string", "io.debezium.time.ZonedTimestamp"};
    case kNumeric:
      if (decimals == DecimalHandling::kDouble) return {"double"};
      if (decimals == DecimalHandling::kString) return {"string"};
      return numeric_typmod(c) ? Logical{"bytes", "org.apache.kafka.connect.data.Decimal"}
                               : Logical{"struct", "io.debezium.data.VariableScaleDecimal"};
    default: return {"string"};  // text, varchar, char, name, enums and anything else as its text
  }
}

std::optional<int64_t> parse_int(std::string_view s) {
  int64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// "HH:MM:SS[.ffffff]" → µs of day; `rest` gets what follows (a zone offset).
std::optional<int64_t> parse_time_us(std::string_view s, std::string_view* rest = nullptr) {
  if (s.size() < 8 || s[2] != ':' || s[5] != ':') return std::nullopt;
  auto h = parse_int(s.substr(0, 2));
  auto m = parse_int(s.substr(3, 2));
  auto sec = parse_int(s.substr(6, 2));
  if (!h || !m || !sec) return std::nullopt;
  int64_t us = ((*h * 60 + *m) * 60 + *sec) * 1'000'000;
  size_t pos = 8;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int64_t frac = 0;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 6) frac = frac * 10 + (s[pos] - '0'), ++digits;
      ++pos;
    }
    while (digits < 6) frac *= 10, ++digits;
    us += frac;
  }
  if (rest) *rest = s.substr(pos);
  else if (pos != s.size()) return std::nullopt;
  return us;
}

// "YYYY-MM-DD" (optionally " BC") → days since epoch.
std::optional<int64_t> parse_days(std::string_view s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto y = parse_int(s.substr(0, 4));
  auto m = parse_int(s.substr(5, 2));
  auto d = parse_int(s.substr(8, 2));
  if (!y || !m || !d) return std::nullopt;
  int64_t year = *y;
  if (s.ends_with(" BC")) year = 1 - year;
  return values::days_from_civil(year, static_cast<int>(*m), static_cast<int>(*d));
}

// "YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM[:SS]]]" → µs since epoch (UTC when an offset is given).
std::optional<int64_t> parse_timestamp_us(std::string_view s, bool with_zone) {
  if (s.size() < 19 || s[10] != ' ') return std::nullopt;
  auto days = parse_days(s.substr(0, 10));
  std::string_view rest;
  auto tod = parse_time_us(s.substr(11), &rest);
  if (!days || !tod) return std::nullopt;
  int64_t us = *days * values::kMicrosPerDay + *tod;
  if (with_zone) {
    if (rest.empty() || (rest[0] != '+' && rest[0] != '-')) return std::nullopt;
    const int sign = rest[0] == '-' ? -1 : 1;
    int64_t offset_s = 0;
    int unit = 3600;
    for (std::string_view part = rest.substr(1); !part.empty() && unit >= 1; unit /= 60) {
      auto v = parse_int(part.substr(0, 2));
      if (!v) return std::nullopt;
      offset_s += *v * unit;
      part = part.size() > 2 && part[2] == ':' ? part.substr(3) : part.substr(std::min<size_t>(2, part.size()));
    }
    us -= sign * offset_s * 1'000'000;
  } else if (!rest.empty()) {
    return std::nullopt;
  }
  return us;
}

// The format string is compiled: this runs for every timestamptz column of every event, and
// parsing the format at run time was a visible part of the capture (bench/results/cdc.md).
void append_iso_utc(std::string& out, int64_t us) {
  const int64_t days = values::floor_div(us, values::kMicrosPerDay);
  const int64_t tod = values::floor_mod(us, values::kMicrosPerDay);
  const values::CivilDate c = values::civil_from_days(days);
  fmt::format_to(std::back_inserter(out), FMT_COMPILE("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z"), c.year, c.month, c.day,
                 tod / 3'600'000'000, tod / 60'000'000 % 60, tod / 1'000'000 % 60, tod % 1'000'000);
}

std::string iso_utc(int64_t us) {
  std::string out;
  append_iso_utc(out, us);
  return out;
}

// A decimal's digits as the two's-complement big-endian bytes of its unscaled value at `scale`
// (Java's BigInteger.toByteArray, which Connect's Decimal uses).
std::optional<std::string> unscaled_bytes(std::string_view text, int scale, int* natural_scale = nullptr) {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) negative = text[0] == '-', text.remove_prefix(1);
  const size_t dot = text.find('.');
  std::string digits(text.substr(0, dot));
  std::string fraction(dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1));
  if (natural_scale) scale = *natural_scale = static_cast<int>(fraction.size());
  if (static_cast<int>(fraction.size()) > scale) fraction.resize(scale);
  while (static_cast<int>(fraction.size()) < scale) fraction.push_back('0');
  digits += fraction;
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
    return std::nullopt;
  }
  // Decimal digits → base-256 magnitude by repeated division.
  std::string magnitude;  // little-endian
  while (!(digits.empty() || (digits.size() == 1 && digits[0] == '0'))) {
    std::string quotient;
    int remainder = 0;
    for (char ch : digits) {
      remainder = remainder * 10 + (ch - '0');
      if (!quotient.empty() || remainder / 256) quotient.push_back(static_cast<char>('0' + remainder / 256));
      remainder %= 256;
    }
    magnitude.push_back(static_cast<char>(remainder));
    digits = quotient;
  }
  if (magnitude.empty()) magnitude.push_back(0);
  if (static_cast<uint8_t>(magnitude.back()) & 0x80) magnitude.push_back(0);  // room for the sign bit
  if (negative) {
    int carry = 1;
    for (char& b : magnitude) {
      const int v = (static_cast<uint8_t>(~b) & 0xff) + carry;
      b = static_cast<char>(v & 0xff);
      carry = v >> 8;
    }
    // Drop redundant 0xff bytes, as BigInteger keeps the shortest form.
    while (magnitude.size() > 1 && static_cast<uint8_t>(magnitude.back()) == 0xff &&
           (static_cast<uint8_t>(magnitude[magnitude.size() - 2]) & 0x80)) {
      magnitude.pop_back();
    }
  }
  std::reverse(magnitude.begin(), magnitude.end());
  return magnitude;
}

std::optional<std::string> bytea_from_hex(std::string_view text) {
  if (!text.starts_with("\\x") || text.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (size_t i = 2; i < text.size(); i += 2) {
    unsigned v = 0;
    auto r = std::from_chars(text.data() + i, text.data() + i + 2, v, 16);
    if (r.ec != std::errc() || r.ptr != text.data() + i + 2) return std::nullopt;
    out.push_back(static_cast<char>(v));
  }
  return out;
}

}  // namespace

Result<DecimalHandling> parse_decimal_handling(std::string_view text) {
  if (text == "precise") return DecimalHandling::kPrecise;
  if (text == "double") return DecimalHandling::kDouble;
  if (text == "string") return DecimalHandling::kString;
  return Status::invalid_argument(fmt::format("decimal.handling.mode '{}': expected precise, double or string", text));
}

Json column_field_schema(const ColumnSchema& column, DecimalHandling decimals) {
  const Logical logical = logical_of(column, decimals);
  Json f;
  f["type"] = logical.type;
  if (std::string_view(logical.type) == "struct") {  // VariableScaleDecimal
    f["fields"] = Json::array({Json{{"type", "int32"}, {"optional", false}, {"field", "scale"}},
                               Json{{"type", "bytes"}, {"optional", false}, {"field", "value"}}});
  }
  f["optional"] = column.optional;
  if (logical.name) {
    f["name"] = logical.name;
    f["version"] = 1;
  }
  if (std::string_view(logical.type) == "struct") f["doc"] = "Variable scaled decimal";
  if (logical.name && std::string_view(logical.name) == "org.apache.kafka.connect.data.Decimal") {
    const NumericTypmod t = *numeric_typmod(column);
    f["parameters"] = Json{{"scale", std::to_string(t.scale)}, {"connect.decimal.precision", std::to_string(t.precision)}};
  }
  if (column.default_expr) {
    // Debezium resolves literal defaults ('x'::text, 42) to values and now()-like defaults of
    // temporal columns, nullable ones too (devices.assigned_at: tests/interop/debezium), to the
    // epoch; other expressions give no default.
    std::string_view expr = *column.default_expr;
    std::optional<std::string> literal;
    if (expr.starts_with("'")) {
      const size_t close = expr.find("'::");
      if (close != std::string_view::npos && close > 0) literal = std::string(expr.substr(1, close - 1));
      else if (expr.ends_with("'") && expr.size() >= 2) literal = std::string(expr.substr(1, expr.size() - 2));
    } else if (!expr.empty() && (std::isdigit(static_cast<unsigned char>(expr[0])) || expr[0] == '-')) {
      literal = std::string(expr);
    } else if (expr == "true" || expr == "false") {
      literal = expr == "true" ? "t" : "f";
    } else if (expr == "now()" || expr == "CURRENT_TIMESTAMP" || expr == "CURRENT_DATE" || expr == "CURRENT_TIME") {
      switch (column.type_oid) {
        case kTimestamptz: literal = "1970-01-01 00:00:00+00"; break;
        case kTimestamp: literal = "1970-01-01 00:00:00"; break;
        case kDate: literal = "1970-01-01"; break;
        case kTime: literal = "00:00:00"; break;
        default: break;
      }
    }
    if (literal) {
      if (auto value = column_value(column, *literal, decimals); value.is_ok() && !value->is_null()) f["default"] = *value;
    }
  }
  f["field"] = column.name;
  return f;
}

Result<Json> column_value(const ColumnSchema& column, std::string_view text, DecimalHandling decimals) {
  auto bad = [&] {
    return Status::invalid_argument(
        fmt::format("column {}: '{}' is not a valid value of type oid {}", column.name, text, column.type_oid));
  };
  switch (column.type_oid) {
    case kBool: return Json(text == "t" || text == "true");
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid: {
      auto v = parse_int(text);
      if (!v) return bad();
      return Json(*v);
    }
    case kFloat4:
    case kFloat8: {
      if (text == "NaN") return Json("NaN");
      double v = 0;
      auto r = std::from_chars(text.data(), text.data() + text.size(), v);
      if (r.ec != std::errc()) return bad();
      return Json(v);
    }
    case kBytea: {
      auto bytes = bytea_from_hex(text);
      if (!bytes) return bad();
      return Json(base64_encode(*bytes));
    }
    case kDate: {
      auto days = parse_days(text);
      if (!days) return bad();
      return Json(*days);
    }
    case kTime: {
      auto us = parse_time_us(text);
      if (!us) return bad();
      return time_precision(column) >= 0 && time_precision(column) <= 3 ? Json(*us / 1000) : Json(*us);
    }
    case kTimestamp: {
      auto us = parse_timestamp_us(text, false);
      if (!us) return bad();
      return time_precision(column) >= 0 && time_precision(column) <= 3 ? Json(values::floor_div(*us, 1000)) : Json(*us);
    }
    case kTimestamptz: {
      auto us = parse_timestamp_us(text, true);
      if (!us) return bad();
      return Json(iso_utc(*us));
    }
    case kNumeric: {
      if (decimals == DecimalHandling::kString) return Json(std::string(text));
      if (decimals == DecimalHandling::kDouble) {
        double v = 0;
        auto r = std::from_chars(text.data(), text.data() + text.size(), v);
        if (r.ec != std::errc()) return bad();
        return Json(v);
      }
      if (text == "NaN") return Json(nullptr);
      if (auto t = numeric_typmod(column)) {
        auto bytes = unscaled_bytes(text, t->scale);
        if (!bytes) return bad();
        return Json(base64_encode(*bytes));
      }
      int scale = 0;
      auto bytes = unscaled_bytes(text, 0, &scale);
      if (!bytes) return bad();
      return Json{{"scale", scale}, {"value", base64_encode(*bytes)}};
    }
    case kBpchar:
    default: return Json(std::string(text));
  }
}

Status append_column_value(std::string& out, const ColumnSchema& column, std::string_view text, DecimalHandling decimals) {
  // The common types are written directly; floats and decimals (float formatting, big-number
  // arithmetic) go through column_value so that their bytes come from one place.
  auto bad = [&] {
    return Status::invalid_argument(
        fmt::format("column {}: '{}' is not a valid value of type oid {}", column.name, text, column.type_oid));
  };
  switch (column.type_oid) {
    case kBool: out.append(text == "t" || text == "true" ? "true" : "false"); return Status::ok();
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid: {
      auto v = parse_int(text);
      if (!v) return bad();
      append_json_int(out, *v);
      return Status::ok();
    }
    case kBytea: {
      auto bytes = bytea_from_hex(text);
      if (!bytes) return bad();
      append_plain_json_string(out, base64_encode(*bytes));
      return Status::ok();
    }
    case kDate: {
      auto days = parse_days(text);
      if (!days) return bad();
      append_json_int(out, *days);
      return Status::ok();
    }
    case kTime: {
      auto us = parse_time_us(text);
      if (!us) return bad();
      append_json_int(out, time_precision(column) >= 0 && time_precision(column) <= 3 ? *us / 1000 : *us);
      return Status::ok();
    }
    case kTimestamp: {
      auto us = parse_timestamp_us(text, false);
      if (!us) return bad();
      append_json_int(out, time_precision(column) >= 0 && time_precision(column) <= 3 ? values::floor_div(*us, 1000) : *us);
      return Status::ok();
    }
    case kTimestamptz: {
      auto us = parse_timestamp_us(text, true);
      if (!us) return bad();
      out.push_back('"');
      append_iso_utc(out, *us);
      out.push_back('"');
      return Status::ok();
    }
    case kFloat4:
    case kFloat8:
    case kNumeric: {
      if (column.type_oid == kNumeric && decimals == DecimalHandling::kString) break;
      CF_ASSIGN_OR_RETURN(Json v, column_value(column, text, decimals));
      out.append(v.dump());
      return Status::ok();
    }
    default: break;
  }
  const size_t mark = out.size();
  if (!append_json_string(out, text)) {
    out.resize(mark);
    return Status::invalid_argument(fmt::format("column {}: the value is not valid UTF-8", column.name));
  }
  return Status::ok();
}

}  // namespace careflow::cdc
