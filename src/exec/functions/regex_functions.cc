// Regular expression functions (REGEXP, REGEXP_EXTRACT, REGEXP_REPLACE) and STR_TO_MAP, whose
// delimiters are regular expressions too, matched as Java's java.util.regex matches them
// (java_regex.h: PCRE2 on the UTF-8 bytes). An invalid pattern is treated as Flink treats one:
// REGEXP gives FALSE, the others NULL.
// Reference: https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/dev/table/functions/systemfunctions/#string-functions
// and SqlFunctionUtils.regExp / regexpExtract / regexpReplace / strToMap.

#include <map>
#include <string>

#include "exec/functions/helpers.h"
#include "exec/functions/java_regex.h"

namespace careflow::exec::fn {
namespace {

using RegexPtr = std::shared_ptr<const JavaRegex>;

// Compiles a pattern; nullptr when it is not valid. A small per-thread cache serves
// non-constant patterns.
RegexPtr compile(const std::string& pattern) {
  thread_local std::map<std::string, RegexPtr> cache;
  if (auto it = cache.find(pattern); it != cache.end()) return it->second;
  RegexPtr re = JavaRegex::compile(pattern);
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

}  // namespace

CF_REGISTER_SCALAR(regexp) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    std::vector<DataType> types;
    if (Status s = check_params("REGEXP", args, {p_string(), p_string()}, 2, &types); !s) return s;
    PatternArg pat = pattern_arg(args, 1);
    return make_in_place_binding(DataType::boolean().with_nullable(sql::any_nullable(args)), types,
                        [pat](const auto& a, size_t, const EvalContext&) {
                          if (a[1].as_string().empty()) return Value::boolean(false);
                          RegexPtr re = pat.get(a[1]);
                          if (!re) return Value::boolean(false);
                          return Value::boolean(re->search(a[0].as_string()));
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
    return make_in_place_binding(DataType::string(), types, [pat](const auto& a, size_t n, const EvalContext&) -> Value {
      RegexPtr re = pat.get(a[1]);
      if (!re) return Value();
      int64_t group = n > 2 ? a[2].as_int() : 0;
      if (group < 0 || static_cast<size_t>(group) > re->group_count()) return Value();
      const std::string& s = a[0].as_string();
      thread_local JavaRegex::Groups m;  // reused: a row allocates only its result
      if (!re->find_into(s, 0, m)) return Value();
      const JavaRegex::Span span = m[static_cast<size_t>(group)];
      if (!span.matched()) return Value();
      return Value::string(s.substr(span.begin, span.end - span.begin));
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
      const std::string& s = a[0].as_string();
      const std::string& replacement = a[2].as_string();
      std::string out;
      size_t last = 0;
      re->for_each_match(s, [&](const JavaRegex::Groups& m) {
        out.append(s, last, m[0].begin - last);
        out += replacement;  // Matcher.quoteReplacement: taken literally
        last = m[0].end;
        return true;
      });
      out.append(s, last, std::string::npos);
      return Value::string(std::move(out));
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
