#pragma once
// Avro binary encoding driven by a compiled schema (spec "Binary Encoding").
//
// Decoding never trusts the bytes: a truncated varint, a union branch or enum index out of range,
// a negative length or one longer than the bytes that remain, and nesting deeper than
// kMaxDepth are errors naming what and where ("Avro decode: string length 4294967296 at byte 12
// exceeds the 7 bytes left"), never a crash or an allocation larger than the input justifies.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "serde/avro_datum.h"
#include "serde/avro_schema.h"

namespace careflow::serde::avro {

inline constexpr int kMaxDepth = 256;
// Items of a zero-byte schema (null, empty record) cost no input; a block may still not claim
// more of them than this.
inline constexpr int64_t kMaxZeroSizeItems = 1 << 20;

// Appends the encoding of `value` (shaped by `schema`) to `out`. Errors when the datum does not
// fit the schema (a union branch out of range, a fixed of the wrong size, an enum index out of
// range, a record with the wrong number of fields).
Status encode(const Node& schema, const Datum& value, std::string& out);

// Decodes one datum of `schema` from the front of `bytes`; `*consumed` (optional) receives the
// number of bytes read. Trailing bytes are allowed (container blocks hold many datums).
Result<Datum> decode(const Node& schema, std::string_view bytes, size_t* consumed = nullptr);

// The same into an existing datum, reusing its allocations (strings, vectors): the hot path for a
// stream of records of one schema. Members a type does not use (see avro_datum.h) may keep stale
// contents. On error `out` holds a partial value.
Status decode_into(const Node& schema, std::string_view bytes, Datum& out, size_t* consumed = nullptr);

// Zig-zag varints, exposed for the container format and the wire format.
void write_long(int64_t v, std::string& out);

class BinaryReader {
 public:
  explicit BinaryReader(std::string_view bytes) : data_(bytes) {}
  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }

  Result<int64_t> read_long();
  Result<int32_t> read_int();
  // A length prefix (bytes, string, fixed-size checks): non-negative and at most remaining().
  Result<int64_t> read_length(std::string_view what);
  Result<std::string_view> read_bytes(size_t n, std::string_view what);
  Status error(std::string_view message) const;

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace careflow::serde::avro
