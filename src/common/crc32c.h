#pragma once
// CRC-32C (Castagnoli), as Kafka record batches and many storage formats use it.
// Debian ships no C/C++ CRC32C library, so this is our own: the SSE4.2 crc32 instruction when the
// CPU has it (checked once at start-up; three independent streams over large inputs, because the
// instruction's latency is three times its throughput), a slicing-by-8 table otherwise. Both give
// identical results.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace careflow {

// Extends `crc` (the value returned for the preceding bytes, 0 to start) over `data`.
uint32_t crc32c_extend(uint32_t crc, const void* data, size_t size);

inline uint32_t crc32c(const void* data, size_t size) { return crc32c_extend(0, data, size); }
inline uint32_t crc32c(std::string_view data) { return crc32c(data.data(), data.size()); }

// The CRC of A followed by B, from crc_a = crc32c(A), crc_b = crc32c(B) and B's length, without
// reading either (zlib's crc32_combine; O(log length_b)). It also takes a prefix off:
// crc32c(B) == crc32c(A + B) ^ crc32c_combine(crc32c(A), 0, length_b) — which is how a stored
// batch's CRC is carried over to another header without reading the records again.
uint32_t crc32c_combine(uint32_t crc_a, uint32_t crc_b, size_t length_b);

// True when the hardware path is in use (reported by benchmarks).
bool crc32c_is_hardware_accelerated();

}  // namespace careflow
