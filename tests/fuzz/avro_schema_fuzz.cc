// Avro schema text (serde/avro_schema.h): parse, Parsing Canonical Form and fingerprint. Any bytes
// parse or fail with a message, never crash; a parsed schema's canonical form parses again to the
// same canonical form.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "serde/avro_schema.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using careflow::serde::avro::Schema;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto schema = Schema::parse(text);
  if (!schema) return 0;
  const std::string canonical = schema->canonical_form();
  (void)schema->fingerprint();
  auto again = Schema::parse(canonical);
  if (!again || again->canonical_form() != canonical) std::abort();
  return 0;
}
