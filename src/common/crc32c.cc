#include "common/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <cpuid.h>
#include <nmmintrin.h>
#endif

namespace careflow {
namespace {

constexpr uint32_t kPolynomial = 0x82F63B78u;  // reflected Castagnoli polynomial

using Tables = std::array<std::array<uint32_t, 256>, 8>;

constexpr Tables make_tables() {
  Tables t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kPolynomial : c >> 1;
    t[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; ++i) {
    for (size_t s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xFF];
  }
  return t;
}

constexpr Tables kTables = make_tables();

// Polynomial arithmetic modulo the Castagnoli polynomial, in the reflected bit order of the CRC
// (bit 31 is x^0): what combining two CRCs needs.
constexpr uint32_t multiply_mod_p(uint32_t a, uint32_t b) {
  uint32_t product = 0;
  for (uint32_t m = 1u << 31; m != 0; m >>= 1) {
    if (a & m) product ^= b;
    b = (b & 1) ? (b >> 1) ^ kPolynomial : b >> 1;
  }
  return product;
}

// x^(2^k) mod P for k = 0..63.
using PowerTable = std::array<uint32_t, 64>;
constexpr PowerTable make_powers() {
  PowerTable t{};
  uint32_t p = 1u << 30;  // x^1
  for (uint32_t& entry : t) {
    entry = p;
    p = multiply_mod_p(p, p);
  }
  return t;
}
// constexpr, so that CRCs computed by other files' static initializers see them filled in.
constexpr PowerTable kPowers = make_powers();

// x^(8 * bytes) mod P: the operator that shifts a CRC register past `bytes` zero bytes.
constexpr uint32_t shift_operator(size_t bytes) {
  uint32_t p = 1u << 31;  // x^0
  uint64_t n = static_cast<uint64_t>(bytes) << 3;
  for (size_t k = 0; n != 0; n >>= 1, ++k) {
    if (n & 1) p = multiply_mod_p(kPowers[k & 63], p);
  }
  return p;
}

uint32_t extend_software(uint32_t crc, const uint8_t* p, size_t n) {
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    word ^= crc;
    crc = kTables[7][word & 0xFF] ^ kTables[6][(word >> 8) & 0xFF] ^ kTables[5][(word >> 16) & 0xFF] ^
          kTables[4][(word >> 24) & 0xFF] ^ kTables[3][(word >> 32) & 0xFF] ^
          kTables[2][(word >> 40) & 0xFF] ^ kTables[1][(word >> 48) & 0xFF] ^ kTables[0][word >> 56];
    p += 8;
    n -= 8;
  }
  while (n--) crc = kTables[0][(crc ^ *p++) & 0xFF] ^ (crc >> 8);
  return crc;
}

#if defined(__x86_64__)
// Three streams of kStreamBytes each per round, combined by shifting: the crc32 instruction takes
// three cycles but starts one per cycle, so one dependent chain uses a third of it.
constexpr size_t kStreamBytes = 4096;
constexpr uint32_t kStreamShift = shift_operator(kStreamBytes);

__attribute__((target("sse4.2"))) uint32_t extend_hardware(uint32_t crc, const uint8_t* p, size_t n) {
  uint64_t c = crc;
  while (n >= 3 * kStreamBytes) {
    uint64_t c1 = 0, c2 = 0;
    for (size_t i = 0; i < kStreamBytes; i += 8) {
      uint64_t w0, w1, w2;
      std::memcpy(&w0, p + i, 8);
      std::memcpy(&w1, p + kStreamBytes + i, 8);
      std::memcpy(&w2, p + 2 * kStreamBytes + i, 8);
      c = _mm_crc32_u64(c, w0);
      c1 = _mm_crc32_u64(c1, w1);
      c2 = _mm_crc32_u64(c2, w2);
    }
    // Raw registers (no inversion) combine linearly: shift each past what follows it.
    c = multiply_mod_p(kStreamShift, static_cast<uint32_t>(c)) ^ static_cast<uint32_t>(c1);
    c = multiply_mod_p(kStreamShift, static_cast<uint32_t>(c)) ^ static_cast<uint32_t>(c2);
    p += 3 * kStreamBytes;
    n -= 3 * kStreamBytes;
  }
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    c = _mm_crc32_u64(c, word);
    p += 8;
    n -= 8;
  }
  auto c32 = static_cast<uint32_t>(c);
  while (n--) c32 = _mm_crc32_u8(c32, *p++);
  return c32;
}

bool cpu_has_sse42() {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
  return (ecx & bit_SSE4_2) != 0;
}
const bool kHardware = cpu_has_sse42();
#else
const bool kHardware = false;
#endif

}  // namespace

bool crc32c_is_hardware_accelerated() { return kHardware; }

uint32_t crc32c_combine(uint32_t crc_a, uint32_t crc_b, size_t length_b) {
  return multiply_mod_p(shift_operator(length_b), crc_a) ^ crc_b;
}

uint32_t crc32c_extend(uint32_t crc, const void* data, size_t size) {
  const auto* p = static_cast<const uint8_t*>(data);
  crc = ~crc;
#if defined(__x86_64__)
  crc = kHardware ? extend_hardware(crc, p, size) : extend_software(crc, p, size);
#else
  crc = extend_software(crc, p, size);
#endif
  return ~crc;
}

}  // namespace careflow
