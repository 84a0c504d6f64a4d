#include "exec/row.h"

#include <algorithm>

#include "values/value_format.h"

namespace careflow::exec {

std::string_view kind_symbol(RowKind kind) {
  switch (kind) {
    case RowKind::kInsert: return "+I";
    case RowKind::kUpdateBefore: return "-U";
    case RowKind::kUpdateAfter: return "+U";
    case RowKind::kDelete: return "-D";
  }
  return "??";
}

bool parse_kind(std::string_view s, RowKind* out) {
  if (s == "+I") *out = RowKind::kInsert;
  else if (s == "-U") *out = RowKind::kUpdateBefore;
  else if (s == "+U") *out = RowKind::kUpdateAfter;
  else if (s == "-D") *out = RowKind::kDelete;
  else return false;
  return true;
}

std::string format_field(const Value& v, const values::DataType& type, const values::EvalContext* ctx) {
  if (v.is_null()) return "NULL";
  if (type.id == values::TypeId::kTimestampLtz && ctx) {
    return values::format_value(Value::integer(v.as_int() + ctx->time_zone_offset_micros(v.as_int())), type);
  }
  if (type.is_binary()) {
    static const char* kHex = "0123456789abcdef";
    std::string out = "x'";
    for (unsigned char c : v.as_bytes()) {
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
    return out + "'";
  }
  if (type.is_string()) {
    const std::string& s = v.as_string();
    bool quote = s.empty() || s == "NULL" || s.front() == ' ' || s.back() == ' ' || s.front() == '\'' ||
                 s.find_first_of(",[](){}") != std::string::npos;
    if (!quote) return s;
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  }
  if (type.id == values::TypeId::kMap) {
    // Entries sorted by rendered key, so output does not depend on hash order.
    std::vector<std::pair<std::string, std::string>> entries;
    for (const auto& [k, val] : v.as_map()) {
      entries.emplace_back(values::format_value(k, type.children[0]), values::format_value(val, type.children[1]));
    }
    std::sort(entries.begin(), entries.end());
    std::string out = "{";
    for (size_t i = 0; i < entries.size(); ++i) out += (i ? ", " : "") + entries[i].first + "=" + entries[i].second;
    return out + "}";
  }
  return values::format_value(v, type);
}

std::string format_row(const Row& row, const std::vector<values::DataType>& types, bool with_kind,
                       const values::EvalContext* ctx) {
  std::string out = with_kind ? std::string(kind_symbol(row.kind)) : "";
  out += "[";
  for (size_t i = 0; i < row.fields.size(); ++i) {
    out += (i ? ", " : "") + format_field(row.fields[i], i < types.size() ? types[i] : values::DataType::string(), ctx);
  }
  return out + "]";
}

}  // namespace careflow::exec
