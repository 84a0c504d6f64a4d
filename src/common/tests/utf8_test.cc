// is_valid_utf8 against RFC 3629's edges.

#include "common/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace careflow {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii\t\r\n"));
  EXPECT_TRUE(is_valid_utf8(std::string("nul \0 inside", 12)));
  EXPECT_TRUE(is_valid_utf8("\xc3\xa9t\xc3\xa9"));          // été
  EXPECT_TRUE(is_valid_utf8("\xe2\x82\xac"));               // €
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x92\x89"));           // 💉
  EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));           // U+10FFFF
}

TEST(Utf8, RefusesMalformedBytes) {
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\x80"));                      // stray continuation
  EXPECT_FALSE(is_valid_utf8("\xc3"));                      // truncated
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));                  // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf"));              // overlong
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));              // surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));          // past U+10FFFF
  EXPECT_FALSE(is_valid_utf8(std::string("\x00\x00\x00\x01\x02\xfe", 6)));
}

}  // namespace
}  // namespace careflow
