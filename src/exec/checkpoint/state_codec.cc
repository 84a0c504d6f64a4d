#include "exec/checkpoint/state_codec.h"

#include <cstring>

namespace careflow::exec {

using values::Value;

namespace {
enum Tag : uint8_t { kNull, kFalse, kTrue, kInt, kDouble, kDecimal, kString, kBytes, kList, kMap };
constexpr int kMaxDepth = 64;
}  // namespace

void ByteWriter::varint(uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void ByteWriter::fixed64(uint64_t v) {
  for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void ByteWriter::value(const Value& v) {
  if (v.is_null()) return u8(kNull);
  if (v.is_bool()) return u8(v.as_bool() ? kTrue : kFalse);
  if (v.is_int()) {
    u8(kInt);
    return svarint(v.as_int());
  }
  if (v.is_double()) {
    u8(kDouble);
    uint64_t bits;
    double d = v.as_double();
    std::memcpy(&bits, &d, sizeof bits);
    return fixed64(bits);
  }
  if (v.is_decimal()) {
    u8(kDecimal);
    auto u = static_cast<values::uint128>(v.as_decimal());
    fixed64(static_cast<uint64_t>(u));
    return fixed64(static_cast<uint64_t>(u >> 64));
  }
  if (v.is_string()) {
    u8(kString);
    return bytes(v.as_string());
  }
  if (v.is_bytes()) {
    u8(kBytes);
    return bytes(v.as_bytes());
  }
  if (v.is_list()) {
    u8(kList);
    return values(v.as_list());
  }
  const values::MapEntries& map = v.as_map();  // the one kind left
  u8(kMap);
  varint(map.size());
  for (const auto& [k, x] : map) {
    value(k);
    value(x);
  }
}

void ByteReader::need(size_t n) const {
  if (n > in_.size() - pos_) {
    throw StateFormatError("state entry ends early: " + std::to_string(n) + " more bytes needed at byte " +
                           std::to_string(pos_) + " of " + std::to_string(in_.size()));
  }
}

uint8_t ByteReader::u8() {
  need(1);
  return static_cast<uint8_t>(in_[pos_++]);
}

uint64_t ByteReader::varint() {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    uint8_t b = u8();
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return v;
  }
  throw StateFormatError("a varint longer than 10 bytes at byte " + std::to_string(pos_));
}

uint64_t ByteReader::fixed64() {
  need(8);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(in_[pos_ + static_cast<size_t>(i)])) << (8 * i);
  pos_ += 8;
  return v;
}

std::string_view ByteReader::bytes() {
  uint64_t n = varint();
  need(n);
  std::string_view out = in_.substr(pos_, n);
  pos_ += n;
  return out;
}

size_t ByteReader::count() {
  uint64_t n = varint();
  need(n);  // every item takes at least one byte
  return n;
}

std::vector<Value> ByteReader::values() {
  size_t n = count();
  std::vector<Value> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(value());
  return out;
}

Value ByteReader::value_at(int depth) {
  if (depth > kMaxDepth) throw StateFormatError("values nested deeper than 64 at byte " + std::to_string(pos_));
  uint8_t tag = u8();
  switch (tag) {
    case kNull: return Value();
    case kFalse: return Value::boolean(false);
    case kTrue: return Value::boolean(true);
    case kInt: return Value::integer(svarint());
    case kDouble: {
      uint64_t bits = fixed64();
      double d;
      std::memcpy(&d, &bits, sizeof d);
      return Value::real(d);
    }
    case kDecimal: {
      values::uint128 lo = fixed64();
      values::uint128 hi = fixed64();
      return Value::decimal(static_cast<values::int128>((hi << 64) | lo));
    }
    case kString: return Value::string(std::string(bytes()));
    case kBytes: return Value::bytes(std::string(bytes()));
    case kList: {
      size_t n = count();
      std::vector<Value> items;
      items.reserve(n);
      for (size_t i = 0; i < n; ++i) items.push_back(value_at(depth + 1));
      return Value::list(std::move(items));
    }
    case kMap: {
      size_t n = count();
      values::MapEntries entries;
      entries.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        Value k = value_at(depth + 1);
        Value v = value_at(depth + 1);
        entries.emplace_back(std::move(k), std::move(v));
      }
      return Value::map(std::move(entries));
    }
    default: throw StateFormatError("unknown value tag " + std::to_string(tag) + " at byte " + std::to_string(pos_ - 1));
  }
}

}  // namespace careflow::exec
