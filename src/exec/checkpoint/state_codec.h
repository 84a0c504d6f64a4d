#pragma once
// The compact binary encoding of checkpointed state: varints, strings and careflow's run-time
// Values (which carry their own kind, so no schema is needed to read them back). Operators encode
// their keys and state entries with it; the checkpoint files (checkpoint_files.h) frame the bytes.
//
// Values: one tag byte, then 0 null, 1 false, 2 true, 3 integer (zigzag varint), 4 double (8 bytes
// little-endian), 5 decimal (16 bytes), 6 string and 7 bytes (varint length + bytes), 8 list
// (varint count + values), 9 map (varint count + key, value pairs).
//
// Reading never trusts the bytes: a length past the end, an unknown tag or nesting deeper than 64
// throws StateFormatError, which the restore turns into an error naming the file (the CRC of every
// chunk makes that a bug or a hand-made file, never a torn write).

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "values/value.h"

namespace careflow::exec {

struct StateFormatError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ByteWriter {
 public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void varint(uint64_t v);
  void svarint(int64_t v) { varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void fixed64(uint64_t v);
  void bytes(std::string_view b) {
    varint(b.size());
    out_.append(b);
  }
  void value(const values::Value& v);
  void values(const std::vector<values::Value>& vs) {
    varint(vs.size());
    for (const values::Value& v : vs) value(v);
  }

  const std::string& data() const { return out_; }
  std::string& data() { return out_; }
  std::string take() { return std::move(out_); }
  void clear() { out_.clear(); }

 private:
  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  uint8_t u8();
  uint64_t varint();
  int64_t svarint() {
    uint64_t u = varint();
    return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  uint64_t fixed64();
  std::string_view bytes();
  values::Value value() { return value_at(0); }
  std::vector<values::Value> values();
  // A count about to be followed by that many items of at least one byte each: refused when the
  // remaining bytes cannot hold them (a damaged count must not reserve gigabytes).
  size_t count();
  bool done() const { return pos_ == in_.size(); }
  size_t position() const { return pos_; }

 private:
  values::Value value_at(int depth);
  void need(size_t n) const;
  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace careflow::exec
