#pragma once
// Kafka's primitive types on the wire (the protocol guide's "Protocol Primitive Types"): big-endian
// fixed-width integers, zigzag varints, strings and bytes with an i16/i32 length or, in flexible
// versions, a compact (unsigned varint length + 1) form, arrays likewise, tagged fields and UUIDs.
// Private to broker/.
//
// The Reader never reads past its input and never allocates by a length it has not checked against
// the bytes left: any malformed or truncated field sets failed() (with the first problem named)
// and every later read returns zero values, so a request parser reads straight through and checks
// ok() once at the end.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace careflow::broker {

using Uuid = std::array<uint8_t, 16>;

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  int8_t i8();
  int16_t i16();
  int32_t i32();
  int64_t i64();
  uint32_t u32();
  bool boolean() { return i8() != 0; }
  uint32_t uvarint();
  int32_t varint();   // zigzag
  int64_t varlong();  // zigzag
  Uuid uuid();

  // A non-null string; a null one is a failure.
  std::string string(bool flexible);
  std::optional<std::string> nullable_string(bool flexible);
  // Bytes (i32 length, or compact): views into the input, nullopt for null.
  std::optional<std::string_view> nullable_bytes(bool flexible);
  std::string_view raw(size_t n);  // n bytes as they are
  // An array's element count; -1 for a null array. A count larger than the bytes left (every
  // element takes at least one byte) is a failure.
  int32_t array_length(bool flexible);
  // Skips a flexible version's tagged fields (nothing when not flexible).
  void tagged_fields(bool flexible);

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  size_t remaining() const { return ok() ? bytes_.size() - pos_ : 0; }
  size_t position() const { return pos_; }
  void fail(std::string_view what);

 private:
  bool take(size_t n, std::string_view what);
  int32_t length(bool flexible, bool wide);  // -1 = null; checked against the bytes left

  std::string_view bytes_;
  size_t pos_ = 0;
  std::string error_;
};

class Writer {
 public:
  explicit Writer(bool flexible = false) : flexible_(flexible) {}

  void i8(int8_t v) { out_.push_back(static_cast<char>(v)); }
  void i16(int16_t v);
  void i32(int32_t v);
  void i64(int64_t v);
  void u32(uint32_t v);
  void boolean(bool v) { i8(v ? 1 : 0); }
  void uvarint(uint32_t v);
  void varint(int32_t v) { varlong(v); }
  void varlong(int64_t v);  // zigzag
  void uuid(const Uuid& v) { out_.append(reinterpret_cast<const char*>(v.data()), v.size()); }

  void string(std::string_view s);
  void nullable_string(const std::optional<std::string>& s);
  void bytes(std::string_view b);
  void null_bytes();
  void array_length(size_t n);
  void null_array();
  void tagged_fields() {
    if (flexible_) uvarint(0);
  }
  void raw(std::string_view b) { out_.append(b); }

  // Overwrites the i32 at `at` (a length written before what it counts).
  void patch_i32(size_t at, int32_t v);
  size_t size() const { return out_.size(); }
  bool flexible() const { return flexible_; }
  std::string& buffer() { return out_; }

 private:
  bool flexible_;
  std::string out_;
};

}  // namespace careflow::broker
