// Regular expression functions (REGEXP, REGEXP_EXTRACT, REGEXP_REPLACE) and STR_TO_MAP, whose
// delimiters are regular expressions too. Patterns run on std::wregex (ECMAScript syntax, on code
// points), which agrees with Java's java.util.regex for the common constructs; Java-only syntax
// (possessive quantifiers, \p{...} classes, lookbehind, inline flags) does not compile and is
// treated as Flink treats an invalid pattern: REGEXP gives FALSE, the others NULL.
// Reference: https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/dev/table/functions/systemfunctions/#string-functions
// and SqlFunctionUtils.regExp / regexpExtract / regexpReplace / strToMap.

#include <map>
#include <mutex>
#include <regex>

#include "exec/functions/helpers.h"

namespace careflow::exec::fn {
namespace {

std::wstring wide(std::string_view s) {
  std::u32string u = utf8_decode(s);
  return std::wstring(u.begin(), u.end());
}

std::string narrow(std::wstring_view w) {
  std::string out;
  for (wchar_t c : w) utf8_append(out, static_cast<char32_t>(c));
  return out;
}

using RegexPtr = std::shared_ptr<const std::wregex>;

// Compiles a pattern; nullptr when it is not valid. A small per-thread cache serves
// non-constant patterns.
RegexPtr compile(const std::string& pattern) {
  thread_local std::map<std::string, RegexPtr> cache;
  if (auto it = cache.find(pattern); it != cache.end()) return it->second;
  RegexPtr re;
  try {
    re = std::make_shared<const std::wregex>(wide(pattern), std::regex::ECMAScript);
  } catch (const std::regex_error&) {
    re = nullptr;
  }
  if (cache.size() > 256) cache.clear();
  cache.emplace(pattern, re);
  return re;
}

// The compiled pattern of argument `index`: precompiled when constant.
struct PatternArg {
  bool constant = false;
  RegexPtr re;
  RegexPtr get(const Value& v) const { return constant ? re : compile(v.as_string()); }
};

PatternArg pattern_arg(const std::vector<ArgInfo>& args, size_t index) {
  PatternArg p;
  if (index < args.size()) {
    if (const Value* c = constant_of(args[index])) {
      p.constant = true;
      p.re = compile(c->as_string());
    }
  }
  return p;
}

// Java's String.split(regex, limit).
std::vector<std::string> java_split(const std::string& input, const std::wregex& re, int limit) {
  std::wstring w = wide(input);
  std::vector<std::string> list;
  size_t index = 0;
  const bool limited = limit > 0;
  for (auto it = std::wsregex_iterator(w.begin(), w.end(), re); it != std::wsregex_iterator(); ++it) {
    size_t start = static_cast<size_t>(it->position()), end = start + static_cast<size_t>(it->length());
    if (!limited || static_cast<int>(list.size()) < limit - 1) {
      if (index == 0 && start == 0 && start == end) continue;
      list.push_back(narrow(std::wstring_view(w).substr(index, start - index)));
      index = end;
    } else {
      break;
    }
  }
  if (index == 0) return {input};
  list.push_back(narrow(std::wstring_view(w).substr(index)));
  if (limit == 0) {
    while (!list.empty() && list.back().empty()) list.pop_back();
  }
  return list;
}

}  // namespace

CF_REGISTER_SCALAR(regexp) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    std::vector<DataType> types;
    if (Status s = check_params("REGEXP", args, {p_string(), p_string()}, 2, &types); !s) return s;
    PatternArg pat = pattern_arg(args, 1);
    return make_binding(DataType::boolean().with_nullable(sql::any_nullable(args)), types,
                        [pat](const Value* a, size_t, const EvalContext&) {
                          if (a[1].as_string().empty()) return Value::boolean(false);
                          RegexPtr re = pat.get(a[1]);
                          if (!re) return Value::boolean(false);
                          std::wstring s = wide(a[0].as_string());
                          return Value::boolean(std::regex_search(s, *re));
                        });
  };
  return ScalarFunctionDef{"REGEXP", "REGEXP(STRING, STRING regex) → BOOLEAN",
                           "Returns TRUE when any substring of the string matches the regular expression.", bind};
}

CF_REGISTER_SCALAR(regexp_extract) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    std::vector<DataType> types;
    if (Status s = check_params("REGEXP_EXTRACT", args, {p_string(), p_string(), p_integer()}, 2, &types); !s) return s;
    PatternArg pat = pattern_arg(args, 1);
    return make_binding(DataType::string(), types, [pat](const Value* a, size_t n, const EvalContext&) -> Value {
      RegexPtr re = pat.get(a[1]);
      if (!re) return Value();
      int64_t group = n > 2 ? a[2].as_int() : 0;
      std::wstring s = wide(a[0].as_string());
      std::wsmatch m;
      if (!std::regex_search(s, m, *re)) return Value();
      if (group < 0 || static_cast<size_t>(group) >= m.size()) return Value();
      if (!m[static_cast<size_t>(group)].matched) return Value();
      return Value::string(narrow(m[static_cast<size_t>(group)].str()));
    });
  };
  return ScalarFunctionDef{"REGEXP_EXTRACT", "REGEXP_EXTRACT(STRING, STRING regex [, INT group]) → STRING",
                           "Returns the given group (0, the whole match, by default) of the first match of the regular "
                           "expression; NULL when there is none.",
                           bind};
}

CF_REGISTER_SCALAR(regexp_replace) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    std::vector<DataType> types;
    if (Status s = check_params("REGEXP_REPLACE", args, {p_string(), p_string(), p_string()}, 3, &types); !s) return s;
    PatternArg pat = pattern_arg(args, 1);
    return make_binding(DataType::string(), types, [pat](const Value* a, size_t, const EvalContext&) -> Value {
      RegexPtr re = pat.get(a[1]);
      if (!re) return Value();
      std::wstring s = wide(a[0].as_string());
      std::wstring replacement = wide(a[2].as_string());
      std::wstring out;
      size_t last = 0;
      for (auto it = std::wsregex_iterator(s.begin(), s.end(), *re); it != std::wsregex_iterator(); ++it) {
        size_t start = static_cast<size_t>(it->position());
        out.append(s, last, start - last);
        out += replacement;  // Matcher.quoteReplacement: taken literally
        last = start + static_cast<size_t>(it->length());
      }
      out.append(s, last, std::wstring::npos);
      return Value::string(narrow(out));
    });
  };
  return ScalarFunctionDef{"REGEXP_REPLACE", "REGEXP_REPLACE(STRING, STRING regex, STRING replacement) → STRING",
                           "Replaces every match of the regular expression with the (literal) replacement.", bind};
}

CF_REGISTER_SCALAR(str_to_map) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    std::vector<DataType> types;
    if (args.size() == 2) return Status::invalid_argument("STR_TO_MAP expects 1 or 3 arguments, got 2");
    if (Status s = check_params("STR_TO_MAP", args, {p_string(), p_string(), p_string()}, 1, &types); !s) return s;
    PatternArg list_pat = pattern_arg(args, 1), kv_pat = pattern_arg(args, 2);
    return make_binding(DataType::map(DataType::string(), DataType::string()).with_nullable(sql::any_nullable(args)),
                        types, [list_pat, kv_pat](const Value* a, size_t n, const EvalContext&) -> Value {
                          const std::string& text = a[0].as_string();
                          if (text.empty()) return Value::map({});
                          RegexPtr list_re = n > 1 ? list_pat.get(a[1]) : compile(",");
                          RegexPtr kv_re = n > 2 ? kv_pat.get(a[2]) : compile("=");
                          if (!list_re || !kv_re) fail("STR_TO_MAP: invalid delimiter pattern");
                          values::MapEntries entries;
                          for (const std::string& pair : java_split(text, *list_re, 0)) {
                            std::vector<std::string> kv = java_split(pair, *kv_re, 2);
                            Value key = Value::string(kv.size() < 2 ? pair : kv[0]);
                            Value value = kv.size() < 2 ? Value() : Value::string(kv[1]);
                            bool replaced = false;
                            for (auto& e : entries) {
                              if (e.first == key) {
                                e.second = value;
                                replaced = true;
                              }
                            }
                            if (!replaced) entries.emplace_back(std::move(key), std::move(value));
                          }
                          return Value::map(std::move(entries));
                        });
  };
  return ScalarFunctionDef{"STR_TO_MAP", "STR_TO_MAP(STRING [, STRING pair_delimiter, STRING key_value_delimiter]) → "
                                         "MAP<STRING, STRING>",
                           "Splits the string into key/value pairs with regular-expression delimiters (',' and '=' by "
                           "default).",
                           bind};
}

}  // namespace careflow::exec::fn
