// The RLE / bit-packing hybrid: round trips over run shapes and widths, and the spec's example.
#include <gtest/gtest.h>

#include <random>

#include "lake/rle.h"

namespace careflow::lake {
namespace {

std::vector<uint32_t> round_trip(const std::vector<uint32_t>& in, int width) {
  std::string bytes;
  rle_encode(in, width, &bytes);
  std::vector<uint32_t> out(in.size());
  Status s = rle_decode(bytes, width, out);
  EXPECT_TRUE(s.is_ok()) << s.to_string();
  return out;
}

TEST(Rle, RoundTripsRunsLiteralsAndMixes) {
  std::mt19937 rng(7);
  for (int width : {1, 2, 3, 7, 8, 13, 20, 32}) {
    uint64_t max = width == 32 ? 0xffffffffu : (1ull << width) - 1;
    for (size_t n : {0u, 1u, 7u, 8u, 9u, 63u, 1000u}) {
      std::vector<uint32_t> v(n);
      for (size_t i = 0; i < n; ++i) {
        // runs of random length of random values
        v[i] = (i > 0 && rng() % 3 != 0) ? v[i - 1] : static_cast<uint32_t>(rng() % (max + 1));
      }
      EXPECT_EQ(round_trip(v, width), v) << "width " << width << " n " << n;
    }
  }
}

TEST(Rle, LongRunIsOneRepeatedRun) {
  std::vector<uint32_t> v(100000, 1);
  std::string bytes;
  rle_encode(v, 1, &bytes);
  EXPECT_LE(bytes.size(), 4u);  // varint header (count << 1) + one value byte
  EXPECT_EQ(round_trip(v, 1), v);
}

TEST(Rle, DecodesTheSpecsBitPackedExample) {
  // Encodings.md: values 0..7 with bit width 3 bit-pack to 10001000 11000110 11111010.
  std::string bytes = {static_cast<char>(0x03), static_cast<char>(0x88), static_cast<char>(0xc6), static_cast<char>(0xfa)};
  std::vector<uint32_t> out(8);
  ASSERT_TRUE(rle_decode(bytes, 3, out).is_ok());
  EXPECT_EQ(out, (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(Rle, RejectsRunsPastTheEnd) {
  std::vector<uint32_t> out(16);
  Status s = rle_decode(std::string(1, static_cast<char>(0x05)), 8, out);  // 2 groups of 8 bytes, none present
  EXPECT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("runs past the end"), std::string::npos) << s.message();
  s = rle_decode(std::string(), 1, out);
  EXPECT_FALSE(s.is_ok());
  s = rle_decode(std::string("\x02\x05", 2), 2, out);  // a value of 5 does not fit 2 bits
  EXPECT_NE(s.message().find("wider than 2 bits"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace careflow::lake
