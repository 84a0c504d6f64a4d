#include "lake/thrift_compact.h"

#include <fmt/format.h>

namespace careflow::lake::thrift {

namespace {
// Parquet's structs nest five deep at most (FileMetaData → RowGroup → ColumnChunk → ColumnMetaData
// → Statistics); unknown fields may add a few more. Anything deeper is a malformed file, and
// recursion without a limit would let one overflow the stack.
constexpr int kMaxDepth = 32;
}  // namespace

void CompactWriter::varint(uint64_t v) {
  while (v >= 0x80) {
    out_->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_->push_back(static_cast<char>(v));
}

void CompactWriter::field_header(int16_t id, CType type) {
  int delta = id - last_.back();
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_->push_back(static_cast<char>(type));
    i32(id);
  }
  last_.back() = id;
}

void CompactWriter::list_header(CType element, size_t size) {
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | static_cast<size_t>(element)));
  } else {
    out_->push_back(static_cast<char>(0xf0 | static_cast<int>(element)));
    varint(size);
  }
}

Status CompactReader::error(std::string_view what) const {
  return Status::corruption(fmt::format("{}: byte {}: {}", file_, base_ + pos_, what));
}

Result<uint64_t> CompactReader::varint() {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= data_.size()) return error("thrift: truncated varint");
    auto b = static_cast<uint8_t>(data_[pos_++]);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
  return error("thrift: varint longer than 10 bytes");
}

Result<int64_t> CompactReader::zigzag_varint() {
  CF_ASSIGN_OR_RETURN(uint64_t u, varint());
  return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

Result<FieldHeader> CompactReader::next_field() {
  if (pos_ >= data_.size()) return error("thrift: truncated struct (no stop byte)");
  auto b = static_cast<uint8_t>(data_[pos_++]);
  FieldHeader h;
  h.type = static_cast<CType>(b & 0x0f);
  if (h.type == CType::kStop) return h;
  if (b & 0xf0) {
    h.id = static_cast<int16_t>(last_.back() + (b >> 4));
  } else {
    CF_ASSIGN_OR_RETURN(int64_t id, zigzag_varint());
    if (id < INT16_MIN || id > INT16_MAX) return error("thrift: field id out of range");
    h.id = static_cast<int16_t>(id);
  }
  if (static_cast<uint8_t>(h.type) > static_cast<uint8_t>(CType::kStruct)) {
    return error(fmt::format("thrift: unknown field type {}", static_cast<int>(h.type)));
  }
  last_.back() = h.id;
  return h;
}

Status CompactReader::end_struct() {
  if (last_.size() <= 1) return error("thrift: unbalanced struct end");
  last_.pop_back();
  return Status::ok();
}

Status CompactReader::expect(CType field_type, CType want, std::string_view name) const {
  if (field_type == want) return Status::ok();
  return error(fmt::format("thrift: expected a field of type {}, found type {}", name, static_cast<int>(field_type)));
}

Status CompactReader::expect_struct(CType field_type) const { return expect(field_type, CType::kStruct, "struct"); }

Result<bool> CompactReader::read_bool(CType field_type) {
  if (field_type == CType::kTrue) return true;
  if (field_type == CType::kFalse) return false;
  return error("thrift: expected a bool field");
}

Result<int32_t> CompactReader::read_i32(CType field_type) {
  if (field_type != CType::kI32 && field_type != CType::kI16 && field_type != CType::kByte) {
    return expect(field_type, CType::kI32, "i32");
  }
  if (field_type == CType::kByte) {
    if (pos_ >= data_.size()) return error("thrift: truncated byte");
    return static_cast<int8_t>(data_[pos_++]);
  }
  CF_ASSIGN_OR_RETURN(int64_t v, zigzag_varint());
  if (v < INT32_MIN || v > INT32_MAX) return error("thrift: i32 out of range");
  return static_cast<int32_t>(v);
}

Result<int64_t> CompactReader::read_i64(CType field_type) {
  if (field_type == CType::kI32 || field_type == CType::kI16) return zigzag_varint();
  CF_RETURN_IF_ERROR(expect(field_type, CType::kI64, "i64"));
  return zigzag_varint();
}

Result<std::string_view> CompactReader::read_binary(CType field_type) {
  CF_RETURN_IF_ERROR(expect(field_type, CType::kBinary, "binary"));
  CF_ASSIGN_OR_RETURN(uint64_t n, varint());
  if (n > data_.size() - pos_) return error(fmt::format("thrift: binary of {} bytes runs past the end", n));
  std::string_view v = data_.substr(pos_, n);
  pos_ += n;
  return v;
}

Result<std::pair<CType, uint32_t>> CompactReader::read_list(CType field_type) {
  if (field_type != CType::kList && field_type != CType::kSet) return expect(field_type, CType::kList, "list");
  if (pos_ >= data_.size()) return error("thrift: truncated list header");
  auto b = static_cast<uint8_t>(data_[pos_++]);
  auto element = static_cast<CType>(b & 0x0f);
  uint64_t n = b >> 4;
  if (n == 15) {
    CF_ASSIGN_OR_RETURN(n, varint());
  }
  // Every element takes at least one byte, so a count above the bytes left is a lie.
  if (n > data_.size() - pos_) return error(fmt::format("thrift: list of {} elements runs past the end", n));
  return std::pair<CType, uint32_t>{element, static_cast<uint32_t>(n)};
}

Result<int32_t> CompactReader::read_list_i32(CType element) { return read_i32(element); }

Result<std::string_view> CompactReader::read_list_binary(CType element) { return read_binary(element); }

Result<int64_t> CompactReader::read_list_i64(CType element) { return read_i64(element); }

Result<bool> CompactReader::read_list_bool(CType element) {
  if (element != CType::kTrue && element != CType::kFalse) return error("thrift: expected a list of bools");
  if (pos_ >= data_.size()) return error("thrift: truncated bool");
  return data_[pos_++] == 1;
}

Status CompactReader::skip(CType type, int depth) {
  if (depth > kMaxDepth) return error("thrift: structs nested too deep");
  switch (type) {
    case CType::kTrue:
    case CType::kFalse: return Status::ok();  // a bool field's value is in its header
    case CType::kByte:
      if (pos_ >= data_.size()) return error("thrift: truncated byte");
      ++pos_;
      return Status::ok();
    case CType::kI16:
    case CType::kI32:
    case CType::kI64: return varint().status();
    case CType::kDouble:
      if (data_.size() - pos_ < 8) return error("thrift: truncated double");
      pos_ += 8;
      return Status::ok();
    case CType::kBinary: return read_binary(type).status();
    case CType::kList:
    case CType::kSet: {
      CF_ASSIGN_OR_RETURN(auto list, read_list(type));
      for (uint32_t i = 0; i < list.second; ++i) {
        // A bool inside a list is one byte.
        if (list.first == CType::kTrue || list.first == CType::kFalse) {
          CF_RETURN_IF_ERROR(skip(CType::kByte, depth + 1));
        } else {
          CF_RETURN_IF_ERROR(skip(list.first, depth + 1));
        }
      }
      return Status::ok();
    }
    case CType::kMap: {
      CF_ASSIGN_OR_RETURN(uint64_t n, varint());
      if (n == 0) return Status::ok();
      if (n > data_.size() - pos_) return error("thrift: map runs past the end");
      if (pos_ >= data_.size()) return error("thrift: truncated map header");
      auto kv = static_cast<uint8_t>(data_[pos_++]);
      for (uint64_t i = 0; i < n; ++i) {
        CF_RETURN_IF_ERROR(skip(static_cast<CType>(kv >> 4), depth + 1));
        CF_RETURN_IF_ERROR(skip(static_cast<CType>(kv & 0x0f), depth + 1));
      }
      return Status::ok();
    }
    case CType::kStruct: {
      begin_struct();
      for (;;) {
        CF_ASSIGN_OR_RETURN(FieldHeader h, next_field());
        if (h.type == CType::kStop) break;
        CF_RETURN_IF_ERROR(skip(h.type, depth + 1));
      }
      return end_struct();
    }
    case CType::kStop: break;
  }
  return error(fmt::format("thrift: cannot skip a value of type {}", static_cast<int>(type)));
}

}  // namespace careflow::lake::thrift
