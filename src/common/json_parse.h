#pragma once
// JSON that comes from outside careflow (HTTP bodies, registry bodies, Avro schema text, CLI input
// lines) is parsed here and only here, so every such parser has the same two guards:
//   - a nesting limit: nlohmann's parser itself is iterative, but everything after it that walks
//     the value (dump, copies, our own validators, the Avro schema compiler) recurses once per
//     level, so 70,000 nested '[' overflowed the stack;
//   - the whole text is the value: nlohmann stops at a NUL byte as if the input ended there, so
//     "{}\0garbage" was accepted; here any NUL byte and anything but whitespace after the value
//     is refused.
// The nesting is checked by a pre-scan of the text before nlohmann parses it: one pass over the
// bytes. Measured (-O2, on a loaded machine): a 333-byte prescription body parses in 41 µs and the
// pre-scan adds 2.6 µs (6%); nlohmann's callback parser, the other way to see the depth, took
// 60 µs (+47%) because it calls back on every value; on a 1.6 MB document the pre-scan took 13 ms
// against 220-350 ms for the parse, the callback parser 670 ms.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string_view>

#include "common/status.h"

namespace careflow {

// Bodies and lines careflow accepts nest a handful of levels (a prescription's parameters: 3);
// 64 leaves room for any real document.
inline constexpr size_t kDefaultJsonDepth = 64;

// The JSON value that `text` holds (whitespace around it allowed). InvalidArgument, naming the byte
// offset, when the text is not one JSON value:
//   "JSON nests deeper than 64 levels at byte 64"
//   "JSON has a NUL byte at byte 2"
//   "invalid JSON at byte 1 (line 1, column 2): syntax error while parsing value - invalid literal; ..."
// Depth counts open arrays and objects: `[]` and `{}` are depth 1, a scalar is depth 0.
Result<nlohmann::json> parse_json(std::string_view text, size_t max_depth = kDefaultJsonDepth);
// The same, keeping object members in the order written (schemas and reports that are shown back).
Result<nlohmann::ordered_json> parse_ordered_json(std::string_view text, size_t max_depth = kDefaultJsonDepth);

// The pre-scan alone: OK when `text` has no NUL byte and does not nest deeper than `max_depth`
// (it does not check that the text is otherwise valid JSON).
Status check_json_nesting(std::string_view text, size_t max_depth);

}  // namespace careflow
