#include "lake/delta_binary_packed.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <type_traits>

namespace careflow::lake {

namespace {

// 32 values of up to 64 bits pass through an accumulator that holds up to 71 bits at once.
__extension__ typedef unsigned __int128 Accumulator;

constexpr size_t kBlockValues = 128;
constexpr size_t kMiniblocks = 4;
constexpr size_t kMiniblockValues = kBlockValues / kMiniblocks;
// The largest block a reader accepts: writers use 128 (Arrow, parquet-mr) or a few times that; a
// bound keeps a hostile header from describing blocks of millions of values in a few bytes.
constexpr uint64_t kMaxBlockValues = 1 << 15;

void put_uleb(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void put_zigzag(int64_t v, std::string* out) { put_uleb((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63), out); }

// 32 values of at most `width` bits, LSB first, into exactly 4 * width bytes at p.
void pack_miniblock(const uint64_t* v, int width, char* p) {
  Accumulator acc = 0;
  int bits = 0;
  for (size_t i = 0; i < kMiniblockValues; ++i) {
    acc |= static_cast<Accumulator>(v[i]) << bits;
    bits += width;
    if (bits >= 64) {
      auto word = static_cast<uint64_t>(acc);
      std::memcpy(p, &word, 8);
      p += 8;
      acc >>= 64;
      bits -= 64;
    }
  }
  for (; bits > 0; bits -= 8, acc >>= 8) *p++ = static_cast<char>(static_cast<uint8_t>(acc));
}

// T is the column's width (int32_t or int64_t): deltas wrap around in it.
template <typename T>
void encode(std::span<const int64_t> values, std::string* out) {
  using U = std::make_unsigned_t<T>;
  const size_t n = values.size();
  put_uleb(kBlockValues, out);
  put_uleb(kMiniblocks, out);
  put_uleb(n, out);
  put_zigzag(n ? static_cast<T>(values[0]) : 0, out);
  T deltas[kBlockValues];
  uint64_t relative[kBlockValues];
  for (size_t start = 1; start < n; start += kBlockValues) {
    const size_t count = std::min(kBlockValues, n - start);
    T min = std::numeric_limits<T>::max();
    for (size_t i = 0; i < count; ++i) {
      const size_t at = start + i;
      deltas[i] = static_cast<T>(static_cast<U>(static_cast<T>(values[at])) - static_cast<U>(static_cast<T>(values[at - 1])));
      min = std::min(min, deltas[i]);
    }
    for (size_t i = 0; i < count; ++i) relative[i] = static_cast<U>(static_cast<U>(deltas[i]) - static_cast<U>(min));
    std::fill(relative + count, relative + kBlockValues, 0);  // the last miniblock's padding
    put_zigzag(min, out);
    const size_t used = (count + kMiniblockValues - 1) / kMiniblockValues;
    int widths[kMiniblocks] = {};
    for (size_t m = 0; m < used; ++m) {
      uint64_t any = 0;
      for (size_t i = 0; i < kMiniblockValues; ++i) any |= relative[m * kMiniblockValues + i];
      widths[m] = 64 - std::countl_zero(any);
    }
    // Widths of unused miniblocks are written as 0 and their bodies left out, as the spec says.
    for (int w : widths) out->push_back(static_cast<char>(w));
    for (size_t m = 0; m < used; ++m) {
      const size_t at = out->size();
      out->resize(at + 4 * static_cast<size_t>(widths[m]));
      pack_miniblock(relative + m * kMiniblockValues, widths[m], out->data() + at);
    }
  }
}

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  Status error(std::string_view what) const { return Status::corruption(fmt::format("DELTA_BINARY_PACKED: byte {}: {}", pos_, what)); }

  Status uleb(uint64_t* v, std::string_view what) {
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) return error(fmt::format("truncated {}", what));
      auto b = static_cast<uint8_t>(in_[pos_++]);
      *v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return Status::ok();
    }
    return error(fmt::format("{} longer than 10 bytes", what));
  }

  Status zigzag(int64_t* v, std::string_view what) {
    uint64_t u = 0;
    CF_RETURN_IF_ERROR(uleb(&u, what));
    *v = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
    return Status::ok();
  }

  // Unpacks n values of `width` bits (LSB first) into out, reading exactly the bytes they occupy.
  Status unpack(size_t n, int width, uint64_t* out) {
    const size_t bytes = (n * static_cast<size_t>(width) + 7) / 8;
    if (bytes > in_.size() - pos_) return error(fmt::format("a miniblock of {} bytes runs past the end of the page", bytes));
    const auto* p = reinterpret_cast<const uint8_t*>(in_.data() + pos_);
    const uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
    if (width <= 56 && in_.size() - pos_ >= bytes + 8) {
      // Each value from one unaligned 8-byte load (its bits span at most 63 of them), when the
      // input has 8 bytes to spare past the values: no loop over bytes, no branch per value.
      for (size_t i = 0; i < n; ++i) {
        const size_t bit = i * static_cast<size_t>(width);
        uint64_t word;
        std::memcpy(&word, p + bit / 8, 8);
        out[i] = (word >> (bit % 8)) & mask;
      }
      return Status::ok();
    }
    Accumulator acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; ++i) {
      while (bits < width) {
        acc |= static_cast<Accumulator>(*p++) << bits;
        bits += 8;
      }
      out[i] = static_cast<uint64_t>(acc) & mask;
      acc >>= width;
      bits -= width;
    }
    return Status::ok();
  }

  size_t position() const { return pos_; }
  size_t remaining() const { return in_.size() - pos_; }
  uint8_t byte_at(size_t i) const { return static_cast<uint8_t>(in_[i]); }
  void skip(size_t n) { pos_ += std::min(n, remaining()); }

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

template <typename T>
Status decode(std::string_view in, size_t count, std::vector<int64_t>* out) {
  using U = std::make_unsigned_t<T>;
  Reader r(in);
  uint64_t block = 0, miniblocks = 0, total = 0;
  int64_t first = 0;
  CF_RETURN_IF_ERROR(r.uleb(&block, "block size"));
  CF_RETURN_IF_ERROR(r.uleb(&miniblocks, "miniblock count"));
  CF_RETURN_IF_ERROR(r.uleb(&total, "value count"));
  CF_RETURN_IF_ERROR(r.zigzag(&first, "first value"));
  if (block == 0 || block % 128 != 0 || block > kMaxBlockValues) return r.error(fmt::format("block size {} is not a multiple of 128 up to {}", block, kMaxBlockValues));
  if (miniblocks == 0 || block % miniblocks != 0 || (block / miniblocks) % 32 != 0) {
    return r.error(fmt::format("{} miniblocks do not divide a block of {} into multiples of 32 values", miniblocks, block));
  }
  if (total < count) return r.error(fmt::format("the header holds {} values where the page has {}", total, count));
  if (count == 0) return Status::ok();
  const size_t per = block / miniblocks;
  constexpr int kMaxWidth = sizeof(T) * 8;
  size_t at = out->size();
  out->resize(at + count);
  int64_t* dst = out->data();
  auto previous = static_cast<U>(static_cast<T>(first));
  dst[at++] = static_cast<T>(previous);
  size_t left = count - 1;
  std::vector<uint64_t> relative(per);
  while (left > 0) {
    int64_t min_delta = 0;
    CF_RETURN_IF_ERROR(r.zigzag(&min_delta, "min delta"));
    if (r.remaining() < miniblocks) return r.error("truncated miniblock bit widths");
    const size_t widths_at = r.position();
    r.skip(miniblocks);
    const auto min = static_cast<U>(static_cast<T>(min_delta));
    for (size_t m = 0; m < miniblocks && left > 0; ++m) {
      const int width = r.byte_at(widths_at + m);
      if (width > kMaxWidth) return r.error(fmt::format("a miniblock of {}-bit deltas in a {}-bit column", width, kMaxWidth));
      const size_t n = std::min(per, left);
      CF_RETURN_IF_ERROR(r.unpack(n, width, relative.data()));
      for (size_t i = 0; i < n; ++i) {
        previous = static_cast<U>(previous + min + static_cast<U>(relative[i]));
        dst[at++] = static_cast<T>(previous);
      }
      left -= n;
      r.skip(per * static_cast<size_t>(width) / 8);  // a whole miniblock, padding included
    }
  }
  return Status::ok();
}

}  // namespace

void delta_encode(std::span<const int64_t> values, bool int32, std::string* out) {
  if (int32) encode<int32_t>(values, out);
  else encode<int64_t>(values, out);
}

Status delta_decode(std::string_view in, bool int32, size_t count, std::vector<int64_t>* out) {
  const size_t at = out->size();
  Status s = int32 ? decode<int32_t>(in, count, out) : decode<int64_t>(in, count, out);
  if (!s.is_ok()) out->resize(at);
  return s;
}

}  // namespace careflow::lake
