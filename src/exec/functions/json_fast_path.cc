#include "exec/functions/json_fast_path.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace careflow::exec::fn {

namespace {

class Scanner {
 public:
  Scanner(std::string_view s, const std::vector<std::string>& keys) : s_(s), keys_(keys) {}

  FastJsonResult run(std::string* text) {
    text_ = text;
    if (!value(0)) return FastJsonResult::kGiveUp;
    space();
    if (i_ != s_.size() || give_up_) return FastJsonResult::kGiveUp;
    if (found_) return FastJsonResult::kFound;
    return FastJsonResult::kMissing;
  }

 private:
  void space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }

  // A string; its text (without quotes) in *out when it has no escapes (else give up if wanted).
  bool string(std::string_view* out) {
    if (i_ >= s_.size() || s_[i_] != '"') return false;
    size_t start = ++i_;
    bool escaped = false;
    while (i_ < s_.size() && s_[i_] != '"') {
      unsigned char c = static_cast<unsigned char>(s_[i_]);
      if (c < 0x20) return false;
      if (c == '\\') {
        escaped = true;
        if (++i_ >= s_.size()) return false;
        char e = s_[i_];
        if (e == 'u') {
          for (int k = 0; k < 4; ++k) {
            if (++i_ >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[i_]))) return false;
          }
        } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
          return false;
        }
      }
      ++i_;
    }
    if (i_ >= s_.size()) return false;
    *out = s_.substr(start, i_ - start);
    ++i_;
    escaped_ = escaped;  // the raw text is then not the string's value
    return true;
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
  // at most 15 significant digits and no trailing zero (except "x.0").
  static bool prints_as_written(std::string_view t) {
    if (t.find_first_of("eE") != std::string_view::npos) return false;
    size_t point = t.find('.');
    size_t digits = 0;
    for (char c : t) digits += std::isdigit(static_cast<unsigned char>(c)) != 0;
    if (point == std::string_view::npos) return digits <= 18 && !(t == "-0");
    if (digits > 15) return false;
    std::string_view fraction = t.substr(point + 1);
    if (fraction.size() > 1 && fraction.back() == '0') return false;
    double v = std::fabs(std::strtod(std::string(t).c_str(), nullptr));
    return v >= 1e-3 && v < 1e7;
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
    char c = s_[i_];
    if (depth == keys_.size() && (c == '{' || c == '[' || c == 'n' || c == 't' || c == 'f')) give_up_ = true;
    if (c == '{') {
      ++i_;
      space();
      if (i_ < s_.size() && s_[i_] == '}') {
        ++i_;
        return true;
      }
      int matches = 0;
      for (;;) {
        space();
        std::string_view key;
        if (!string(&key)) return false;
        bool key_escaped = escaped_;
        space();
        if (i_ >= s_.size() || s_[i_] != ':') return false;
        ++i_;
        bool on_path = depth < keys_.size() && !key_escaped && key == keys_[depth];
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
          return true;
        }
        return false;
      }
    }
    if (c == '[') {
      ++i_;
      space();
      if (i_ < s_.size() && s_[i_] == ']') {
        ++i_;
        return true;
      }
      for (;;) {
        if (!value(kOffPath)) return false;
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
    if (c == '"') {
      std::string_view text;
      if (!string(&text)) return false;
      if (depth == keys_.size()) {
        if (escaped_) give_up_ = true;
        else take(text);
      }
      return true;
    }
    if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) {
      std::string_view text;
      if (!number(&text)) return false;
      if (depth == keys_.size()) {
        if (!prints_as_written(text)) give_up_ = true;
        else take(text);
      }
      return true;
    }
    return literal("true") || literal("false") || literal("null");
  }

  void take(std::string_view text) {
    if (found_) give_up_ = true;
    found_ = true;
    text_->assign(text);
  }

  static constexpr size_t kOffPath = static_cast<size_t>(-1) / 2;
  std::string_view s_;
  const std::vector<std::string>& keys_;
  size_t i_ = 0;
  bool escaped_ = false;
  bool found_ = false;
  bool give_up_ = false;
  std::string* text_ = nullptr;
};

}  // namespace

FastJsonResult fast_json_member(std::string_view document, const std::vector<std::string>& keys, std::string* text) {
  if (keys.empty()) return FastJsonResult::kGiveUp;
  return Scanner(document, keys).run(text);
}

}  // namespace careflow::exec::fn
