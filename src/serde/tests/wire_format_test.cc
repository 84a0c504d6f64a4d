#include <gtest/gtest.h>

#include "serde/wire_format.h"

namespace careflow::serde {
namespace {

TEST(WireFormat, HeaderIsMagicZeroThenBigEndianId) {
  std::string framed;
  write_wire_header(0x01020304, framed);
  framed += "payload";
  EXPECT_EQ(framed.substr(0, 5), std::string("\x00\x01\x02\x03\x04", 5));
  auto parsed = parse_wire(framed);
  ASSERT_TRUE(parsed.is_ok());
  EXPECT_EQ(parsed->schema_id, 0x01020304);
  EXPECT_EQ(parsed->payload, "payload");
}

TEST(WireFormat, RejectsShortInputAndUnknownMagic) {
  EXPECT_EQ(parse_wire(std::string("\x00\x00\x01", 3)).status().message(),
            "Confluent wire format: 3 bytes is shorter than the 5-byte header");
  EXPECT_EQ(parse_wire("{\"json\":1}").status().message(), "Confluent wire format: unknown magic byte 123 (expected 0)");
}

}  // namespace
}  // namespace careflow::serde
