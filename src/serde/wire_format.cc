#include "serde/wire_format.h"

#include <fmt/format.h>

namespace careflow::serde {

Result<WireMessage> parse_wire(std::string_view framed) {
  if (framed.size() < kWireHeaderBytes) {
    return Status::invalid_argument(fmt::format("Confluent wire format: {} bytes is shorter than the 5-byte header", framed.size()));
  }
  if (framed[0] != 0) {
    return Status::invalid_argument(fmt::format("Confluent wire format: unknown magic byte {} (expected 0)", static_cast<uint8_t>(framed[0])));
  }
  uint32_t id = 0;
  for (size_t i = 1; i < kWireHeaderBytes; ++i) id = (id << 8) | static_cast<uint8_t>(framed[i]);
  return WireMessage{static_cast<int32_t>(id), framed.substr(kWireHeaderBytes)};
}

void write_wire_header(int32_t schema_id, std::string& out) {
  auto id = static_cast<uint32_t>(schema_id);
  out.push_back(0);
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(id >> shift));
}

}  // namespace careflow::serde
