#pragma once
// CRC-32C (Castagnoli), as Kafka record batches and many storage formats use it.
// Debian ships no C/C++ CRC32C library, so this is our own: the SSE4.2 crc32 instruction when the
// CPU has it (checked once at start-up), a slicing-by-8 table otherwise. Both give identical results.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace careflow {

// Extends `crc` (the value returned for the preceding bytes, 0 to start) over `data`.
uint32_t crc32c_extend(uint32_t crc, const void* data, size_t size);

inline uint32_t crc32c(const void* data, size_t size) { return crc32c_extend(0, data, size); }
inline uint32_t crc32c(std::string_view data) { return crc32c(data.data(), data.size()); }

// True when the hardware path is in use (reported by benchmarks).
bool crc32c_is_hardware_accelerated();

}  // namespace careflow
