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

}  // namespace
}  // namespace careflow
