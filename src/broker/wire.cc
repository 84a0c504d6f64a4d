#include "broker/wire.h"

#include <fmt/format.h>

#include <cstring>

namespace careflow::broker {
namespace {

template <typename T>
T big_endian(const char* p) {
  std::make_unsigned_t<T> v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v = static_cast<std::make_unsigned_t<T>>((v << 8) | static_cast<uint8_t>(p[i]));
  return static_cast<T>(v);
}

template <typename T>
void put_big_endian(std::string& out, T value) {
  auto v = static_cast<std::make_unsigned_t<T>>(value);
  char bytes[sizeof(T)];
  for (size_t i = 0; i < sizeof(T); ++i) bytes[sizeof(T) - 1 - i] = static_cast<char>((v >> (8 * i)) & 0xff);
  out.append(bytes, sizeof(T));
}

}  // namespace

void Reader::fail(std::string_view what) {
  if (error_.empty()) error_ = fmt::format("{} at byte {}", what, pos_);
}

bool Reader::take(size_t n, std::string_view what) {
  if (!ok()) return false;
  if (bytes_.size() - pos_ < n) {
    fail(fmt::format("truncated {} ({} bytes needed, {} left)", what, n, bytes_.size() - pos_));
    return false;
  }
  return true;
}

int8_t Reader::i8() {
  if (!take(1, "int8")) return 0;
  return static_cast<int8_t>(bytes_[pos_++]);
}
int16_t Reader::i16() {
  if (!take(2, "int16")) return 0;
  pos_ += 2;
  return big_endian<int16_t>(bytes_.data() + pos_ - 2);
}
int32_t Reader::i32() {
  if (!take(4, "int32")) return 0;
  pos_ += 4;
  return big_endian<int32_t>(bytes_.data() + pos_ - 4);
}
int64_t Reader::i64() {
  if (!take(8, "int64")) return 0;
  pos_ += 8;
  return big_endian<int64_t>(bytes_.data() + pos_ - 8);
}
uint32_t Reader::u32() { return static_cast<uint32_t>(i32()); }

uint32_t Reader::uvarint() {
  uint64_t value = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (!take(1, "varint")) return 0;
    const auto byte = static_cast<uint8_t>(bytes_[pos_++]);
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) {
      if (value > UINT32_MAX) break;
      return static_cast<uint32_t>(value);
    }
  }
  fail("varint longer than 5 bytes");
  return 0;
}

int32_t Reader::varint() {
  const int64_t v = varlong();
  if (v < INT32_MIN || v > INT32_MAX) {
    fail("varint out of the int32 range");
    return 0;
  }
  return static_cast<int32_t>(v);
}

int64_t Reader::varlong() {
  uint64_t value = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (!take(1, "varlong")) return 0;
    const auto byte = static_cast<uint8_t>(bytes_[pos_++]);
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return static_cast<int64_t>((value >> 1) ^ (~(value & 1) + 1));
  }
  fail("varlong longer than 10 bytes");
  return 0;
}

Uuid Reader::uuid() {
  Uuid id{};
  if (!take(16, "uuid")) return id;
  std::memcpy(id.data(), bytes_.data() + pos_, 16);
  pos_ += 16;
  return id;
}

int32_t Reader::length(bool flexible, bool wide) {
  int64_t n = 0;
  if (flexible) {
    n = static_cast<int64_t>(uvarint()) - 1;
  } else {
    n = wide ? i32() : i16();
  }
  if (!ok()) return 0;
  if (n < -1) {
    fail(fmt::format("negative length {}", n));
    return 0;
  }
  if (n > static_cast<int64_t>(bytes_.size() - pos_)) {
    fail(fmt::format("length {} past the end ({} bytes left)", n, bytes_.size() - pos_));
    return 0;
  }
  return static_cast<int32_t>(n);
}

std::optional<std::string> Reader::nullable_string(bool flexible) {
  const int32_t n = length(flexible, false);
  if (!ok() || n < 0) return std::nullopt;
  std::string s(bytes_.substr(pos_, static_cast<size_t>(n)));
  pos_ += static_cast<size_t>(n);
  return s;
}

std::string Reader::string(bool flexible) {
  auto s = nullable_string(flexible);
  if (ok() && !s) fail("null string where one is required");
  return s.value_or("");
}

std::optional<std::string_view> Reader::nullable_bytes(bool flexible) {
  const int32_t n = length(flexible, true);
  if (!ok() || n < 0) return std::nullopt;
  std::string_view b = bytes_.substr(pos_, static_cast<size_t>(n));
  pos_ += static_cast<size_t>(n);
  return b;
}

std::string_view Reader::raw(size_t n) {
  if (!take(n, "bytes")) return {};
  pos_ += n;
  return bytes_.substr(pos_ - n, n);
}

int32_t Reader::array_length(bool flexible) { return length(flexible, true); }

void Reader::tagged_fields(bool flexible) {
  if (!flexible) return;
  const uint32_t count = uvarint();
  for (uint32_t i = 0; i < count && ok(); ++i) {
    (void)uvarint();  // tag
    const uint32_t size = uvarint();
    (void)raw(size);
  }
}

void Writer::i16(int16_t v) { put_big_endian(out_, v); }
void Writer::i32(int32_t v) { put_big_endian(out_, v); }
void Writer::i64(int64_t v) { put_big_endian(out_, v); }
void Writer::u32(uint32_t v) { put_big_endian(out_, v); }

void Writer::uvarint(uint32_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void Writer::varlong(int64_t value) {
  uint64_t v = (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void Writer::string(std::string_view s) {
  if (flexible_) {
    uvarint(static_cast<uint32_t>(s.size() + 1));
  } else {
    i16(static_cast<int16_t>(s.size()));
  }
  out_.append(s);
}

void Writer::nullable_string(const std::optional<std::string>& s) {
  if (s) return string(*s);
  if (flexible_) {
    uvarint(0);
  } else {
    i16(-1);
  }
}

void Writer::bytes(std::string_view b) {
  if (flexible_) {
    uvarint(static_cast<uint32_t>(b.size() + 1));
  } else {
    i32(static_cast<int32_t>(b.size()));
  }
  out_.append(b);
}

void Writer::null_bytes() {
  if (flexible_) {
    uvarint(0);
  } else {
    i32(-1);
  }
}

void Writer::array_length(size_t n) {
  if (flexible_) {
    uvarint(static_cast<uint32_t>(n + 1));
  } else {
    i32(static_cast<int32_t>(n));
  }
}

void Writer::null_array() { null_bytes(); }

void Writer::patch_i32(size_t at, int32_t v) {
  auto u = static_cast<uint32_t>(v);
  for (size_t i = 0; i < 4; ++i) out_[at + i] = static_cast<char>((u >> (8 * (3 - i))) & 0xff);
}

}  // namespace careflow::broker
