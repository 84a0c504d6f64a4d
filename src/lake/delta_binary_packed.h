#pragma once
// Parquet's DELTA_BINARY_PACKED encoding of INT32 and INT64 values (Encodings.md, "Delta Encoding"):
// a header <block size> <miniblocks per block> <value count> <first value>, then blocks of the
// differences between consecutive values, each block stored as its smallest difference (zigzag
// ULEB128) and the differences minus it, bit-packed LSB first per miniblock at the miniblock's own
// width. Differences wrap around in two's complement in the column's width (32 or 64 bits), so
// INT32 deltas never take more than 32 bits, as the spec requires. careflow writes blocks of 128
// values in 4 miniblocks of 32, as Arrow and parquet-mr do.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace careflow::lake {

// Appends the encoding of `values`. With `int32`, each value is taken as its low 32 bits (an INT32
// column's values, which careflow buffers as int64).
void delta_encode(std::span<const int64_t> values, bool int32, std::string* out);

// Decodes `count` values from `in` and appends them to *out (INT32 values sign-extended). Errors
// (kCorruption; the message names the byte offset inside `in`, the caller adds the file and page):
// a malformed header, fewer values than `count`, a miniblock wider than the column or running past
// the end of `in`.
Status delta_decode(std::string_view in, bool int32, size_t count, std::vector<int64_t>* out);

}  // namespace careflow::lake
