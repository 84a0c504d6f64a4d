#include "exec/functions/helpers.h"

#include <cwctype>
#include <locale>

namespace careflow::exec::fn {

ScalarBinding make_binding(DataType result, std::vector<DataType> arg_types, KernelFn fn, bool null_on_null) {
  ScalarBinding b;
  b.result = std::move(result);
  b.arg_types = std::move(arg_types);
  b.kernel = std::make_shared<sql::LambdaKernel>(std::move(fn));
  b.null_on_null = null_on_null;
  return b;
}

namespace {

DataType keep_or(const DataType& got, DataType when_null) {
  return got.id == TypeId::kNull ? when_null : got.without_time_attribute();
}

}  // namespace

Param p_string() {
  return {"STRING", [](const DataType& t) { return t.is_string(); },
          [](const DataType& t) { return keep_or(t, DataType::string()); }};
}

Param p_integer() {
  return {"INTEGER", [](const DataType& t) { return t.is_integer(); },
          [](const DataType& t) { return keep_or(t, DataType::integer()); }};
}

Param p_numeric() {
  return {"NUMERIC", [](const DataType& t) { return t.is_numeric(); },
          [](const DataType& t) { return keep_or(t, DataType::double_type()); }};
}

Param p_double() {
  return {"NUMERIC", [](const DataType& t) { return t.is_numeric(); },
          [](const DataType&) { return DataType::double_type(); }};
}

Param p_boolean() {
  return {"BOOLEAN", [](const DataType& t) { return t.id == TypeId::kBoolean; },
          [](const DataType&) { return DataType::boolean(); }};
}

Param p_any() {
  return {"ANY", [](const DataType&) { return true; }, [](const DataType& t) { return t.without_time_attribute(); }};
}

Status check_count(std::string_view name, const std::vector<ArgInfo>& args, size_t min_args, size_t max_args) {
  if (args.size() < min_args || args.size() > max_args) return sql::arg_count_error(name, min_args, max_args, args.size());
  return Status::ok();
}

Status check_params(std::string_view name, const std::vector<ArgInfo>& args, const std::vector<Param>& params,
                    size_t min_args, std::vector<DataType>* arg_types) {
  if (min_args > params.size()) min_args = params.size();
  if (Status s = check_count(name, args, min_args, params.size()); !s) return s;
  arg_types->clear();
  for (size_t i = 0; i < args.size(); ++i) {
    const DataType& t = args[i].type;
    // Nullability of the parameter follows the argument; the NOT NULL flag is kept so that the
    // binder's cast does not widen it.
    if (t.id != TypeId::kNull && !params[i].accepts(t)) {
      return sql::arg_type_error(name, i, params[i].expected, t);
    }
    arg_types->push_back(params[i].cast_to(t).with_nullable(t.nullable));
  }
  return Status::ok();
}

BindFn bind_fixed(std::string name, std::vector<Param> params, std::function<DataType(const std::vector<ArgInfo>&)> result,
                  KernelFn kernel, size_t min_args) {
  return [name = std::move(name), params = std::move(params), result = std::move(result), kernel = std::move(kernel),
          min_args](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    std::vector<DataType> types;
    if (Status s = check_params(name, args, params, min_args, &types); !s) return s;
    DataType r = result(args).with_nullable(sql::any_nullable(args));
    return make_binding(std::move(r), std::move(types), kernel);
  };
}

BindFn bind_fixed(std::string name, std::vector<Param> params, DataType result, KernelFn kernel, size_t min_args) {
  return bind_fixed(
      std::move(name), std::move(params), [result](const std::vector<ArgInfo>&) { return result; }, std::move(kernel),
      min_args);
}

// ---- UTF-8 ----

std::u32string utf8_decode(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;
    if (extra == 0) {
      out.push_back(c);
      ++i;
      continue;
    }
    if (extra < 0 || i + static_cast<size_t>(extra) >= s.size()) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    char32_t cp = extra == 0 ? c : extra == 1 ? (c & 0x1F) : extra == 2 ? (c & 0x0F) : (c & 0x07);
    bool ok = true;
    for (int k = 1; k <= extra; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
      if ((cc & 0xC0) != 0x80) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (!ok) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += static_cast<size_t>(extra) + 1;
  }
  return out;
}

void utf8_append(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

std::string utf8_encode(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) utf8_append(out, c);
  return out;
}

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

size_t utf8_offset(std::string_view s, size_t index) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (n == index) return i;
      ++n;
    }
  }
  return s.size();
}

namespace {

const std::ctype<wchar_t>* unicode_ctype() {
  static const std::ctype<wchar_t>* facet = []() -> const std::ctype<wchar_t>* {
    try {
      static const std::locale loc("C.UTF-8");
      return &std::use_facet<std::ctype<wchar_t>>(loc);
    } catch (const std::exception&) {
      return nullptr;
    }
  }();
  return facet;
}

}  // namespace

char32_t to_upper_cp(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') ? c - 32 : c;
  const auto* f = unicode_ctype();
  return f ? static_cast<char32_t>(f->toupper(static_cast<wchar_t>(c))) : c;
}

char32_t to_lower_cp(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  const auto* f = unicode_ctype();
  return f ? static_cast<char32_t>(f->tolower(static_cast<wchar_t>(c))) : c;
}

bool is_letter_cp(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  const auto* f = unicode_ctype();
  return f && f->is(std::ctype_base::alpha, static_cast<wchar_t>(c)) &&
         !f->is(std::ctype_base::digit, static_cast<wchar_t>(c));
}

bool is_digit_cp(char32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  // Java's Character.isDigit also accepts other scripts' decimal digits (Arabic-Indic, ...).
  static const char32_t kZeros[] = {0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66,
                                    0xCE6, 0xD66, 0xE50, 0xED0, 0xF20, 0x1040, 0x17E0, 0x1810, 0xFF10};
  for (char32_t z : kZeros) {
    if (c >= z && c <= z + 9) return true;
  }
  return false;
}

bool is_whitespace_cp(char32_t c) {
  if (c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F)) return true;
  if (c == 0xA0 || c == 0x2007 || c == 0x202F) return false;  // non-breaking spaces are not whitespace in Java
  return c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x205F || c == 0x3000;
}

const Value* constant_of(const ArgInfo& a) {
  if (a.constant && !a.constant->is_null()) return &*a.constant;
  return nullptr;
}

std::string to_hex_upper(std::string_view bytes) {
  static const char* kDigits = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    unsigned char u = static_cast<unsigned char>(c);
    out += kDigits[u >> 4];
    out += kDigits[u & 0xF];
  }
  return out;
}

int64_t clamp_to_int32(int64_t v) {
  if (v > INT32_MAX) return INT32_MAX;
  if (v < INT32_MIN) return INT32_MIN;
  return v;
}

}  // namespace careflow::exec::fn
