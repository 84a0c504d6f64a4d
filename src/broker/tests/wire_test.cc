// Kafka's primitive types: what the Writer writes the Reader reads back, and malformed or
// truncated input fails the Reader (with the problem named) without reading past the end.

#include <gtest/gtest.h>

#include "broker/wire.h"

namespace careflow::broker {
namespace {

TEST(WireTest, RoundTripsEveryTypeInBothEncodings) {
  for (bool flexible : {false, true}) {
    Writer w(flexible);
    w.i8(-5);
    w.i16(-300);
    w.i32(123456789);
    w.i64(-9876543210123);
    w.uvarint(300);
    w.varint(-64);
    w.varlong(INT64_MIN);
    w.string("héllo");
    w.nullable_string(std::nullopt);
    w.bytes(std::string("a\0b", 3));
    w.null_bytes();
    w.array_length(2);
    w.i8(1);
    w.i8(2);
    w.tagged_fields();
    Reader r(w.buffer());
    EXPECT_EQ(r.i8(), -5);
    EXPECT_EQ(r.i16(), -300);
    EXPECT_EQ(r.i32(), 123456789);
    EXPECT_EQ(r.i64(), -9876543210123);
    EXPECT_EQ(r.uvarint(), 300u);
    EXPECT_EQ(r.varint(), -64);
    EXPECT_EQ(r.varlong(), INT64_MIN);
    EXPECT_EQ(r.string(flexible), "héllo");
    EXPECT_EQ(r.nullable_string(flexible), std::nullopt);
    EXPECT_EQ(r.nullable_bytes(flexible), std::string_view("a\0b", 3));
    EXPECT_EQ(r.nullable_bytes(flexible), std::nullopt);
    EXPECT_EQ(r.array_length(flexible), 2);
    EXPECT_EQ(r.i8() + r.i8(), 3);
    r.tagged_fields(flexible);
    EXPECT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(r.remaining(), 0u);
  }
}

TEST(WireTest, BigEndianOnTheWire) {
  Writer w;
  w.i32(0x01020304);
  EXPECT_EQ(w.buffer(), std::string("\x01\x02\x03\x04", 4));
}

TEST(WireTest, TruncatedInputFailsAndNamesIt) {
  Reader r(std::string_view("\x00\x01", 2));
  EXPECT_EQ(r.i32(), 0);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error().find("truncated int32"), std::string::npos) << r.error();
  EXPECT_EQ(r.i16(), 0);  // every later read is a zero value
}

TEST(WireTest, LengthsPastTheEndFailWithoutAllocating) {
  Writer w;
  w.i32(2'000'000'000);  // an array "of two billion elements" in 4 bytes
  Reader r(w.buffer());
  EXPECT_EQ(r.array_length(false), 0);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error().find("past the end"), std::string::npos) << r.error();

  Writer s;
  s.i16(100);
  s.raw("short");
  Reader rs(s.buffer());
  (void)rs.string(false);
  EXPECT_FALSE(rs.ok());

  Writer n;
  n.i16(-7);
  Reader rn(n.buffer());
  (void)rn.nullable_string(false);
  EXPECT_NE(rn.error().find("negative length"), std::string::npos) << rn.error();
}

TEST(WireTest, NullWhereAStringIsRequiredFails) {
  Writer w;
  w.nullable_string(std::nullopt);
  Reader r(w.buffer());
  (void)r.string(false);
  EXPECT_FALSE(r.ok());
}

TEST(WireTest, OverlongVarintsFail) {
  const std::string endless(12, '\xff');
  Reader a(endless);
  (void)a.uvarint();
  EXPECT_FALSE(a.ok());
  Reader b(endless);
  (void)b.varlong();
  EXPECT_FALSE(b.ok());
}

TEST(WireTest, TaggedFieldsAreSkipped) {
  Writer w(true);
  w.uvarint(2);  // two tagged fields
  w.uvarint(0);
  w.uvarint(3);
  w.raw("abc");
  w.uvarint(7);
  w.uvarint(0);
  w.i8(42);
  Reader r(w.buffer());
  r.tagged_fields(true);
  EXPECT_EQ(r.i8(), 42);
  EXPECT_TRUE(r.ok());
}

}  // namespace
}  // namespace careflow::broker
