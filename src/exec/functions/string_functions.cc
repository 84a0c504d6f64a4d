// String functions: lengths, case, trimming, searching, substrings, padding, concatenation.
// Lengths and positions count Unicode code points, as Flink's BinaryStringData does.
// Reference: https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/dev/table/functions/systemfunctions/#string-functions
// and org.apache.flink.table.runtime.functions.SqlFunctionUtils.

#include <algorithm>
#include <optional>
#include <random>

#include "common/base64.h"
#include "exec/functions/helpers.h"

namespace careflow::exec::fn {
namespace {

const std::string& str(const Value& v) { return v.as_string(); }

DataType varying(const std::vector<ArgInfo>& args) {
  const DataType& t = args[0].type;
  if (t.is_string()) return DataType::varchar(t.precision);
  return DataType::string();
}

DataType same_as_arg0(const std::vector<ArgInfo>& args) {
  const DataType& t = args[0].type;
  return t.is_string() ? t.without_time_attribute() : DataType::string();
}

// 0-based code point index of `needle` in `hay` at or after `from`; -1 when absent.
int64_t index_of(const std::u32string& hay, const std::u32string& needle, int64_t from) {
  if (from < 0) from = 0;
  if (static_cast<size_t>(from) > hay.size()) return -1;
  size_t pos = hay.find(needle, static_cast<size_t>(from));
  return pos == std::u32string::npos ? -1 : static_cast<int64_t>(pos);
}

std::string trim_set(const std::string& s, const std::u32string& set, bool leading, bool trailing) {
  std::u32string cps = utf8_decode(s);
  size_t b = 0, e = cps.size();
  if (leading) {
    while (b < e && set.find(cps[b]) != std::u32string::npos) ++b;
  }
  if (trailing) {
    while (e > b && set.find(cps[e - 1]) != std::u32string::npos) --e;
  }
  return utf8_encode(std::u32string_view(cps).substr(b, e - b));
}

// Flink's SqlFunctionUtils.subString: 1-based start, negative start counts from the end,
// a negative length gives NULL.
Value substring(const std::string& s, int64_t pos, int64_t len) {
  if (len < 0) return Value();
  if (len > INT32_MAX || pos > INT32_MAX) return Value();
  std::u32string cps = utf8_decode(s);
  const int64_t n = static_cast<int64_t>(cps.size());
  if (n == 0) return Value::string("");
  int64_t start;
  if (pos > 0) {
    start = pos - 1;
    if (start >= n) return Value::string("");
  } else if (pos < 0) {
    start = n + pos;
    if (start < 0) return Value::string("");
  } else {
    start = 0;
  }
  int64_t end = (n - start) < len ? n : start + len;
  return Value::string(utf8_encode(std::u32string_view(cps).substr(static_cast<size_t>(start), static_cast<size_t>(end - start))));
}

// Java's String.replace(CharSequence, CharSequence).
std::string java_replace(const std::string& s, const std::string& from, const std::string& to) {
  if (from.empty()) {
    std::u32string cps = utf8_decode(s);
    std::string out = to;
    for (char32_t c : cps) {
      utf8_append(out, c);
      out += to;
    }
    return out;
  }
  std::string out;
  size_t i = 0;
  while (true) {
    size_t j = s.find(from, i);
    if (j == std::string::npos) break;
    out.append(s, i, j - i);
    out += to;
    i = j + from.size();
  }
  out.append(s, i, std::string::npos);
  return out;
}

Value pad(const std::string& base_s, int64_t len, const std::string& pad_s, bool left) {
  if (len < 0 || pad_s.empty()) return Value();
  if (len == 0) return Value::string("");
  std::u32string base = utf8_decode(base_s), padc = utf8_decode(pad_s);
  const size_t n = static_cast<size_t>(len);
  std::u32string out;
  out.reserve(n);
  if (left) {
    size_t fill = n > base.size() ? n - base.size() : 0;
    for (size_t i = 0; i < fill; ++i) out.push_back(padc[i % padc.size()]);
    for (size_t i = 0; out.size() < n && i < base.size(); ++i) out.push_back(base[i]);
  } else {
    for (size_t i = 0; i < base.size() && out.size() < n; ++i) out.push_back(base[i]);
    for (size_t i = 0; out.size() < n; ++i) out.push_back(padc[i % padc.size()]);
  }
  return Value::string(utf8_encode(out));
}

// Calcite's SqlFunctions.initcap: words are runs of [A-Za-z0-9].
std::string initcap(const std::string& s) {
  std::string out = s;
  bool start = true;
  for (char& ch : out) {
    unsigned char c = static_cast<unsigned char>(ch);
    bool digit = c >= '0' && c <= '9', upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
    if (start) {
      if (digit || upper) {
        start = false;
      } else if (lower) {
        start = false;
        ch = static_cast<char>(c - 32);
      }
    } else {
      if (upper) {
        ch = static_cast<char>(c + 32);
      } else if (!digit && !lower) {
        start = true;
      }
    }
  }
  return out;
}

// Part `index` of StringUtils.splitByWholeSeparatorPreserveAllTokens(str, separator): the parts
// between separators, empty ones kept; an empty separator splits at each whitespace character;
// an empty string has no parts. Found by scanning to it, without building the other parts.
std::optional<std::string_view> split_part(std::string_view s, std::string_view sep, size_t index) {
  if (s.empty()) return std::nullopt;
  size_t begin = 0;
  for (size_t part = 0;; ++part) {
    size_t end;
    if (sep.empty()) {
      end = begin;
      while (end < s.size() && !std::isspace(static_cast<unsigned char>(s[end]))) ++end;
      if (end == s.size()) end = std::string_view::npos;
    } else {
      end = s.find(sep, begin);
    }
    if (part == index) return s.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
    if (end == std::string_view::npos) return std::nullopt;
    begin = end + (sep.empty() ? 1 : sep.size());
  }
}

int64_t instr(const std::u32string& s, const std::u32string& sub, int64_t start, int64_t nth) {
  if (nth <= 0) fail("INSTR: nthAppearance must be positive, got {}", nth);
  if (start == 0) return 0;
  if (start > 0) {
    int64_t start_index = start, index = 0;
    for (int64_t i = 0; i < nth; ++i) {
      index = index_of(s, sub, start_index - 1) + 1;
      if (index == 0) return 0;
      start_index = index + 1;
    }
    return index;
  }
  std::u32string rs(s.rbegin(), s.rend()), rsub(sub.rbegin(), sub.rend());
  int64_t pos = instr(rs, rsub, -start, nth);
  if (pos == 0) return 0;
  return static_cast<int64_t>(s.size()) + 2 - pos - static_cast<int64_t>(sub.size());
}

// FROM_BASE64 fails the query on bad input, naming it.
std::string from_base64(std::string_view in) {
  auto decoded = base64_decode(in);
  if (!decoded) fail("FROM_BASE64: {} in '{}'", decoded.status().message(), in);
  return std::move(*decoded);
}

// An ASCII string (the common case) is mapped byte by byte, as to_upper_cp / to_lower_cp map
// ASCII; other strings go through code points.
bool is_ascii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

Value upper(const Value* a, size_t, const EvalContext&) {
  const std::string& s = str(a[0]);
  if (is_ascii(s)) {
    std::string out = s;
    for (char& c : out) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
    return Value::string(std::move(out));
  }
  std::u32string cps = utf8_decode(s);
  for (char32_t& c : cps) c = to_upper_cp(c);
  return Value::string(utf8_encode(cps));
}

Value lower(const Value* a, size_t, const EvalContext&) {
  const std::string& s = str(a[0]);
  if (is_ascii(s)) {
    std::string out = s;
    for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    return Value::string(std::move(out));
  }
  std::u32string cps = utf8_decode(s);
  for (char32_t& c : cps) c = to_lower_cp(c);
  return Value::string(utf8_encode(cps));
}

Value char_length(const Value* a, size_t, const EvalContext&) {
  return Value::integer(static_cast<int64_t>(utf8_length(str(a[0]))));
}

}  // namespace

CF_REGISTER_SCALAR(char_length) {
  return ScalarFunctionDef{"CHAR_LENGTH", "CHAR_LENGTH(STRING) → INT",
                           "Returns the number of characters (code points) in a string.",
                           bind_fixed("CHAR_LENGTH", {p_string()}, DataType::integer(), char_length)};
}

CF_REGISTER_SCALAR(character_length) {
  return ScalarFunctionDef{"CHARACTER_LENGTH", "CHARACTER_LENGTH(STRING) → INT",
                           "Returns the number of characters (code points) in a string; same as CHAR_LENGTH.",
                           bind_fixed("CHARACTER_LENGTH", {p_string()}, DataType::integer(), char_length)};
}

CF_REGISTER_SCALAR(upper) {
  return ScalarFunctionDef{"UPPER", "UPPER(STRING) → STRING", "Returns the string in upper case.",
                           bind_fixed("UPPER", {p_string()}, same_as_arg0, upper)};
}

CF_REGISTER_SCALAR(lower) {
  return ScalarFunctionDef{"LOWER", "LOWER(STRING) → STRING", "Returns the string in lower case.",
                           bind_fixed("LOWER", {p_string()}, same_as_arg0, lower)};
}

CF_REGISTER_SCALAR(trim) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax& syntax) -> Result<ScalarBinding> {
    std::vector<DataType> types;
    if (Status s = check_params("TRIM", args, {p_string(), p_string()}, 1, &types); !s) return s;
    std::string mode = syntax.trim_mode.empty() ? "BOTH" : syntax.trim_mode;
    if (mode != "BOTH" && mode != "LEADING" && mode != "TRAILING") {
      return Status::invalid_argument(fmt::format("TRIM: unknown trim mode '{}'", mode));
    }
    bool leading = mode != "TRAILING", trailing = mode != "LEADING";
    return make_binding(varying(args).with_nullable(sql::any_nullable(args)), types,
                        [leading, trailing](const Value* a, size_t n, const EvalContext&) {
                          std::u32string set = n > 1 ? utf8_decode(str(a[1])) : U" ";
                          return Value::string(trim_set(str(a[0]), set, leading, trailing));
                        });
  };
  return ScalarFunctionDef{"TRIM", "TRIM([BOTH | LEADING | TRAILING] [STRING characters] FROM STRING) → STRING",
                           "Removes leading and/or trailing characters (spaces by default) from a string.", bind};
}

CF_REGISTER_SCALAR(ltrim) {
  return ScalarFunctionDef{
      "LTRIM", "LTRIM(STRING [, STRING characters]) → STRING",
      "Removes leading spaces (or the given characters) from a string.",
      bind_fixed(
          "LTRIM", {p_string(), p_string()}, varying,
          [](const Value* a, size_t n, const EvalContext&) {
            return Value::string(trim_set(str(a[0]), n > 1 ? utf8_decode(str(a[1])) : U" ", true, false));
          },
          1)};
}

CF_REGISTER_SCALAR(rtrim) {
  return ScalarFunctionDef{
      "RTRIM", "RTRIM(STRING [, STRING characters]) → STRING",
      "Removes trailing spaces (or the given characters) from a string.",
      bind_fixed(
          "RTRIM", {p_string(), p_string()}, varying,
          [](const Value* a, size_t n, const EvalContext&) {
            return Value::string(trim_set(str(a[0]), n > 1 ? utf8_decode(str(a[1])) : U" ", false, true));
          },
          1)};
}

CF_REGISTER_SCALAR(position) {
  return ScalarFunctionDef{
      "POSITION", "POSITION(STRING needle IN STRING haystack) → INT",
      "Returns the 1-based position of the first occurrence of needle in haystack, 0 when absent.",
      bind_fixed("POSITION", {p_string(), p_string()}, DataType::integer(),
                 [](const Value* a, size_t, const EvalContext&) {
                   return Value::integer(index_of(utf8_decode(str(a[1])), utf8_decode(str(a[0])), 0) + 1);
                 })};
}

CF_REGISTER_SCALAR(locate) {
  return ScalarFunctionDef{
      "LOCATE", "LOCATE(STRING needle, STRING haystack [, INT from]) → INT",
      "Returns the 1-based position of the first occurrence of needle in haystack at or after from, 0 when absent.",
      bind_fixed(
          "LOCATE", {p_string(), p_string(), p_integer()}, DataType::integer(),
          [](const Value* a, size_t n, const EvalContext&) {
            int64_t from = n > 2 ? a[2].as_int() : 1;
            return Value::integer(index_of(utf8_decode(str(a[1])), utf8_decode(str(a[0])), from - 1) + 1);
          },
          2)};
}

CF_REGISTER_SCALAR(instr) {
  return ScalarFunctionDef{
      "INSTR", "INSTR(STRING, STRING sub [, INT start [, INT nth]]) → INT",
      "Returns the 1-based position of the nth occurrence of sub in the string searching from start (backwards "
      "when negative), 0 when absent.",
      bind_fixed(
          "INSTR", {p_string(), p_string(), p_integer(), p_integer()}, DataType::integer(),
          [](const Value* a, size_t n, const EvalContext&) {
            return Value::integer(instr(utf8_decode(str(a[0])), utf8_decode(str(a[1])), n > 2 ? a[2].as_int() : 1,
                                        n > 3 ? a[3].as_int() : 1));
          },
          2)};
}

namespace {

BindFn bind_substring(const char* name) {
  return [name](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    std::vector<DataType> types;
    if (Status s = check_params(name, args, {p_string(), p_integer(), p_integer()}, 2, &types); !s) return s;
    // A negative length gives NULL, so the result is nullable whenever the length is given.
    bool nullable = sql::any_nullable(args) || args.size() > 2;
    return make_binding(varying(args).with_nullable(nullable), types, [](const Value* a, size_t n, const EvalContext&) {
      return substring(str(a[0]), a[1].as_int(), n > 2 ? a[2].as_int() : INT32_MAX);
    });
  };
}

}  // namespace

CF_REGISTER_SCALAR(substring) {
  return ScalarFunctionDef{"SUBSTRING", "SUBSTRING(STRING FROM INT start [FOR INT length]) → STRING",
                           "Returns the substring starting at the 1-based start (negative: from the end) with the "
                           "given length (to the end by default); NULL for a negative length.",
                           bind_substring("SUBSTRING")};
}

CF_REGISTER_SCALAR(substr) {
  return ScalarFunctionDef{"SUBSTR", "SUBSTR(STRING, INT start [, INT length]) → STRING",
                           "Returns the substring starting at the 1-based start (negative: from the end) with the "
                           "given length (to the end by default); same as SUBSTRING.",
                           bind_substring("SUBSTR")};
}

CF_REGISTER_SCALAR(replace) {
  return ScalarFunctionDef{
      "REPLACE", "REPLACE(STRING, STRING search, STRING replacement) → STRING",
      "Replaces every non-overlapping occurrence of search with replacement.",
      bind_fixed("REPLACE", {p_string(), p_string(), p_string()}, DataType::string(),
                 [](const Value* a, size_t, const EvalContext&) {
                   return Value::string(java_replace(str(a[0]), str(a[1]), str(a[2])));
                 })};
}

CF_REGISTER_SCALAR(overlay) {
  return ScalarFunctionDef{
      "OVERLAY", "OVERLAY(STRING PLACING STRING FROM INT start [FOR INT length]) → STRING",
      "Replaces length characters (the replacement's length by default) of the string from the 1-based start.",
      bind_fixed(
          "OVERLAY", {p_string(), p_string(), p_integer(), p_integer()}, DataType::string(),
          [](const Value* a, size_t n, const EvalContext&) {
            std::u32string s = utf8_decode(str(a[0])), r = utf8_decode(str(a[1]));
            int64_t start = a[2].as_int();
            int64_t len = n > 3 ? a[3].as_int() : static_cast<int64_t>(r.size());
            const int64_t size = static_cast<int64_t>(s.size());
            if (start <= 0 || start > size) return Value::string(str(a[0]));
            std::u32string out = s.substr(0, static_cast<size_t>(start - 1)) + r;
            if (start + len <= size && len > 0) out += s.substr(static_cast<size_t>(start - 1 + len));
            return Value::string(utf8_encode(out));
          },
          3)};
}

CF_REGISTER_SCALAR(concat) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    std::vector<Param> params(args.size(), p_string());
    std::vector<DataType> types;
    if (args.empty()) return sql::arg_count_error("CONCAT", 1, SIZE_MAX, 0);
    if (Status s = check_params("CONCAT", args, params, 1, &types); !s) return s;
    int64_t length = 0;
    bool all_char = true;
    for (const ArgInfo& a : args) {
      length += a.type.id == TypeId::kNull ? 0 : a.type.precision;
      all_char = all_char && a.type.id == TypeId::kChar;
    }
    int len = static_cast<int>(std::min<int64_t>(length, DataType::kMaxLength));
    DataType r = all_char ? DataType::chars(len) : DataType::varchar(len);
    return make_binding(r.with_nullable(sql::any_nullable(args)), types,
                        [](const Value* a, size_t n, const EvalContext&) {
                          std::string out;
                          for (size_t i = 0; i < n; ++i) out += str(a[i]);
                          return Value::string(std::move(out));
                        });
  };
  return ScalarFunctionDef{"CONCAT", "CONCAT(STRING, ...) → STRING",
                           "Concatenates the strings; NULL if any argument is NULL.", bind};
}

CF_REGISTER_SCALAR(concat_ws) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    if (args.size() < 2) return sql::arg_count_error("CONCAT_WS", 2, SIZE_MAX, args.size());
    std::vector<Param> params(args.size(), p_string());
    std::vector<DataType> types;
    if (Status s = check_params("CONCAT_WS", args, params, 2, &types); !s) return s;
    return make_binding(
        DataType::string().with_nullable(args[0].type.nullable), types,
        [](const Value* a, size_t n, const EvalContext&) {
          if (a[0].is_null()) return Value();
          std::string out;
          bool first = true;
          for (size_t i = 1; i < n; ++i) {
            if (a[i].is_null()) continue;
            if (!first) out += str(a[0]);
            out += str(a[i]);
            first = false;
          }
          return Value::string(std::move(out));
        },
        false);
  };
  return ScalarFunctionDef{"CONCAT_WS", "CONCAT_WS(STRING separator, STRING, ...) → STRING",
                           "Concatenates the strings with the separator between them, skipping NULLs; NULL if the "
                           "separator is NULL.",
                           bind};
}

namespace {

BindFn bind_pad(const char* name, bool left) {
  return [name, left](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    std::vector<DataType> types;
    if (Status s = check_params(name, args, {p_string(), p_integer(), p_string()}, 3, &types); !s) return s;
    return make_binding(DataType::string(), types, [left](const Value* a, size_t, const EvalContext&) {
      return pad(str(a[0]), a[1].as_int(), str(a[2]), left);
    });
  };
}

}  // namespace

CF_REGISTER_SCALAR(lpad) {
  return ScalarFunctionDef{"LPAD", "LPAD(STRING, INT length, STRING pad) → STRING",
                           "Left-pads the string with pad to length characters (shortens it when longer); NULL for "
                           "a negative length or an empty pad.",
                           bind_pad("LPAD", true)};
}

CF_REGISTER_SCALAR(rpad) {
  return ScalarFunctionDef{"RPAD", "RPAD(STRING, INT length, STRING pad) → STRING",
                           "Right-pads the string with pad to length characters (shortens it when longer); NULL for "
                           "a negative length or an empty pad.",
                           bind_pad("RPAD", false)};
}

CF_REGISTER_SCALAR(repeat) {
  return ScalarFunctionDef{"REPEAT", "REPEAT(STRING, INT times) → STRING",
                           "Returns the string repeated the given number of times (empty when not positive).",
                           bind_fixed("REPEAT", {p_string(), p_integer()}, DataType::string(),
                                      [](const Value* a, size_t, const EvalContext&) {
                                        int64_t times = a[1].as_int();
                                        const std::string& s = str(a[0]);
                                        if (times > 0 && !s.empty() && static_cast<uint64_t>(times) > (1u << 30) / s.size()) {
                                          fail("REPEAT: result of repeating a {}-byte string {} times is too large",
                                               s.size(), times);
                                        }
                                        std::string out;
                                        for (int64_t i = 0; i < times; ++i) out += s;
                                        return Value::string(std::move(out));
                                      })};
}

CF_REGISTER_SCALAR(reverse) {
  return ScalarFunctionDef{"REVERSE", "REVERSE(STRING) → STRING", "Returns the string with its characters reversed.",
                           bind_fixed("REVERSE", {p_string()}, varying, [](const Value* a, size_t, const EvalContext&) {
                             std::u32string cps = utf8_decode(str(a[0]));
                             std::reverse(cps.begin(), cps.end());
                             return Value::string(utf8_encode(cps));
                           })};
}

CF_REGISTER_SCALAR(initcap) {
  return ScalarFunctionDef{"INITCAP", "INITCAP(STRING) → STRING",
                           "Upper-cases the first character of each word (run of ASCII letters and digits) and "
                           "lower-cases the rest.",
                           bind_fixed("INITCAP", {p_string()}, same_as_arg0,
                                      [](const Value* a, size_t, const EvalContext&) {
                                        return Value::string(initcap(str(a[0])));
                                      })};
}

CF_REGISTER_SCALAR(split_index) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    std::vector<DataType> types;
    if (Status s = check_params("SPLIT_INDEX", args, {p_string(), p_string(), p_integer()}, 3, &types); !s) return s;
    return make_in_place_binding(DataType::string(), types, [](const auto& a, size_t, const EvalContext&) {
      int64_t index = a[2].as_int();
      if (index < 0) return Value();
      std::optional<std::string_view> part = split_part(str(a[0]), str(a[1]), static_cast<size_t>(index));
      if (!part) return Value();
      return Value::string(std::string(*part));
    });
  };
  return ScalarFunctionDef{"SPLIT_INDEX", "SPLIT_INDEX(STRING, STRING separator, INT index) → STRING",
                           "Splits the string by the separator and returns the 0-based index-th part; NULL when the "
                           "index is negative or out of range.",
                           bind};
}

CF_REGISTER_SCALAR(left) {
  return ScalarFunctionDef{"LEFT", "LEFT(STRING, INT length) → STRING",
                           "Returns the leftmost length characters; empty when length is negative.",
                           bind_fixed("LEFT", {p_string(), p_integer()}, varying,
                                      [](const Value* a, size_t, const EvalContext&) {
                                        int64_t len = a[1].as_int();
                                        const std::string& s = str(a[0]);
                                        if (len <= 0) return Value::string("");
                                        return Value::string(s.substr(0, utf8_offset(s, static_cast<size_t>(len))));
                                      })};
}

CF_REGISTER_SCALAR(right) {
  return ScalarFunctionDef{"RIGHT", "RIGHT(STRING, INT length) → STRING",
                           "Returns the rightmost length characters; empty when length is negative.",
                           bind_fixed("RIGHT", {p_string(), p_integer()}, varying,
                                      [](const Value* a, size_t, const EvalContext&) {
                                        int64_t len = a[1].as_int();
                                        const std::string& s = str(a[0]);
                                        if (len <= 0) return Value::string("");
                                        int64_t n = static_cast<int64_t>(utf8_length(s));
                                        if (len >= n) return Value::string(s);
                                        return Value::string(s.substr(utf8_offset(s, static_cast<size_t>(n - len))));
                                      })};
}

CF_REGISTER_SCALAR(ascii) {
  return ScalarFunctionDef{"ASCII", "ASCII(STRING) → INT",
                           "Returns the numeric code of the first character of the string (0 for an empty string).",
                           bind_fixed("ASCII", {p_string()}, DataType::integer(),
                                      [](const Value* a, size_t, const EvalContext&) {
                                        std::u32string cps = utf8_decode(str(a[0]));
                                        return Value::integer(cps.empty() ? 0 : static_cast<int64_t>(cps[0]));
                                      })};
}

CF_REGISTER_SCALAR(chr) {
  return ScalarFunctionDef{"CHR", "CHR(INT) → STRING",
                           "Returns the character whose code is the argument modulo 256 (empty when negative).",
                           bind_fixed("CHR", {p_integer()}, DataType::string(),
                                      [](const Value* a, size_t, const EvalContext&) {
                                        int64_t c = a[0].as_int();
                                        if (c < 0) return Value::string("");
                                        std::string out;
                                        utf8_append(out, static_cast<char32_t>(c & 0xFF));
                                        return Value::string(std::move(out));
                                      })};
}

CF_REGISTER_SCALAR(elt) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    if (args.size() < 2) return sql::arg_count_error("ELT", 2, SIZE_MAX, args.size());
    if (args[0].type.id != TypeId::kNull && !args[0].type.is_integer()) {
      return sql::arg_type_error("ELT", 0, "INTEGER", args[0].type);
    }
    DataType common = args[1].type.without_time_attribute();
    for (size_t i = 2; i < args.size(); ++i) {
      DataType next;
      if (!values::find_common_type(common, args[i].type.without_time_attribute(), &next)) {
        return Status::invalid_argument(fmt::format("ELT: arguments {} and {} have no common type ({} and {})", 2,
                                                    i + 1, common.to_string(), args[i].type.to_string()));
      }
      common = next;
    }
    if (common.id == TypeId::kNull) common = DataType::string();
    std::vector<DataType> types{args[0].type.id == TypeId::kNull ? DataType::integer() : args[0].type};
    for (size_t i = 1; i < args.size(); ++i) types.push_back(common.with_nullable(args[i].type.nullable));
    return make_binding(
        common.with_nullable(true), types,
        [](const Value* a, size_t n, const EvalContext&) {
          if (a[0].is_null()) return Value();
          int64_t index = a[0].as_int();
          if (index < 1 || index >= static_cast<int64_t>(n)) return Value();
          return a[index];
        },
        false);
  };
  return ScalarFunctionDef{"ELT", "ELT(INT index, expr1, expr2, ...) → common type",
                           "Returns the index-th expression (1-based); NULL when the index is out of range.", bind};
}

CF_REGISTER_SCALAR(to_base64) {
  return ScalarFunctionDef{"TO_BASE64", "TO_BASE64(STRING | BYTES) → STRING",
                           "Returns the base64 encoding of the string's UTF-8 bytes.",
                           bind_fixed("TO_BASE64",
                                      {Param{"STRING or BYTES",
                                             [](const DataType& t) { return t.is_string() || t.is_binary(); },
                                             [](const DataType& t) {
                                               return t.id == TypeId::kNull ? DataType::string() : t.without_time_attribute();
                                             }}},
                                      DataType::string(),
                                      [](const Value* a, size_t, const EvalContext&) {
                                        return Value::string(base64_encode(a[0].is_string() ? a[0].as_string()
                                                                                        : a[0].as_bytes()));
                                      })};
}

CF_REGISTER_SCALAR(from_base64) {
  return ScalarFunctionDef{"FROM_BASE64", "FROM_BASE64(STRING) → STRING",
                           "Returns the base64-decoded string; fails on input that is not base64.",
                           bind_fixed("FROM_BASE64", {p_string()}, DataType::string(),
                                      [](const Value* a, size_t, const EvalContext&) {
                                        return Value::string(from_base64(str(a[0])));
                                      })};
}

CF_REGISTER_SCALAR(uuid) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    if (Status s = check_count("UUID", args, 0, 0); !s) return s;
    return make_binding(DataType::chars(36).with_nullable(false), {}, [](const Value*, size_t, const EvalContext&) {
      thread_local std::mt19937_64 rng{std::random_device{}()};
      uint64_t hi = rng(), lo = rng();
      hi = (hi & ~0xF000ULL) | 0x4000ULL;                        // version 4
      lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // IETF variant
      return Value::string(fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF,
                                       hi & 0xFFFF, lo >> 48, lo & 0xFFFFFFFFFFFFULL));
    });
  };
  ScalarFunctionDef def{"UUID", "UUID() → CHAR(36) NOT NULL",
                        "Returns a random (version 4) UUID string such as 3d3c68f7-f608-473f-b60c-b0c44ad4cc4e.", bind};
  def.deterministic = false;
  return def;
}

}  // namespace careflow::exec::fn
