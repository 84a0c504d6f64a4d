#pragma once
// Parquet's RLE / bit-packing hybrid (Encodings.md, "Run Length Encoding / Bit-Packing Hybrid"):
// definition levels and dictionary indices. A run is either a repeated value (header count << 1)
// or groups of 8 values bit-packed LSB first (header groups << 1 | 1).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"

namespace careflow::lake {

// Bits needed for values up to max_value (0 → 0).
inline int bit_width_of(uint64_t max_value) {
  int w = 0;
  while (max_value) { ++w; max_value >>= 1; }
  return w;
}

// Appends the hybrid encoding of `values` (each below 2^bit_width) without a length prefix.
// Runs of 8 or more equal values become RLE runs; the rest is bit-packed.
void rle_encode(std::span<const uint32_t> values, int bit_width, std::string* out);
void rle_encode(std::span<const uint8_t> values, int bit_width, std::string* out);

// Decodes exactly `out.size()` values. Errors (a run past the end of `in`, a value wider than
// bit_width allows) are returned with the byte offset inside `in` in the message; the caller adds
// the file and page.
Status rle_decode(std::string_view in, int bit_width, std::span<uint32_t> out);

}  // namespace careflow::lake
