#pragma once
// Thrift's compact protocol, the encoding of every Parquet footer and page header
// (thrift's doc/specs/thrift-compact-protocol.md): varints, zigzag integers, field headers with
// id deltas, lists. careflow writes and reads the handful of Parquet structs by hand here rather
// than through Debian's libthrift: libthrift would bring the thrift compiler into the build, the
// parquet.thrift IDL into the repository and generated classes that allocate per field and trust
// the lengths they read (a malformed footer is exactly what the reader must survive). The
// protocol itself is a few hundred lines; the decoder below bounds every length by the bytes that
// remain and every nesting by a depth limit, and reports the file byte where decoding stopped.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace careflow::lake::thrift {

// Compact protocol type codes (the low nibble of a field header).
enum class CType : uint8_t {
  kStop = 0,
  kTrue = 1,   // a BOOL field whose value is true; also BOOL as a list element type
  kFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

// Appends to a string. Structs nest: begin_struct / end_struct keep the previous field id per level.
class CompactWriter {
 public:
  explicit CompactWriter(std::string* out) : out_(out) { last_.push_back(0); }

  void field_bool(int16_t id, bool v) { field_header(id, v ? CType::kTrue : CType::kFalse); }
  void field_byte(int16_t id, int8_t v) { field_header(id, CType::kByte); out_->push_back(static_cast<char>(v)); }
  void field_i16(int16_t id, int16_t v) { field_header(id, CType::kI16); i32(v); }
  void field_i32(int16_t id, int32_t v) { field_header(id, CType::kI32); i32(v); }
  void field_i64(int16_t id, int64_t v) { field_header(id, CType::kI64); i64(v); }
  void field_binary(int16_t id, std::string_view v) { field_header(id, CType::kBinary); binary(v); }
  void field_struct(int16_t id) { field_header(id, CType::kStruct); begin_struct(); }
  void field_list(int16_t id, CType element, size_t size) { field_header(id, CType::kList); list_header(element, size); }

  // A struct as a list element (no field header), and the end of any struct (the stop byte).
  void begin_struct() { last_.push_back(0); }
  void end_struct() { out_->push_back(0); last_.pop_back(); }

  void i32(int32_t v) { varint(zigzag(v)); }
  void i64(int64_t v) { varint(zigzag(v)); }
  void binary(std::string_view v) { varint(v.size()); out_->append(v); }
  void list_header(CType element, size_t size);

 private:
  static uint64_t zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
  void varint(uint64_t v);
  void field_header(int16_t id, CType type);

  std::string* out_;
  std::vector<int16_t> last_;
};

struct FieldHeader {
  CType type = CType::kStop;
  int16_t id = 0;
};

// Reads from a byte range that starts at `base` in a file named `file` (both only for messages).
class CompactReader {
 public:
  CompactReader(std::string_view bytes, std::string_view file, uint64_t base)
      : data_(bytes), file_(file), base_(base) {}

  // Field headers of the struct being read; type kStop at its end.
  Result<FieldHeader> next_field();
  void begin_struct() { last_.push_back(0); }
  Status end_struct();

  // Values, checked against the field's wire type.
  Result<bool> read_bool(CType field_type);  // a BOOL field: its value is in the header
  Result<int32_t> read_i32(CType field_type);
  Result<int64_t> read_i64(CType field_type);
  Result<std::string_view> read_binary(CType field_type);
  // A list's header: the element type and count (count bounded by the bytes left).
  Result<std::pair<CType, uint32_t>> read_list(CType field_type);
  Result<int32_t> read_list_i32(CType element);  // one element of a list<i32 or enum>
  Result<std::string_view> read_list_binary(CType element);
  Result<int64_t> read_list_i64(CType element);
  Result<bool> read_list_bool(CType element);  // one byte: 1 is true (Thrift's C++ and Java write 1 / 2)
  Status expect_struct(CType field_type) const;

  // Skips one value of the given wire type (unknown fields, fields careflow does not use).
  Status skip(CType type, int depth = 0);

  size_t position() const { return pos_; }
  // "<file>: byte N: <what>"
  Status error(std::string_view what) const;

 private:
  Result<uint64_t> varint();
  Result<int64_t> zigzag_varint();
  Status expect(CType field_type, CType want, std::string_view name) const;

  std::string_view data_;
  std::string_view file_;
  uint64_t base_;
  size_t pos_ = 0;
  std::vector<int16_t> last_{0};
};

// Calls on_field(header) for each field of the struct that starts at the reader's position; the
// callback reads or skips the field's value.
template <typename F>
Status read_struct(CompactReader& r, F&& on_field) {
  r.begin_struct();
  for (;;) {
    CF_ASSIGN_OR_RETURN(FieldHeader h, r.next_field());
    if (h.type == CType::kStop) break;
    CF_RETURN_IF_ERROR(on_field(h));
  }
  return r.end_struct();
}

}  // namespace careflow::lake::thrift
