#pragma once
// Regular expressions as Flink's functions run them (java.util.regex.Pattern), on PCRE2 (Debian's
// libpcre2-8, JIT-compiled): Perl syntax, which is Java's for the constructs people write —
// including what std::regex's ECMAScript lacked (possessive quantifiers, lookbehind, inline flags,
// \p{...} classes) — and matched on the UTF-8 bytes themselves, with no conversion per row
// (std::wregex converted every string to wide characters and backtracked: Nexmark q21 spent most
// of its time there).
// How it follows Java where PCRE2's defaults differ:
//   - `.` and `$` treat \n, \r, \r\n, U+0085, U+2028, U+2029 as line ends (PCRE2's NEWLINE_ANY,
//     which also counts \v and \f: Java does not — a known difference);
//   - \d, \w, \s and case folding are ASCII-only unless the pattern asks otherwise, as Java's are;
//   - after an empty match, the next search starts one character further (Matcher.find), so
//     replacing and splitting visit the same matches as Java.
// A pattern PCRE2 cannot compile is invalid: the functions treat it as Flink treats a
// PatternSyntaxException (REGEXP gives FALSE, the others NULL).

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace careflow::exec::fn {

class JavaRegex {
 public:
  // nullptr when `pattern` does not compile.
  static std::shared_ptr<const JavaRegex> compile(const std::string& pattern);
  ~JavaRegex();
  JavaRegex(const JavaRegex&) = delete;
  JavaRegex& operator=(const JavaRegex&) = delete;

  // A match's groups as byte ranges of the subject; a group that did not take part is npos.
  struct Span {
    size_t begin = std::string_view::npos;
    size_t end = std::string_view::npos;
    bool matched() const { return begin != std::string_view::npos; }
  };
  using Groups = std::vector<Span>;  // [0] the whole match

  // The number of capturing groups (not counting group 0).
  size_t group_count() const { return groups_; }
  // Whether some substring of `text` matches (Matcher.find).
  bool search(std::string_view text) const;
  // The first match in `text` at or after byte `from`, or nullopt.
  std::optional<Groups> find(std::string_view text, size_t from = 0) const;
  // The same into `groups` (its storage reused): whether there was a match.
  bool find_into(std::string_view text, size_t from, Groups& groups) const;
  // Every match in `text`, in order, as Matcher.find() visits them; `visit(const Groups&)` returns
  // false to stop.
  template <typename Visit>
  void for_each_match(std::string_view text, Visit&& visit) const {
    Groups m;
    size_t from = 0;
    while (from <= text.size()) {
      if (!find_into(text, from, m) || !visit(m)) return;
      const Span whole = m[0];
      from = whole.end != whole.begin ? whole.end : next_char(text, whole.end);
    }
  }

 private:
  struct Compiled;
  explicit JavaRegex(std::unique_ptr<Compiled> compiled, size_t groups);
  // Matches at or after byte `from`: PCRE2's return code (> 0 matched, the match's offsets then in
  // the calling thread's match data, `*ovector`); 0 for no match. Throws EvalError on a failure
  // such as the match limit.
  int match(std::string_view text, size_t from, const size_t** ovector) const;
  // The byte after the UTF-8 character at `at` (one past the end at the end).
  static size_t next_char(std::string_view text, size_t at);

  std::unique_ptr<Compiled> compiled_;
  size_t groups_;
};

// Java's String.split(regex, limit) on `input`.
std::vector<std::string> java_split(const std::string& input, const JavaRegex& re, int limit);

}  // namespace careflow::exec::fn
