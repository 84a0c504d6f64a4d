#include "cdc/pgoutput.h"

#include <fmt/format.h>

namespace careflow::cdc {
namespace {

// Big-endian reader that remembers the first failure instead of throwing.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  uint64_t uint(size_t width) {
    if (!need(width)) return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) v = (v << 8) | static_cast<uint8_t>(bytes_[pos_ + i]);
    pos_ += width;
    return v;
  }
  uint8_t u8() { return static_cast<uint8_t>(uint(1)); }
  int16_t i16() { return static_cast<int16_t>(uint(2)); }
  int32_t i32() { return static_cast<int32_t>(uint(4)); }
  uint32_t u32() { return static_cast<uint32_t>(uint(4)); }
  int64_t i64() { return static_cast<int64_t>(uint(8)); }
  std::string cstring() {
    const size_t end = bytes_.find('\0', pos_);
    if (end == std::string_view::npos) {
      fail("an unterminated string");
      return {};
    }
    std::string s(bytes_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return s;
  }
  std::string bytes(size_t n) {
    if (!need(n)) return {};
    std::string s(bytes_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  size_t position() const { return pos_; }
  bool at_end() const { return pos_ >= bytes_.size(); }
  void fail(std::string what) {
    if (error_.empty()) error_ = fmt::format("{} at byte {}", what, pos_);
  }

 private:
  bool need(size_t n) {
    if (!error_.empty()) return false;
    if (bytes_.size() - pos_ < n) {
      fail(fmt::format("{} bytes expected but {} left", n, bytes_.size() - pos_));
      return false;
    }
    return true;
  }
  std::string_view bytes_;
  size_t pos_ = 0;
  std::string error_;
};

Tuple read_tuple(Reader& r) {
  const int16_t n = r.i16();
  Tuple tuple;
  if (n < 0) {
    r.fail("a negative column count");
    return tuple;
  }
  tuple.reserve(n);
  for (int i = 0; i < n && r.ok(); ++i) {
    TupleValue v;
    const char kind = static_cast<char>(r.u8());
    switch (kind) {
      case 'n': v.kind = TupleValue::Kind::kNull; break;
      case 'u': v.kind = TupleValue::Kind::kUnchangedToast; break;
      case 't':
      case 'b': {
        v.kind = kind == 't' ? TupleValue::Kind::kText : TupleValue::Kind::kBinary;
        const int32_t len = r.i32();
        if (len < 0) r.fail("a negative value length");
        else v.data = r.bytes(static_cast<size_t>(len));
        break;
      }
      default: r.fail(fmt::format("unknown column kind '{}'", kind));
    }
    tuple.push_back(std::move(v));
  }
  return tuple;
}

int64_t unix_us(int64_t postgres_us) { return postgres_us + kPostgresEpochOffsetUs; }

}  // namespace

Result<PgOutputMessage> decode_pgoutput(std::string_view bytes) {
  if (bytes.empty()) return Status::corruption("pgoutput: empty message");
  Reader r(bytes.substr(1));
  const char tag = bytes[0];
  PgOutputMessage out;
  switch (tag) {
    case 'B': {
      BeginMessage m;
      m.final_lsn = r.uint(8);
      m.commit_time_us = unix_us(r.i64());
      m.xid = r.u32();
      out = m;
      break;
    }
    case 'C': {
      CommitMessage m;
      (void)r.u8();  // flags, unused
      m.commit_lsn = r.uint(8);
      m.end_lsn = r.uint(8);
      m.commit_time_us = unix_us(r.i64());
      out = m;
      break;
    }
    case 'O': {
      OriginMessage m;
      m.origin_lsn = r.uint(8);
      m.name = r.cstring();
      out = m;
      break;
    }
    case 'R': {
      RelationMessage m;
      m.relation_oid = r.u32();
      m.schema = r.cstring();
      m.table = r.cstring();
      m.replica_identity = static_cast<char>(r.u8());
      const int16_t n = r.i16();
      for (int i = 0; i < n && r.ok(); ++i) {
        RelationColumn c;
        c.part_of_key = (r.u8() & 1) != 0;
        c.name = r.cstring();
        c.type_oid = r.u32();
        c.type_modifier = r.i32();
        m.columns.push_back(std::move(c));
      }
      out = std::move(m);
      break;
    }
    case 'Y': {
      TypeMessage m;
      m.type_oid = r.u32();
      m.schema = r.cstring();
      m.name = r.cstring();
      out = std::move(m);
      break;
    }
    case 'I': {
      InsertMessage m;
      m.relation_oid = r.u32();
      if (r.u8() != 'N') r.fail("insert without a new tuple ('N')");
      m.new_tuple = read_tuple(r);
      out = std::move(m);
      break;
    }
    case 'U': {
      UpdateMessage m;
      m.relation_oid = r.u32();
      char part = static_cast<char>(r.u8());
      if (part == 'K' || part == 'O') {
        m.old_is_key_only = part == 'K';
        m.old_tuple = read_tuple(r);
        part = static_cast<char>(r.u8());
      }
      if (part != 'N') r.fail("update without a new tuple ('N')");
      m.new_tuple = read_tuple(r);
      out = std::move(m);
      break;
    }
    case 'D': {
      DeleteMessage m;
      m.relation_oid = r.u32();
      const char part = static_cast<char>(r.u8());
      if (part != 'K' && part != 'O') r.fail("delete without an old tuple ('K' or 'O')");
      m.old_is_key_only = part == 'K';
      m.old_tuple = read_tuple(r);
      out = std::move(m);
      break;
    }
    case 'T': {
      TruncateMessage m;
      const int32_t n = r.i32();
      const uint8_t options = r.u8();
      m.cascade = (options & 1) != 0;
      m.restart_identity = (options & 2) != 0;
      for (int i = 0; i < n && r.ok(); ++i) m.relation_oids.push_back(r.u32());
      out = std::move(m);
      break;
    }
    case 'M': {
      LogicalMessage m;
      m.transactional = (r.u8() & 1) != 0;
      m.lsn = r.uint(8);
      m.prefix = r.cstring();
      const int32_t len = r.i32();
      m.content = r.bytes(len < 0 ? 0 : static_cast<size_t>(len));
      out = std::move(m);
      break;
    }
    default:
      return Status::corruption(fmt::format("pgoutput: unknown message type '{}' (0x{:02x})", tag, static_cast<uint8_t>(tag)));
  }
  if (!r.ok()) return Status::corruption(fmt::format("pgoutput: message '{}' is malformed: {}", tag, r.error()));
  if (!r.at_end()) {
    return Status::corruption(fmt::format("pgoutput: message '{}' has {} unexpected trailing bytes", tag,
                                          bytes.size() - 1 - r.position()));
  }
  return out;
}

}  // namespace careflow::cdc
