#include "exec/functions/java_regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <fmt/format.h>
#include <pcre2.h>

#include "values/eval_context.h"

namespace careflow::exec::fn {
namespace {

// Backtracking is bounded so that a pathological pattern fails the row with an error instead of
// stalling the job (Java would run on, or overflow its stack).
constexpr uint32_t kMatchLimit = 10'000'000;
constexpr size_t kJitStackMax = 1 << 20;

// Per thread: the JIT stack, the match context that hands it over, and match data grown to the
// widest pattern seen (a pattern's match data is not shareable between threads).
struct ThreadMatching {
  pcre2_jit_stack* stack = pcre2_jit_stack_create(32 * 1024, kJitStackMax, nullptr);
  pcre2_match_context* context = pcre2_match_context_create(nullptr);
  pcre2_match_data* data = nullptr;
  uint32_t pairs = 0;

  ThreadMatching() {
    pcre2_set_match_limit(context, kMatchLimit);
    if (stack != nullptr) pcre2_jit_stack_assign(context, nullptr, stack);
  }
  ~ThreadMatching() {
    pcre2_match_data_free(data);
    pcre2_match_context_free(context);
    pcre2_jit_stack_free(stack);
  }
  pcre2_match_data* data_for(uint32_t wanted_pairs) {
    if (data == nullptr || pairs < wanted_pairs) {
      pcre2_match_data_free(data);
      data = pcre2_match_data_create(wanted_pairs, nullptr);
      pairs = wanted_pairs;
    }
    return data;
  }
};

ThreadMatching& thread_matching() {
  thread_local ThreadMatching matching;
  return matching;
}

}  // namespace

struct JavaRegex::Compiled {
  pcre2_code* code = nullptr;
  ~Compiled() { pcre2_code_free(code); }
};

JavaRegex::JavaRegex(std::unique_ptr<Compiled> compiled, size_t groups) : compiled_(std::move(compiled)), groups_(groups) {}
JavaRegex::~JavaRegex() = default;

std::shared_ptr<const JavaRegex> JavaRegex::compile(const std::string& pattern) {
  pcre2_compile_context* context = pcre2_compile_context_create(nullptr);
  pcre2_set_newline(context, PCRE2_NEWLINE_ANY);
  int error = 0;
  PCRE2_SIZE error_offset = 0;
  auto compiled = std::make_unique<Compiled>();
  compiled->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                 PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &error, &error_offset, context);
  pcre2_compile_context_free(context);
  if (compiled->code == nullptr) return nullptr;
  pcre2_jit_compile(compiled->code, PCRE2_JIT_COMPLETE);  // the interpreter serves when JIT is not available
  uint32_t captures = 0;
  pcre2_pattern_info(compiled->code, PCRE2_INFO_CAPTURECOUNT, &captures);
  return std::shared_ptr<const JavaRegex>(new JavaRegex(std::move(compiled), captures));
}

// search() asks only whether there is a match: no spans are built (REGEXP runs it once a row).
bool JavaRegex::search(std::string_view text) const {
  const size_t* ovector = nullptr;
  return match(text, 0, &ovector) > 0;
}

int JavaRegex::match(std::string_view text, size_t from, const size_t** ovector) const {
  ThreadMatching& matching = thread_matching();
  pcre2_match_data* data = matching.data_for(static_cast<uint32_t>(groups_ + 1));
  const int rc = pcre2_match(compiled_->code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), from, 0, data,
                             matching.context);
  if (rc == PCRE2_ERROR_NOMATCH) return 0;
  if (rc < 0) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(rc, message, sizeof(message));
    throw values::EvalError(fmt::format("regular expression: {}", reinterpret_cast<const char*>(message)));
  }
  *ovector = pcre2_get_ovector_pointer(data);
  return rc;
}

bool JavaRegex::find_into(std::string_view text, size_t from, Groups& groups) const {
  const size_t* ovector = nullptr;
  const int rc = match(text, from, &ovector);
  if (rc == 0) return false;
  groups.assign(groups_ + 1, Span{});
  // rc - 1 is the highest group that matched; later ones stay unmatched.
  for (size_t g = 0; g < static_cast<size_t>(rc) && g <= groups_; ++g) {
    if (ovector[2 * g] != PCRE2_UNSET) groups[g] = {ovector[2 * g], ovector[2 * g + 1]};
  }
  return true;
}

std::optional<JavaRegex::Groups> JavaRegex::find(std::string_view text, size_t from) const {
  Groups groups;
  if (!find_into(text, from, groups)) return std::nullopt;
  return groups;
}

size_t JavaRegex::next_char(std::string_view text, size_t at) {
  if (at >= text.size()) return at + 1;
  size_t next = at + 1;
  while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) ++next;
  return next;
}

std::vector<std::string> java_split(const std::string& input, const JavaRegex& re, int limit) {
  std::vector<std::string> list;
  size_t index = 0;
  const bool limited = limit > 0;
  re.for_each_match(input, [&](const JavaRegex::Groups& m) {
    if (limited && static_cast<int>(list.size()) >= limit - 1) return false;
    const size_t start = m[0].begin, end = m[0].end;
    // A zero-width match at the very start never yields a leading empty string (Java 8+).
    if (index == 0 && start == 0 && start == end) return true;
    list.push_back(input.substr(index, start - index));
    index = end;
    return true;
  });
  if (index == 0) return {input};
  list.push_back(input.substr(index));
  if (limit == 0) {
    while (!list.empty() && list.back().empty()) list.pop_back();
  }
  return list;
}

}  // namespace careflow::exec::fn
