#include "exec/functions/json_util.h"

#include <fmt/format.h>

#include <array>
#include <cctype>

#include "common/numbers.h"
#include "exec/functions/helpers.h"
#include "values/datetime.h"
#include "values/value_format.h"

namespace careflow::exec::fn {

std::optional<Json> parse_json(std::string_view text) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::shared_ptr<const Json> parse_json_cached(std::string_view text) {
  struct Entry {
    std::string text;
    std::shared_ptr<const Json> doc;
    bool valid = false;
  };
  static constexpr size_t kEntries = 8;
  thread_local std::array<Entry, kEntries> cache;
  thread_local size_t next = 0;
  for (const Entry& e : cache) {
    if (e.valid && e.text.size() == text.size() && e.text == text) return e.doc;
  }
  std::optional<Json> parsed = parse_json(text);
  Entry& slot = cache[next];
  next = (next + 1) % kEntries;
  slot.text.assign(text);
  slot.doc = parsed ? std::make_shared<const Json>(std::move(*parsed)) : nullptr;
  slot.valid = true;
  return slot.doc;
}

namespace {

// A string node with this prefix holds JSON text written as is (a DECIMAL's exact digits).
constexpr std::string_view kRawPrefix = "\x1f\x1eraw:";

void write_string(std::string& out, const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  out += '"';
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

void write_json(std::string& out, const Json& j) {
  switch (j.type()) {
    case Json::value_t::null: out += "null"; break;
    case Json::value_t::boolean: out += j.get<bool>() ? "true" : "false"; break;
    case Json::value_t::number_integer: out += std::to_string(j.get<int64_t>()); break;
    case Json::value_t::number_unsigned: out += std::to_string(j.get<uint64_t>()); break;
    case Json::value_t::number_float: out += values::format_double(j.get<double>()); break;
    case Json::value_t::string: {
      const std::string& str = j.get_ref<const std::string&>();
      if (str.starts_with(kRawPrefix)) {
        out.append(str, kRawPrefix.size());
      } else {
        write_string(out, str);
      }
      break;
    }
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const Json& e : j) {
        if (!first) out += ',';
        first = false;
        write_json(out, e);
      }
      out += ']';
      break;
    }
    case Json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [k, v] : j.items()) {
        if (!first) out += ',';
        first = false;
        write_string(out, k);
        out += ':';
        write_json(out, v);
      }
      out += '}';
      break;
    }
    case Json::value_t::binary:
    case Json::value_t::discarded: out += "null"; break;
  }
}

}  // namespace

std::string serialize_json(const Json& j) {
  std::string out;
  write_json(out, j);
  return out;
}

bool JsonPath::definite() const {
  for (const Step& s : steps) {
    if (s.kind == Kind::kWildcard) return false;
  }
  return true;
}

bool parse_json_path(std::string_view text, JsonPath* out, std::string* error) {
  *out = JsonPath{};
  std::string_view s = text;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  auto starts_with_word = [&](std::string_view word) {
    if (s.size() <= word.size()) return false;
    for (size_t i = 0; i < word.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(s[i])) != word[i]) return false;
    }
    return std::isspace(static_cast<unsigned char>(s[word.size()])) != 0;
  };
  if (starts_with_word("lax")) {
    out->strict = false;
    s.remove_prefix(3);
  } else if (starts_with_word("strict")) {
    s.remove_prefix(6);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (s.empty() || s[0] != '$') {
    *error = fmt::format("Illegal jsonpath spec: {}, path must start with '$'", text);
    return false;
  }
  size_t i = 1;
  auto fail_at = [&](const char* what) {
    *error = fmt::format("Illegal jsonpath spec: {}, {} at position {}", text, what, i);
    return false;
  };
  while (i < s.size()) {
    if (s[i] == '.') {
      ++i;
      if (i < s.size() && s[i] == '[') continue;  // "$.['a b']"
      if (i < s.size() && s[i] == '*') {
        out->steps.push_back({JsonPath::Kind::kWildcard, "", 0});
        ++i;
        continue;
      }
      size_t start = i;
      while (i < s.size() && s[i] != '.' && s[i] != '[') ++i;
      if (i == start) return fail_at("expected a property name");
      out->steps.push_back({JsonPath::Kind::kKey, std::string(s.substr(start, i - start)), 0});
    } else if (s[i] == '[') {
      ++i;
      while (i < s.size() && s[i] == ' ') ++i;
      if (i < s.size() && (s[i] == '\'' || s[i] == '"')) {
        char quote = s[i++];
        std::string key;
        while (i < s.size() && s[i] != quote) {
          if (s[i] == '\\' && i + 1 < s.size()) ++i;
          key += s[i++];
        }
        if (i >= s.size()) return fail_at("unterminated property name");
        ++i;
        out->steps.push_back({JsonPath::Kind::kKey, key, 0});
      } else if (i < s.size() && s[i] == '*') {
        ++i;
        out->steps.push_back({JsonPath::Kind::kWildcard, "", 0});
      } else {
        size_t start = i;
        if (i < s.size() && s[i] == '-') ++i;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
        if (i == start || (i == start + 1 && s[start] == '-')) return fail_at("expected an array index");
        const std::optional<int64_t> index = parse_number<int64_t>(s.substr(start, i - start));
        if (!index) return fail_at("array index out of range");
        out->steps.push_back({JsonPath::Kind::kIndex, "", *index});
      }
      while (i < s.size() && s[i] == ' ') ++i;
      if (i >= s.size() || s[i] != ']') return fail_at("expected ']'");
      ++i;
    } else {
      return fail_at("unexpected character");
    }
  }
  return true;
}

namespace {

// Walks the path; definite paths stop at the first miss (reported as an error message).
void walk(const Json& node, const JsonPath& path, size_t step, std::vector<const Json*>& out, std::string* miss) {
  if (step == path.steps.size()) {
    out.push_back(&node);
    return;
  }
  const JsonPath::Step& s = path.steps[step];
  switch (s.kind) {
    case JsonPath::Kind::kKey:
      if (!node.is_object()) {
        if (miss->empty()) *miss = fmt::format("Expected to find an object with property ['{}'] but found '{}'", s.key, node.type_name());
        return;
      }
      if (auto it = node.find(s.key); it != node.end()) {
        walk(*it, path, step + 1, out, miss);
      } else if (miss->empty()) {
        *miss = fmt::format("No results for path: property ['{}'] is missing", s.key);
      }
      return;
    case JsonPath::Kind::kIndex: {
      if (!node.is_array()) {
        if (miss->empty()) *miss = fmt::format("Filter: [{}] can only be applied to arrays", s.index);
        return;
      }
      int64_t idx = s.index < 0 ? static_cast<int64_t>(node.size()) + s.index : s.index;
      if (idx < 0 || idx >= static_cast<int64_t>(node.size())) {
        if (miss->empty()) *miss = fmt::format("No results for path: index [{}] is out of bounds", s.index);
        return;
      }
      walk(node[static_cast<size_t>(idx)], path, step + 1, out, miss);
      return;
    }
    case JsonPath::Kind::kWildcard:
      if (node.is_array() || node.is_object()) {
        for (const Json& child : node) walk(child, path, step + 1, out, miss);
      }
      return;
  }
}

}  // namespace

JsonPathResult eval_json_path(const Json& doc, const JsonPath& path) {
  JsonPathResult r;
  std::vector<const Json*> found;
  std::string miss;
  walk(doc, path, 0, found, &miss);
  if (path.definite()) {
    if (found.empty()) {
      if (path.strict) r.error = miss.empty() ? "No results for path" : miss;
      return r;
    }
    if (!found[0]->is_null()) r.value = *found[0];
    return r;
  }
  Json list = Json::array();
  for (const Json* j : found) list.push_back(*j);
  r.value = std::move(list);
  return r;
}

namespace {

// DateTimeFormatter.ISO_LOCAL_DATE_TIME: seconds always, the fraction without trailing zeros.
std::string iso_local_date_time(int64_t micros) {
  std::string s = values::format_timestamp(micros, 6);
  s[10] = 'T';
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

bool json_convertible(const DataType& t, std::string* why) {
  switch (t.id) {
    case TypeId::kNull:
    case TypeId::kBoolean:
    case TypeId::kTinyInt:
    case TypeId::kSmallInt:
    case TypeId::kInt:
    case TypeId::kBigInt:
    case TypeId::kFloat:
    case TypeId::kDouble:
    case TypeId::kDecimal:
    case TypeId::kChar:
    case TypeId::kVarChar:
    case TypeId::kBinary:
    case TypeId::kVarBinary:
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz: return true;
    case TypeId::kArray:
    case TypeId::kMultiset:
    case TypeId::kRow:
      for (const DataType& c : t.children) {
        if (!json_convertible(c, why)) return false;
      }
      return true;
    case TypeId::kMap:
      if (!t.children[0].is_string()) {
        *why = fmt::format("Type '{}' is not supported for JSON conversion. The key type must be a character string.",
                           t.to_string());
        return false;
      }
      return json_convertible(t.children[1], why);
    default:
      *why = fmt::format("Type '{}' is not scalar or cannot be converted into JSON.", t.to_string());
      return false;
  }
}

Json value_to_json(const Value& v, const DataType& t) {
  if (v.is_null()) return Json(nullptr);
  switch (t.id) {
    case TypeId::kBoolean: return Json(v.as_bool());
    case TypeId::kTinyInt:
    case TypeId::kSmallInt:
    case TypeId::kInt:
    case TypeId::kBigInt: return Json(v.as_int());
    case TypeId::kFloat:
    case TypeId::kDouble: return Json(v.as_double());
    case TypeId::kDecimal: {
      // A BigDecimal node: Jackson writes BigDecimal.toString(), keeping the scale ("12.30").
      return Json(std::string(kRawPrefix) + values::format_decimal(v.as_decimal(), t.scale));
    }
    case TypeId::kChar:
    case TypeId::kVarChar: return Json(v.as_string());
    case TypeId::kBinary:
    case TypeId::kVarBinary: {
      static const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      const std::string& b = v.as_bytes();
      std::string out;
      for (size_t i = 0; i < b.size(); i += 3) {
        uint32_t n = static_cast<unsigned char>(b[i]) << 16;
        if (i + 1 < b.size()) n |= static_cast<unsigned char>(b[i + 1]) << 8;
        if (i + 2 < b.size()) n |= static_cast<unsigned char>(b[i + 2]);
        out += kB64[n >> 18];
        out += kB64[(n >> 12) & 63];
        out += i + 1 < b.size() ? kB64[(n >> 6) & 63] : '=';
        out += i + 2 < b.size() ? kB64[n & 63] : '=';
      }
      return Json(out);
    }
    case TypeId::kTimestamp: return Json(iso_local_date_time(v.as_int()));
    case TypeId::kTimestampLtz: return Json(iso_local_date_time(v.as_int()) + "Z");
    case TypeId::kArray: {
      Json arr = Json::array();
      for (const Value& e : v.as_list()) arr.push_back(value_to_json(e, t.children[0]));
      return arr;
    }
    case TypeId::kRow: {
      Json obj = Json::object();
      const auto& fields = v.as_list();
      for (size_t i = 0; i < fields.size() && i < t.children.size(); ++i) {
        obj[i < t.field_names.size() ? t.field_names[i] : fmt::format("f{}", i)] = value_to_json(fields[i], t.children[i]);
      }
      return obj;
    }
    case TypeId::kMap: {
      Json obj = Json::object();
      size_t i = 0;
      for (const auto& [k, val] : v.as_map()) {
        if (k.is_null()) fail("Key at index {} was null. This is not supported during conversion to JSON.", i);
        obj[k.as_string()] = value_to_json(val, t.children[1]);
        ++i;
      }
      return obj;
    }
    case TypeId::kMultiset: {
      // A multiset is a map from element to count.
      Json obj = Json::object();
      for (const auto& [k, count] : v.as_map()) {
        obj[k.is_null() ? "null" : values::format_value(k, t.children[0])] = Json(count.as_int());
      }
      return obj;
    }
    default: fail("Type '{}' is not scalar or cannot be converted into JSON.", t.to_string());
  }
}

}  // namespace careflow::exec::fn
