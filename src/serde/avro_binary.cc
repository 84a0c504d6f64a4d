#include "serde/avro_binary.h"

#include <fmt/format.h>

#include <cstring>

namespace careflow::serde::avro {

void write_long(int64_t v, std::string& out) {
  uint64_t n = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  while (n & ~0x7fULL) {
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
}

Status BinaryReader::error(std::string_view message) const {
  return Status::invalid_argument(fmt::format("Avro decode: {} at byte {}", message, pos_));
}

Result<int64_t> BinaryReader::read_long() {
  uint64_t n = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= data_.size()) return error("truncated varint");
    auto b = static_cast<uint8_t>(data_[pos_++]);
    n |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return static_cast<int64_t>((n >> 1) ^ (0 - (n & 1)));
  }
  return error("varint longer than 10 bytes");
}

Result<int32_t> BinaryReader::read_int() {
  CF_ASSIGN_OR_RETURN(int64_t v, read_long());
  if (v < INT32_MIN || v > INT32_MAX) return error(fmt::format("int value {} out of the 32-bit range", v));
  return static_cast<int32_t>(v);
}

Result<int64_t> BinaryReader::read_length(std::string_view what) {
  size_t start = pos_;
  CF_ASSIGN_OR_RETURN(int64_t n, read_long());
  if (n < 0) {
    pos_ = start;
    return error(fmt::format("negative {} length {}", what, n));
  }
  if (static_cast<uint64_t>(n) > remaining()) {
    pos_ = start;
    return error(fmt::format("{} length {} exceeds the {} bytes left", what, n, data_.size() - start));
  }
  return n;
}

Result<std::string_view> BinaryReader::read_bytes(size_t n, std::string_view what) {
  if (n > remaining()) return error(fmt::format("{} of {} bytes exceeds the {} bytes left", what, n, remaining()));
  std::string_view out = data_.substr(pos_, n);
  pos_ += n;
  return out;
}

namespace {

template <typename T>
void append_le(T v, std::string& out) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));  // Avro floats are little-endian, as is every target we build for
  out.append(buf, sizeof(T));
}

Status encode_impl(const Node& node, const Datum& value, std::string& out, int depth) {
  if (depth > kMaxDepth) return Status::invalid_argument("Avro encode: value nested deeper than 256 levels");
  switch (node.type) {
    case Type::kNull: return Status::ok();
    case Type::kBoolean: out.push_back(value.i ? 1 : 0); return Status::ok();
    case Type::kInt:
    case Type::kLong: write_long(value.i, out); return Status::ok();
    case Type::kFloat: append_le(static_cast<float>(value.d), out); return Status::ok();
    case Type::kDouble: append_le(value.d, out); return Status::ok();
    case Type::kBytes:
    case Type::kString:
      write_long(static_cast<int64_t>(value.s.size()), out);
      out += value.s;
      return Status::ok();
    case Type::kFixed:
      if (static_cast<int64_t>(value.s.size()) != node.size) {
        return Status::invalid_argument(fmt::format("Avro encode: fixed '{}' needs {} bytes, got {}", node.fullname, node.size, value.s.size()));
      }
      out += value.s;
      return Status::ok();
    case Type::kEnum:
      if (value.i < 0 || value.i >= static_cast<int64_t>(node.symbols.size())) {
        return Status::invalid_argument(fmt::format("Avro encode: enum '{}' has no symbol #{}", node.fullname, value.i));
      }
      write_long(value.i, out);
      return Status::ok();
    case Type::kRecord:
      if (value.items.size() != node.fields.size()) {
        return Status::invalid_argument(fmt::format("Avro encode: record '{}' has {} fields, the value {}", node.fullname,
                                                    node.fields.size(), value.items.size()));
      }
      for (size_t f = 0; f < node.fields.size(); ++f) {
        Status s = encode_impl(*node.fields[f].type, value.items[f], out, depth + 1);
        if (!s.is_ok()) return s.with_context(fmt::format("field '{}'", node.fields[f].name));
      }
      return Status::ok();
    case Type::kArray:
      if (!value.items.empty()) {
        write_long(static_cast<int64_t>(value.items.size()), out);
        for (const Datum& item : value.items) CF_RETURN_IF_ERROR(encode_impl(*node.items, item, out, depth + 1));
      }
      out.push_back(0);
      return Status::ok();
    case Type::kMap:
      if (value.keys.size() != value.items.size()) return Status::invalid_argument("Avro encode: map with unequal keys and values");
      if (!value.items.empty()) {
        write_long(static_cast<int64_t>(value.items.size()), out);
        for (size_t k = 0; k < value.items.size(); ++k) {
          write_long(static_cast<int64_t>(value.keys[k].size()), out);
          out += value.keys[k];
          CF_RETURN_IF_ERROR(encode_impl(*node.values, value.items[k], out, depth + 1));
        }
      }
      out.push_back(0);
      return Status::ok();
    case Type::kUnion:
      if (value.i < 0 || value.i >= static_cast<int64_t>(node.branches.size()) || value.items.size() != 1) {
        return Status::invalid_argument(fmt::format("Avro encode: union branch {} out of range 0..{}", value.i, node.branches.size() - 1));
      }
      write_long(value.i, out);
      return encode_impl(*node.branches[value.i], value.items[0], out, depth + 1);
  }
  return Status::internal("Avro encode: unknown schema type");
}

// The fewest bytes one value of `node` can take: bounds how many items a block may claim.
int64_t min_size(const Node& node, int depth = 0) {
  if (depth > 16) return 0;
  switch (node.type) {
    case Type::kNull: return 0;
    case Type::kFloat: return 4;
    case Type::kDouble: return 8;
    case Type::kFixed: return node.size;
    case Type::kRecord: {
      int64_t total = 0;
      for (const auto& f : node.fields) total += min_size(*f.type, depth + 1);
      return total;
    }
    default: return 1;
  }
}

class Decoder {
 public:
  explicit Decoder(std::string_view bytes) : in_(bytes) {}
  BinaryReader& reader() { return in_; }

  Status read(const Node& node, Datum& out, int depth) {
    if (depth > kMaxDepth) return in_.error("value nested deeper than 256 levels");
    switch (node.type) {
      case Type::kNull: return Status::ok();
      case Type::kBoolean: {
        CF_ASSIGN_OR_RETURN(std::string_view b, in_.read_bytes(1, "boolean"));
        if (b[0] != 0 && b[0] != 1) return in_.error(fmt::format("boolean byte {} is neither 0 nor 1", static_cast<int>(b[0])));
        out.i = b[0];
        return Status::ok();
      }
      case Type::kInt: {
        CF_ASSIGN_OR_RETURN(out.i, in_.read_int());
        return Status::ok();
      }
      case Type::kLong: {
        CF_ASSIGN_OR_RETURN(out.i, in_.read_long());
        return Status::ok();
      }
      case Type::kFloat: {
        CF_ASSIGN_OR_RETURN(std::string_view b, in_.read_bytes(4, "float"));
        float f;
        std::memcpy(&f, b.data(), 4);
        out.d = f;
        return Status::ok();
      }
      case Type::kDouble: {
        CF_ASSIGN_OR_RETURN(std::string_view b, in_.read_bytes(8, "double"));
        std::memcpy(&out.d, b.data(), 8);
        return Status::ok();
      }
      case Type::kBytes:
      case Type::kString: {
        CF_ASSIGN_OR_RETURN(int64_t n, in_.read_length(type_name(node.type)));
        CF_ASSIGN_OR_RETURN(std::string_view b, in_.read_bytes(static_cast<size_t>(n), type_name(node.type)));
        out.s.assign(b);
        return Status::ok();
      }
      case Type::kFixed: {
        CF_ASSIGN_OR_RETURN(std::string_view b, in_.read_bytes(static_cast<size_t>(node.size), "fixed"));
        out.s.assign(b);
        return Status::ok();
      }
      case Type::kEnum: {
        CF_ASSIGN_OR_RETURN(int32_t index, in_.read_int());
        if (index < 0 || static_cast<size_t>(index) >= node.symbols.size()) {
          return in_.error(fmt::format("enum '{}' index {} out of range 0..{}", node.fullname, index, node.symbols.size() - 1));
        }
        out.i = index;
        return Status::ok();
      }
      case Type::kRecord:
        out.items.resize(node.fields.size());
        for (size_t f = 0; f < node.fields.size(); ++f) {
          CF_RETURN_IF_ERROR(read(*node.fields[f].type, out.items[f], depth + 1));
        }
        return Status::ok();
      case Type::kArray:
      case Type::kMap: {
        const Node& element = node.type == Type::kArray ? *node.items : *node.values;
        out.items.clear();
        out.keys.clear();
        int64_t per_item = min_size(element) + (node.type == Type::kMap ? 1 : 0);
        while (true) {
          CF_ASSIGN_OR_RETURN(int64_t count, block_count(per_item, static_cast<int64_t>(out.items.size())));
          if (count == 0) return Status::ok();
          out.items.reserve(out.items.size() + static_cast<size_t>(count));
          for (int64_t k = 0; k < count; ++k) {
            if (node.type == Type::kMap) {
              CF_ASSIGN_OR_RETURN(int64_t n, in_.read_length("map key"));
              CF_ASSIGN_OR_RETURN(std::string_view key, in_.read_bytes(static_cast<size_t>(n), "map key"));
              out.keys.emplace_back(key);
            }
            out.items.emplace_back();
            CF_RETURN_IF_ERROR(read(element, out.items.back(), depth + 1));
          }
        }
      }
      case Type::kUnion: {
        CF_ASSIGN_OR_RETURN(int64_t branch, in_.read_long());
        if (branch < 0 || branch >= static_cast<int64_t>(node.branches.size())) {
          return in_.error(fmt::format("union branch {} out of range 0..{}", branch, node.branches.size() - 1));
        }
        out.i = branch;
        out.items.resize(1);
        return read(*node.branches[branch], out.items[0], depth + 1);
      }
    }
    return Status::internal("Avro decode: unknown schema type");
  }

  // Reads a block header (count, and the byte size when the count is negative) and checks the
  // count against what the remaining bytes can hold.
  Result<int64_t> block_count(int64_t per_item, int64_t already) {
    CF_ASSIGN_OR_RETURN(int64_t count, in_.read_long());
    if (count < 0) {
      if (count == INT64_MIN) return in_.error("block count out of range");
      count = -count;
      CF_ASSIGN_OR_RETURN(int64_t block_bytes, in_.read_long());
      if (block_bytes < 0 || static_cast<uint64_t>(block_bytes) > in_.remaining()) {
        return in_.error(fmt::format("block size {} exceeds the {} bytes left", block_bytes, in_.remaining()));
      }
    }
    if (per_item > 0 && count > static_cast<int64_t>(in_.remaining()) / per_item) {
      return in_.error(fmt::format("block of {} items cannot fit in the {} bytes left", count, in_.remaining()));
    }
    if (per_item == 0 && count + already > kMaxZeroSizeItems) {
      return in_.error(fmt::format("block of {} zero-byte items exceeds the limit of {}", count, kMaxZeroSizeItems));
    }
    return count;
  }

 private:
  BinaryReader in_;
};

}  // namespace

Status encode(const Node& schema, const Datum& value, std::string& out) { return encode_impl(schema, value, out, 0); }

Status decode_into(const Node& schema, std::string_view bytes, Datum& out, size_t* consumed) {
  Decoder decoder(bytes);
  CF_RETURN_IF_ERROR(decoder.read(schema, out, 0));
  if (consumed) *consumed = decoder.reader().position();
  return Status::ok();
}

Result<Datum> decode(const Node& schema, std::string_view bytes, size_t* consumed) {
  Datum out;
  CF_RETURN_IF_ERROR(decode_into(schema, bytes, out, consumed));
  return out;
}

}  // namespace careflow::serde::avro
