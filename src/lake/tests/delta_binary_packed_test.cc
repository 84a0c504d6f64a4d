// DELTA_BINARY_PACKED: round trips at the block and miniblock edges (1 value, 127..130, whole
// blocks), negative and wrapping deltas, INT32 / INT64 extremes, equal values (width 0); streams
// with other block shapes; and malformed input.
#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "lake/delta_binary_packed.h"

namespace careflow::lake {
namespace {

constexpr int64_t kMin64 = std::numeric_limits<int64_t>::min(), kMax64 = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin32 = std::numeric_limits<int32_t>::min(), kMax32 = std::numeric_limits<int32_t>::max();

std::string encoded(const std::vector<int64_t>& in, bool int32) {
  std::string bytes;
  delta_encode(in, int32, &bytes);
  return bytes;
}

std::vector<int64_t> round_trip(const std::vector<int64_t>& in, bool int32) {
  std::vector<int64_t> out = {42};  // decoding appends
  Status s = delta_decode(encoded(in, int32), int32, in.size(), &out);
  EXPECT_TRUE(s.is_ok()) << s.to_string();
  EXPECT_EQ(out.front(), 42);
  return std::vector<int64_t>(out.begin() + 1, out.end());
}

std::vector<int64_t> ramp(size_t n, int64_t start, int64_t step) {
  std::vector<int64_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = start + static_cast<int64_t>(i) * step;
  return v;
}

TEST(DeltaBinaryPacked, RoundTripsAtBlockAndMiniblockEdges) {
  std::mt19937_64 rng(11);
  // 128 values are 127 deltas (the last miniblock padded), 129 exactly one block, 130 a second
  // block with one miniblock; 33 leaves three of four miniblocks unused.
  for (size_t n : {1u, 2u, 31u, 32u, 33u, 127u, 128u, 129u, 130u, 257u, 1000u}) {
    std::vector<int64_t> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = static_cast<int64_t>(rng() % 100'000) - 50'000;
    EXPECT_EQ(round_trip(v, false), v) << n << " INT64 values";
    EXPECT_EQ(round_trip(v, true), v) << n << " INT32 values";
  }
}

TEST(DeltaBinaryPacked, OneValueIsTheHeaderAlone) {
  // block size 128, 4 miniblocks, 1 value, first value -3 (zigzag 5): no block follows.
  EXPECT_EQ(encoded({-3}, false), std::string("\x80\x01\x04\x01\x05", 5));
  EXPECT_EQ(round_trip({-3}, false), (std::vector<int64_t>{-3}));
  EXPECT_EQ(encoded({}, true), std::string("\x80\x01\x04\x00\x00", 5));
}

TEST(DeltaBinaryPacked, EqualValuesTakeNoBitsPerValue) {
  const std::vector<int64_t> same(10'000, 1'764'547'200'000'000LL);
  std::string bytes = encoded(same, false);
  // Header, then per block of 128: min delta 0 (1 byte) and four widths of 0, no bodies.
  EXPECT_LE(bytes.size(), 16 + (10'000 / 128 + 1) * 5u);
  EXPECT_EQ(round_trip(same, false), same);
  // A steady clock: every delta is 1000, the min delta; still width 0.
  const std::vector<int64_t> ticks = ramp(10'000, 1'764'547'200'000'000LL, 1000);
  EXPECT_EQ(encoded(ticks, false).size(), bytes.size() + (10'000 / 128 + 1));  // min delta 1000 takes 2 bytes, not 1
  EXPECT_EQ(round_trip(ticks, false), ticks);
}

TEST(DeltaBinaryPacked, NegativeDeltas) {
  EXPECT_EQ(round_trip(ramp(300, 1'000'000, -7), false), ramp(300, 1'000'000, -7));
  EXPECT_EQ(round_trip(ramp(300, 1'000, -3), true), ramp(300, 1'000, -3));
  std::vector<int64_t> zigzag = {7, 5, 3, 1, 2, 3, 4, 5};  // the spec's second example
  EXPECT_EQ(round_trip(zigzag, false), zigzag);
}

TEST(DeltaBinaryPacked, ExtremesWrapAroundInTheColumnsWidth) {
  // Deltas between the extremes overflow: they wrap in two's complement and come back exact.
  std::vector<int64_t> v64 = {kMin64, kMax64, kMin64, 0, kMax64, -1, kMin64 + 1, kMax64 - 1};
  for (int i = 0; i < 200; ++i) v64.push_back(i % 2 ? kMax64 : kMin64);
  EXPECT_EQ(round_trip(v64, false), v64);
  std::vector<int64_t> v32 = {kMin32, kMax32, kMin32, 0, kMax32, -1, kMin32 + 1, kMax32 - 1};
  for (int i = 0; i < 200; ++i) v32.push_back(i % 3 ? kMax32 : kMin32);
  EXPECT_EQ(round_trip(v32, true), v32);
  // INT32 deltas wrap in 32 bits, so no miniblock is wider than 32 bits (the spec's rule): every
  // width byte of the first block is at most 32.
  std::string bytes = encoded(v32, true);
  // The header: 128 (2 bytes), 4, the count 208 (2 bytes), the first value INT32_MIN (5 bytes);
  // the block's min delta, INT32_MIN again (0 - INT32_MIN wraps to it; 5 bytes); its widths.
  const size_t widths_at = 15;
  for (size_t m = 0; m < 4; ++m) EXPECT_EQ(static_cast<uint8_t>(bytes[widths_at + m]), 32u) << "miniblock " << m;
}

TEST(DeltaBinaryPacked, ReadsOtherBlockShapesAndIgnoresUnusedWidths) {
  // Block of 128 in one miniblock of 128; values 0..9: min delta 1 (zigzag 2), width 0.
  std::vector<int64_t> out;
  ASSERT_TRUE(delta_decode(std::string("\x80\x01\x01\x0a\x00\x02\x00", 7), false, 10, &out).is_ok());
  EXPECT_EQ(out, ramp(10, 0, 1));
  // 4 miniblocks, 5 values (one miniblock used): the unused widths hold garbage readers must ignore.
  out.clear();
  std::string garbage("\x80\x01\x04\x05\x00\x02\x00\x07\x09\xc8", 10);
  ASSERT_TRUE(delta_decode(garbage, true, 5, &out).is_ok());
  EXPECT_EQ(out, ramp(5, 0, 1));
  // A header counting more values than the page asks for: the first ones are decoded.
  out.clear();
  ASSERT_TRUE(delta_decode(encoded(ramp(200, 5, 2), false), false, 150, &out).is_ok());
  EXPECT_EQ(out, ramp(150, 5, 2));
}

TEST(DeltaBinaryPacked, MalformedInputIsAnError) {
  std::vector<int64_t> out;
  auto fails = [&](const std::string& bytes, bool int32, size_t count, const std::string& what) {
    out = {1, 2};
    Status s = delta_decode(bytes, int32, count, &out);
    EXPECT_EQ(s.code(), StatusCode::kCorruption) << what;
    EXPECT_NE(s.message().find(what), std::string::npos) << s.message();
    EXPECT_EQ(out, (std::vector<int64_t>{1, 2})) << "a failed decode appends nothing";
  };
  std::mt19937_64 rng(5);
  std::vector<int64_t> noise(300);
  for (int64_t& v : noise) v = static_cast<int64_t>(rng() % (1 << 20));
  const std::string good = encoded(noise, false);
  fails(good.substr(0, 3), false, 300, "truncated value count");
  fails(good.substr(0, 30), false, 300, "runs past the end");  // inside the first miniblock (about 20 bits a value)
  fails(good, false, 301, "the header holds 300 values where the page has 301");
  fails(std::string("\x40\x04\x05\x00", 4), false, 5, "block size 64");
  fails(std::string("\x80\x01\x03\x05\x00", 5), false, 5, "3 miniblocks");
  fails(std::string("\x80\x01\x04\x05\x00\x02\x21\x00\x00\x00", 10), true, 5, "33-bit deltas in a 32-bit column");
  fails(std::string("\x80\x01\x04\x05\x00\x02\x41\x00\x00\x00", 10), false, 5, "65-bit deltas in a 64-bit column");
  fails(std::string("\x80\x01\x04\x05\x00\x02\x01", 7), false, 5, "truncated miniblock bit widths");
  fails(std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 11), false, 1, "longer than 10 bytes");
}

}  // namespace
}  // namespace careflow::lake
