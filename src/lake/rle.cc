#include "lake/rle.h"

#include <fmt/format.h>

#include <array>
#include <cstring>
#include <utility>

namespace careflow::lake {

namespace {

void put_varint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Bit-packs `count` values (a multiple of 8, zero-padded by the caller) LSB first.
template <typename T>
void bit_pack(const T* values, size_t count, int bit_width, std::string* out) {
  uint64_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < count; ++i) {
    acc |= static_cast<uint64_t>(values[i]) << bits;
    bits += bit_width;
    while (bits >= 8) {
      out->push_back(static_cast<char>(acc & 0xff));
      acc >>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) out->push_back(static_cast<char>(acc & 0xff));
}

template <typename T>
void encode(std::span<const T> v, int bit_width, std::string* out) {
  const size_t n = v.size();
  const int value_bytes = (bit_width + 7) / 8;
  size_t literal_start = 0;  // values [literal_start, i) wait to be bit-packed
  auto flush_literals = [&](size_t end) {
    size_t count = end - literal_start;
    if (count == 0) return;
    size_t groups = (count + 7) / 8;
    put_varint((groups << 1) | 1, out);
    if (count % 8 == 0) {
      bit_pack(v.data() + literal_start, count, bit_width, out);
    } else {  // only the last run may be padded
      T padded[8] = {};
      size_t whole = count / 8 * 8;
      bit_pack(v.data() + literal_start, whole, bit_width, out);
      std::memcpy(padded, v.data() + literal_start + whole, (count - whole) * sizeof(T));
      bit_pack(padded, 8, bit_width, out);
    }
    literal_start = end;
  };
  size_t i = 0;
  while (i < n) {
    size_t run = 1;
    while (i + run < n && v[i + run] == v[i]) ++run;
    if (run >= 8) {
      // Literal groups hold 8 values: top the pending literals up to a whole group from the run.
      size_t pending = i - literal_start;
      size_t take = pending % 8 == 0 ? 0 : 8 - pending % 8;
      if (run - take >= 8) {
        flush_literals(i + take);
        size_t count = run - take;
        put_varint(count << 1, out);
        uint64_t value = v[i];
        for (int b = 0; b < value_bytes; ++b) out->push_back(static_cast<char>((value >> (8 * b)) & 0xff));
        i += run;
        literal_start = i;
        continue;
      }
    }
    i += run;
  }
  flush_literals(n);
}

// Unpacks up to `groups` whole groups of 8 values of W bits (W bytes a group) from `p`, while the
// loads of a group stay within the `readable` bytes from `p` (which may go past the run: the page's
// bytes follow it): each value one 8-byte load at an offset known at compile time, so that a group
// is straight-line code (the generic loop's shift and offset per value were most of a scan's level
// and dictionary-index decoding). Returns how many values it unpacked.
template <int W>
size_t unpack_groups(const uint8_t* p, size_t groups, size_t readable, uint32_t* out) {
  constexpr uint64_t mask = W == 32 ? 0xffffffffu : (uint64_t{1} << W) - 1;
  constexpr size_t reach = (7 * W) / 8 + 8;  // the bytes a group's loads touch
  size_t g = 0;
  for (; g < groups && g * W + reach <= readable; ++g) {
    const uint8_t* at = p + g * W;
    uint32_t* o = out + g * 8;
    for (int j = 0; j < 8; ++j) {
      uint64_t word;
      std::memcpy(&word, at + (j * W) / 8, 8);
      o[j] = static_cast<uint32_t>((word >> ((j * W) % 8)) & mask);
    }
  }
  return g * 8;
}

using UnpackGroups = size_t (*)(const uint8_t*, size_t, size_t, uint32_t*);

template <size_t... W>
constexpr std::array<UnpackGroups, sizeof...(W)> unpackers(std::index_sequence<W...>) {
  return {&unpack_groups<static_cast<int>(W)>...};
}

// By bit width, 0 to 32.
constexpr std::array<UnpackGroups, 33> kUnpackGroups = unpackers(std::make_index_sequence<33>());

}  // namespace

void rle_encode(std::span<const uint32_t> values, int bit_width, std::string* out) { encode(values, bit_width, out); }
void rle_encode(std::span<const uint8_t> values, int bit_width, std::string* out) { encode(values, bit_width, out); }

Status rle_decode(std::string_view in, int bit_width, std::span<uint32_t> out) {
  if (bit_width < 0 || bit_width > 32) return Status::corruption(fmt::format("bit width {} is not in 0..32", bit_width));
  const int value_bytes = (bit_width + 7) / 8;
  const uint64_t mask = bit_width == 32 ? 0xffffffffu : (uint64_t{1} << bit_width) - 1;
  size_t pos = 0;
  size_t filled = 0;
  while (filled < out.size()) {
    uint64_t header = 0;
    for (int shift = 0;; shift += 7) {
      if (pos >= in.size()) return Status::corruption(fmt::format("run header at byte {} is truncated", pos));
      if (shift > 28) return Status::corruption(fmt::format("run header at byte {} is too long", pos));
      auto b = static_cast<uint8_t>(in[pos++]);
      header |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    if (header & 1) {
      uint64_t count = (header >> 1) * 8;
      uint64_t bytes = (header >> 1) * static_cast<uint64_t>(bit_width);
      if (bytes > in.size() - pos) return Status::corruption(fmt::format("bit-packed run at byte {} runs past the end", pos));
      size_t take = static_cast<size_t>(std::min<uint64_t>(count, out.size() - filled));
      const auto* p = reinterpret_cast<const uint8_t*>(in.data() + pos);
      const size_t groups = bit_width == 0 ? 0 : take / 8;
      size_t k = kUnpackGroups[static_cast<size_t>(bit_width)](p, groups, in.size() - pos, out.data() + filled);
      uint64_t bit = static_cast<uint64_t>(k) * static_cast<uint64_t>(bit_width);
      // While 8 bytes remain in the run, one fixed-size load per value (a single instruction);
      // the last few values load only the bytes left.
      for (; k < take && bit / 8 + 8 <= bytes; ++k, bit += bit_width) {
        uint64_t word;
        std::memcpy(&word, p + bit / 8, 8);
        out[filled + k] = static_cast<uint32_t>((word >> (bit % 8)) & mask);
      }
      for (; k < take; ++k, bit += bit_width) {
        uint64_t word = 0;
        size_t first = bit / 8;
        std::memcpy(&word, p + first, static_cast<size_t>(bytes - first));
        out[filled + k] = static_cast<uint32_t>((word >> (bit % 8)) & mask);
      }
      filled += take;
      pos += bytes;
    } else {
      uint64_t count = header >> 1;
      if (count == 0) return Status::corruption(fmt::format("empty run at byte {}", pos));
      if (static_cast<size_t>(value_bytes) > in.size() - pos) {
        return Status::corruption(fmt::format("repeated run at byte {} is truncated", pos));
      }
      uint64_t value = 0;
      for (int b = 0; b < value_bytes; ++b) value |= static_cast<uint64_t>(static_cast<uint8_t>(in[pos + b])) << (8 * b);
      pos += value_bytes;
      if (value > mask) return Status::corruption(fmt::format("run value {} is wider than {} bits", value, bit_width));
      size_t take = static_cast<size_t>(std::min<uint64_t>(count, out.size() - filled));
      std::fill(out.begin() + filled, out.begin() + filled + take, static_cast<uint32_t>(value));
      filled += take;
    }
  }
  return Status::ok();
}

}  // namespace careflow::lake
