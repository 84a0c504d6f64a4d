#pragma once
// A fast path for the commonest JSON_VALUE and JSON_QUERY calls: a member chain ('$', '$.a',
// 'lax $.a.b') over a document whose value there is a plain string or number (JSON_VALUE), or an
// object or array (JSON_QUERY). It validates the whole document as strict JSON, UTF-8 included (so
// malformed text still goes the general way), without building a tree, and gives up — the
// caller then takes the general path — on anything whose text would not be exactly what the
// general path returns: escapes in strings, numbers Java would print differently, duplicate keys,
// a value of the other kind.

#include <string>
#include <string_view>
#include <vector>

#include "values/value.h"

namespace careflow::exec::fn {

enum class FastJsonResult {
  kFound,     // *text is the value as the general path would give it
  kMissing,   // the document is valid JSON and has no such member
  kGiveUp,    // take the general path
};

// JSON_VALUE: the scalar's text.
FastJsonResult fast_json_member(std::string_view document, const std::vector<std::string>& keys, std::string* text);
// JSON_QUERY: the object's or array's compact text (Jackson's serialization of the parsed value).
FastJsonResult fast_json_composite(std::string_view document, const std::vector<std::string>& keys, std::string* text);
// JSON_QUERY ... RETURNING ARRAY<STRING>: the array's elements as STRING values (strings unquoted,
// null as NULL, the rest as compact text).
FastJsonResult fast_json_elements(std::string_view document, const std::vector<std::string>& keys,
                                  std::vector<values::Value>* elements);

}  // namespace careflow::exec::fn
