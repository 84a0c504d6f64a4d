// JSON from outside careflow (common/json_parse.h): any bytes parse or fail with a message, never
// crash; what parses dumps and parses back to the same value, within the same nesting limit.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/json_parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (size_t depth : {size_t{4}, careflow::kDefaultJsonDepth}) {
    auto parsed = careflow::parse_json(text, depth);
    if (!parsed) continue;
    auto again = careflow::parse_json(parsed->dump(), depth);
    if (!again || *again != *parsed) std::abort();
  }
  (void)careflow::parse_ordered_json(text);
  return 0;
}
