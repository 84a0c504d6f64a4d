#pragma once
// A fast path for the commonest JSON_VALUE: a member chain ('$.a', 'lax $.a.b') over a document
// whose value there is a plain string or number. It validates the whole document as strict JSON
// (so malformed text still goes the general way) without building a tree, and gives up — the
// caller then takes the general path — on anything whose text would not be exactly what the
// general path returns: escapes in strings, numbers Java would print differently, duplicate keys,
// non-scalar values.

#include <string>
#include <string_view>
#include <vector>

namespace careflow::exec::fn {

enum class FastJsonResult {
  kFound,     // *text is the value as the general path would give it
  kMissing,   // the document is valid JSON and has no such member
  kGiveUp,    // take the general path
};

FastJsonResult fast_json_member(std::string_view document, const std::vector<std::string>& keys, std::string* text);

}  // namespace careflow::exec::fn
