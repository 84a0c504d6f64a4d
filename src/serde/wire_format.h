#pragma once
// Confluent's wire format for Kafka keys and values: magic byte 0, the schema id as a 4-byte
// big-endian integer, then the payload (Avro binary of the registered schema).

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace careflow::serde {

inline constexpr size_t kWireHeaderBytes = 5;

struct WireMessage {
  int32_t schema_id = 0;
  std::string_view payload;  // points into the framed bytes
};

// Errors: fewer than 5 bytes, or a first byte other than 0 ("unknown magic byte 123").
Result<WireMessage> parse_wire(std::string_view framed);
// Appends the 5-byte header to `out` (the payload follows).
void write_wire_header(int32_t schema_id, std::string& out);

}  // namespace careflow::serde
