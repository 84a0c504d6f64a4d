#include "exec/functions/json_fast_path.h"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "values/value.h"

namespace careflow::exec::fn {

namespace {

// What the caller wants at the end of the member chain.
enum class Target {
  kScalar,     // JSON_VALUE: a string's or number's text
  kComposite,  // JSON_QUERY: an object's or array's compact text
  kElements,   // JSON_QUERY ... RETURNING ARRAY<STRING>: an array's elements, each as a string
};

// Bytes that stand for themselves inside a JSON string: printable ASCII but '"' and '\\'.
constexpr auto kPlain = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) plain[static_cast<size_t>(c)] = c != '"' && c != '\\';
  return plain;
}();

class Scanner {
 public:
  Scanner(std::string_view s, const std::vector<std::string>& keys, Target target)
      : s_(s), keys_(keys), target_(target) {}

  FastJsonResult run(std::string* text, std::vector<values::Value>* elements = nullptr) {
    text_ = text;
    elements_ = elements;
    if (!value(0)) return FastJsonResult::kGiveUp;
    space();
    if (i_ != s_.size() || give_up_) return FastJsonResult::kGiveUp;
    if (found_) return FastJsonResult::kFound;
    return FastJsonResult::kMissing;
  }

 private:
  // The byte loops work on locals: i_ is a member and the text is chars, which may alias it, so
  // the compiler would otherwise store i_ back on every byte.
  void space() {
    const char* p = s_.data();
    size_t i = i_;
    while (i < s_.size() && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r')) ++i;
    i_ = i;
  }

  // A string; its text (without quotes) in *out when it has no escapes (else give up if wanted).
  bool string(std::string_view* out) {
    if (i_ >= s_.size() || s_[i_] != '"') return false;
    size_t start = ++i_;
    bool escaped = false;
    for (;;) {
      i_ = skip_plain(i_);
      if (i_ >= s_.size()) return false;
      const unsigned char c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') break;
      if (c < 0x20) return false;
      if (c >= 0x80) {
        // The general path's parser rejects ill-formed UTF-8: so must this one.
        if (!utf8_sequence()) return false;
        continue;
      }
      // A backslash.
      escaped = true;
      if (++i_ >= s_.size()) return false;
      const char e = s_[i_];
      if (e == 'u') {
        // The parser also checks that \u escapes pair their surrogates; leave those to it.
        give_up_ = true;
        for (int k = 0; k < 4; ++k) {
          if (++i_ >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[i_]))) return false;
        }
      } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
        return false;
      }
      ++i_;
    }
    if (i_ >= s_.size()) return false;
    *out = s_.substr(start, i_ - start);
    ++i_;
    escaped_ = escaped;  // the raw text is then not the string's value
    // The general path re-escapes what it unescaped, not always as written: give up on escapes.
    if (capturing_ && escaped) give_up_ = true;
    return true;
  }

  // The first position from `i` on that holds a byte other than kPlain ones (or the end).
  size_t skip_plain(size_t i) const {
    const char* p = s_.data();
    const size_t n = s_.size();
#ifdef __SSE2__
    // Sixteen bytes at a time: '"', '\\', and (as signed bytes) everything below 0x20, which
    // includes every byte from 0x80 up.
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), space = _mm_set1_epi8(0x20);
    while (i + 16 <= n) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      const __m128i stop =
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)), _mm_cmplt_epi8(v, space));
      const int mask = _mm_movemask_epi8(stop);
      if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
      i += 16;
    }
#endif
    while (i < n && kPlain[static_cast<unsigned char>(p[i])]) ++i;
    return i;
  }

  // One multi-byte UTF-8 sequence starting at i_ (RFC 3629: no overlongs, no surrogates, at most
  // U+10FFFF); i_ moves past it.
  bool utf8_sequence() {
    const unsigned char c = static_cast<unsigned char>(s_[i_]);
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
    if (c >= 0xC2 && c <= 0xDF) n = 1;
    else if (c == 0xE0) n = 2, lo = 0xA0;
    else if (c == 0xED) n = 2, hi = 0x9F;
    else if (c >= 0xE1 && c <= 0xEF) n = 2;
    else if (c == 0xF0) n = 3, lo = 0x90;
    else if (c == 0xF4) n = 3, hi = 0x8F;
    else if (c >= 0xF1 && c <= 0xF3) n = 3;
    else return false;
    if (i_ + n >= s_.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      const unsigned char b = static_cast<unsigned char>(s_[i_ + k]);
      if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return false;
    }
    i_ += n + 1;
    return true;
  }

  // The text from `start` to i_ (a value just read) without the whitespace between its tokens: the
  // general path's compact serialization, given the checks made while capturing (no escapes,
  // numbers printed as written, no duplicate keys).
  void compact(size_t start, std::string* out) const {
    out->clear();
    out->reserve(i_ - start);
    size_t run = start;  // the start of the text not yet copied
    for (size_t k = start; k < i_; ++k) {
      const char c = s_[k];
      if (c == '"') {
        k = s_.find('"', k + 1);  // strings here have no escapes (else the caller gives up)
        if (k == std::string_view::npos || k >= i_) break;
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        out->append(s_.data() + run, k - run);
        run = k + 1;
      }
    }
    out->append(s_.data() + run, i_ - run);
  }

  bool number(std::string_view* out) {
    size_t start = i_;
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    if (i_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[i_]))) return false;
    if (s_[i_] == '0') ++i_;
    else while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (i_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[i_]))) return false;
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (i_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[i_]))) return false;
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
    }
    *out = s_.substr(start, i_ - start);
    return true;
  }

  // Whether a number token prints the same through the general path (an integer as a long, a
  // fraction as Java's Double.toString): short integers, and plain decimals in [1e-3, 1e7) with
  // at most 15 significant digits and no trailing zero (except "x.0"). Decided on the text alone.
  static bool prints_as_written(std::string_view t) {
    if (t.find_first_of("eE") != std::string_view::npos) return false;
    const size_t point = t.find('.');
    size_t digits = 0;
    for (char c : t) digits += std::isdigit(static_cast<unsigned char>(c)) != 0;
    if (point == std::string_view::npos) return digits <= 18 && !(t == "-0");
    if (digits > 15) return false;
    const std::string_view fraction = t.substr(point + 1);
    if (fraction.size() > 1 && fraction.back() == '0') return false;
    // |v| < 1e7: at most 7 digits before the point (a JSON number has no leading zeros).
    const std::string_view whole = t.substr(t[0] == '-' ? 1 : 0, point - (t[0] == '-' ? 1 : 0));
    if (whole.size() > 7) return false;
    // |v| >= 1e-3: a non-zero whole part, or a non-zero digit among the first three decimals.
    if (whole != "0") return true;
    return fraction.substr(0, 3).find_first_not_of('0') != std::string_view::npos;
  }

  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  // A value at `depth` keys into the path (depth == keys_.size() is the target).
  bool value(size_t depth) {
    space();
    if (i_ >= s_.size()) return false;
    const char c = s_[i_];
    const bool target = depth == keys_.size();
    if (target) {
      const bool composite = c == '{' || c == '[';
      if (target_ == Target::kScalar && (composite || c == 'n' || c == 't' || c == 'f')) give_up_ = true;
      if (target_ == Target::kComposite && !composite) give_up_ = true;
      if (target_ == Target::kElements && c != '[') give_up_ = true;
      if (target_ == Target::kElements && c == '[') return elements();
      if (target_ == Target::kComposite && composite) return captured(text_);
    }
    if (c == '{') return object(depth);
    if (c == '[') return array();
    if (c == '"') {
      std::string_view text;
      if (!string(&text)) return false;
      if (target) {
        if (escaped_) give_up_ = true;
        else take(text);
      }
      return true;
    }
    if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) {
      std::string_view text;
      if (!number(&text)) return false;
      if (target || capturing_) {
        if (!prints_as_written(text)) give_up_ = true;
        else if (target) take(text);
      }
      return true;
    }
    return literal("true") || literal("false") || literal("null");
  }

  bool object(size_t depth) {
    ++i_;
    space();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      return true;
    }
    int matches = 0;
    // In captured text a duplicate key would be dropped by the general path's parser: give up.
    // This object's keys are the tail of seen_ from `first_key` on (nested objects pop theirs).
    const size_t first_key = seen_.size();
    for (;;) {
      space();
      std::string_view key;
      if (!string(&key)) return false;
      const bool key_escaped = escaped_;
      if (capturing_) {
        for (size_t k = first_key; k < seen_.size(); ++k) {
          if (seen_[k] == key) give_up_ = true;
        }
        seen_.push_back(key);
      }
      space();
      if (i_ >= s_.size() || s_[i_] != ':') return false;
      ++i_;
      const bool on_path = depth < keys_.size() && !key_escaped && key == keys_[depth];
      if (depth < keys_.size() && key_escaped) give_up_ = true;  // cannot compare an escaped key cheaply
      if (on_path && ++matches > 1) give_up_ = true;  // duplicate key: leave it to the parser
      if (!value(on_path ? depth + 1 : kOffPath)) return false;
      space();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == '}') {
        ++i_;
        seen_.resize(first_key);
        return true;
      }
      return false;
    }
  }

  bool array() {
    return array_of([this] { return value(kOffPath); });
  }

  // An array whose elements `element` reads (it starts at the element's first byte).
  template <typename Element>
  bool array_of(Element element) {
    ++i_;
    space();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      return true;
    }
    for (;;) {
      space();
      if (i_ >= s_.size() || !element()) return false;
      space();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == ']') {
        ++i_;
        return true;
      }
      return false;
    }
  }

  // The value at i_ written compactly into *out, as the general path serializes it.
  bool captured(std::string* out) {
    const size_t start = i_;
    ++capturing_;
    const bool ok = s_[i_] == '{' ? object(kOffPath) : array();
    --capturing_;
    if (!ok) return false;
    compact(start, out);
    if (found_) give_up_ = true;
    found_ = true;
    return true;
  }

  // The target array's elements: strings unquoted, null as NULL, the rest as compact JSON text.
  bool elements() {
    if (found_) give_up_ = true;
    found_ = true;
    elements_->clear();
    return array_of([this] { return element(); });
  }

  bool element() {
    if (s_[i_] == '"') {
      std::string_view text;
      if (!string(&text)) return false;
      if (escaped_) give_up_ = true;
      elements_->push_back(values::Value::string(std::string(text)));
      return true;
    }
    if (s_[i_] == 'n') {
      if (!literal("null")) return false;
      elements_->emplace_back();
      return true;
    }
    const size_t start = i_;
    ++capturing_;
    const bool ok = value(kOffPath);
    --capturing_;
    if (!ok) return false;
    std::string text;
    compact(start, &text);
    elements_->push_back(values::Value::string(std::move(text)));
    return true;
  }

  void take(std::string_view text) {
    if (found_) give_up_ = true;
    found_ = true;
    text_->assign(text);
  }

  static constexpr size_t kOffPath = static_cast<size_t>(-1) / 2;
  std::string_view s_;
  const std::vector<std::string>& keys_;
  Target target_;
  size_t i_ = 0;
  bool escaped_ = false;
  bool found_ = false;
  bool give_up_ = false;
  std::string* text_ = nullptr;
  std::vector<values::Value>* elements_ = nullptr;
  int capturing_ = 0;  // > 0 while reading a value whose compact text is wanted
  std::vector<std::string_view> seen_;  // keys of the captured objects being read, innermost last
};

}  // namespace

FastJsonResult fast_json_member(std::string_view document, const std::vector<std::string>& keys, std::string* text) {
  if (keys.empty()) return FastJsonResult::kGiveUp;
  return Scanner(document, keys, Target::kScalar).run(text);
}

FastJsonResult fast_json_composite(std::string_view document, const std::vector<std::string>& keys, std::string* text) {
  return Scanner(document, keys, Target::kComposite).run(text);
}

FastJsonResult fast_json_elements(std::string_view document, const std::vector<std::string>& keys,
                                  std::vector<values::Value>* elements) {
  std::string unused;
  return Scanner(document, keys, Target::kElements).run(&unused, elements);
}

}  // namespace careflow::exec::fn
