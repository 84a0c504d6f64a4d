// Base64 against RFC 4648's test vectors, and the inputs java.util.Base64's decoder refuses.

#include "common/base64.h"

#include <gtest/gtest.h>

namespace careflow {
namespace {

TEST(Base64, EncodesAndDecodesTheRfcVectors) {
  const std::pair<std::string, std::string> vectors[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                                                          {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
                                                          {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded);
    auto decoded = base64_decode(encoded);
    ASSERT_TRUE(decoded.is_ok()) << encoded << ": " << decoded.status().to_string();
    EXPECT_EQ(*decoded, plain);
  }
  const std::string binary("\x00\xff\xfe\x80\x7f", 5);
  EXPECT_EQ(base64_encode(binary), "AP/+gH8=");
  EXPECT_EQ(*base64_decode("AP/+gH8="), binary);
  EXPECT_EQ(*base64_decode("Zm8"), "fo");  // padding may be left out, as Java allows
}

TEST(Base64, RefusesWhatJavasDecoderRefuses) {
  EXPECT_EQ(base64_decode("a*b").status().message(), "illegal base64 character '*'");
  EXPECT_EQ(base64_decode("Zm-8").status().message(), "illegal base64 character '-'");  // URL-safe alphabet
  EXPECT_EQ(base64_decode("Zm8==").status().message(), "incorrect ending padding");
  EXPECT_EQ(base64_decode("Zm9vY").status().message(), "last unit does not have enough valid bits");
  EXPECT_EQ(base64_decode("Zg==Zg==").status().message(), "illegal base64 character '='");
}

}  // namespace
}  // namespace careflow
