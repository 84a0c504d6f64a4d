// Avro binary decoding against a schema (serde/avro_binary.h). The first byte picks one of a few
// schemas that together use every type (a recursive record too); the rest is the datum's bytes.
// Any bytes decode or fail with a message, never crash; a decoded datum encodes, and that
// encoding decodes to the same datum.

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "serde/avro_binary.h"
#include "serde/avro_schema.h"

namespace {

using careflow::serde::avro::Schema;

const std::vector<Schema>& schemas() {
  static const std::vector<Schema> all = [] {
    const char* texts[] = {
        R"("string")",
        R"(["null", "long", "double", "bytes"])",
        R"({"type": "record", "name": "Reading", "namespace": "careflow", "fields": [
             {"name": "device_id", "type": "string"},
             {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}},
             {"name": "value", "type": ["null", "double"], "default": null},
             {"name": "ok", "type": "boolean"},
             {"name": "level", "type": "float"},
             {"name": "count", "type": "int"}]})",
        R"({"type": "record", "name": "Node", "fields": [
             {"name": "value", "type": "int"},
             {"name": "next", "type": ["null", "Node"]}]})",
        R"({"type": "map", "values": {"type": "array", "items": ["null", "string", "long"]}})",
        R"({"type": "record", "name": "Kinds", "fields": [
             {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B", "C"]}},
             {"name": "f", "type": {"type": "fixed", "name": "F", "size": 4}},
             {"name": "d", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
             {"name": "u", "type": {"type": "string", "logicalType": "uuid"}},
             {"name": "days", "type": {"type": "int", "logicalType": "date"}}]})",
    };
    std::vector<Schema> out;
    for (const char* t : texts) {
      auto s = Schema::parse(t);
      if (!s) std::abort();
      out.push_back(*s);
    }
    return out;
  }();
  return all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace careflow::serde::avro;
  if (size == 0) return 0;
  const Schema& schema = schemas()[data[0] % schemas().size()];
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  auto datum = decode(schema.root(), bytes);
  if (!datum) return 0;
  std::string encoded;
  if (!encode(schema.root(), *datum, encoded).is_ok()) std::abort();
  auto again = decode(schema.root(), encoded);
  std::string reencoded;
  if (!again || !encode(schema.root(), *again, reencoded).is_ok() || reencoded != encoded) std::abort();
  return 0;
}
