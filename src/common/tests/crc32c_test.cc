#include "common/crc32c.h"

#include <gtest/gtest.h>

#include <string>

namespace careflow {
namespace {

// Check values from RFC 3720 (iSCSI) appendix B.4 and the common "123456789" vector.
TEST(Crc32c, KnownVectors) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
  std::string zeros(32, '\0');
  EXPECT_EQ(crc32c(zeros), 0x8A9136AAu);
  std::string ones(32, '\xFF');
  EXPECT_EQ(crc32c(ones), 0x62A8AB43u);
  std::string ascending(32, '\0');
  for (int i = 0; i < 32; ++i) ascending[i] = static_cast<char>(i);
  EXPECT_EQ(crc32c(ascending), 0x46DD794Eu);
}

TEST(Crc32c, ExtendEqualsWholeAtEverySplit) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data.push_back(static_cast<char>(i * 31 + 7));
  const uint32_t whole = crc32c(data);
  for (size_t split = 0; split <= data.size(); split += 37) {
    uint32_t part = crc32c(data.data(), split);
    EXPECT_EQ(crc32c_extend(part, data.data() + split, data.size() - split), whole) << split;
  }
}

// Large inputs take the three-stream path of the hardware CRC; the byte-at-a-time definition is the
// reference (every length around the 3 x 4096-byte rounds, and an unaligned start).
TEST(Crc32c, ThreeStreamsEqualTheBitwiseDefinition) {
  auto bitwise = [](const std::string& data) {
    uint32_t crc = ~0u;
    for (unsigned char byte : data) {
      crc ^= byte;
      for (int k = 0; k < 8; ++k) crc = (crc & 1) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
    }
    return ~crc;
  };
  std::string data;
  uint32_t state = 12345;
  for (int i = 0; i < 3 * 4096 * 3 + 100; ++i) {
    state = state * 1103515245u + 12345u;
    data.push_back(static_cast<char>(state >> 16));
  }
  for (size_t length : {size_t{12287}, size_t{12288}, size_t{12289}, size_t{24576 + 7}, data.size() - 1}) {
    const std::string part = data.substr(1, length);
    EXPECT_EQ(crc32c(part), bitwise(part)) << length;
  }
}

TEST(Crc32c, CombineJoinsAndTakesOffAPrefix) {
  std::string data;
  for (int i = 0; i < 20000; ++i) data.push_back(static_cast<char>(i * 131 + i / 7));
  for (size_t split : {size_t{0}, size_t{1}, size_t{55}, size_t{4096}, size_t{19999}, data.size()}) {
    const std::string_view a = std::string_view(data).substr(0, split), b = std::string_view(data).substr(split);
    const uint32_t crc_a = crc32c(a), crc_b = crc32c(b), whole = crc32c(data);
    EXPECT_EQ(crc32c_combine(crc_a, crc_b, b.size()), whole) << split;
    // The CRC of the suffix, from the whole's and the prefix's.
    EXPECT_EQ(whole ^ crc32c_combine(crc_a, 0, b.size()), crc_b) << split;
  }
}

}  // namespace
}  // namespace careflow
