#include "exec/checkpoint/checkpoint_files.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/crc32c.h"

namespace careflow::exec::checkpoint {

namespace {

constexpr char kMagic[] = "CFCKPT01";
constexpr size_t kMagicSize = 8;
constexpr size_t kChunkBytes = 256 << 10;  // records are gathered into chunks of about this size
constexpr uint8_t kDataChunk = 0, kEndChunk = 1, kZstdDataChunk = 2;
// Level 1: of zstd's levels the fastest to write; the checkpoint is on the job's thread.
constexpr int kZstdLevel = 1;
// A compressed chunk may claim at most this many bytes uncompressed (a hand-made frame must not
// make the reader allocate gigabytes; a writer's chunk is about kChunkBytes plus one record).
constexpr unsigned long long kMaxPlainChunk = 1ull << 30;

Status errno_status(const std::string& what) { return Status::from_errno(what, errno); }

Status write_all(int fd, const char* data, size_t size, const std::string& path) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_status("writing " + path);
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Status::ok();
}

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
uint32_t get_u32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}

// The whole file: one read into a string of the file's size.
Result<std::string> read_whole(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::not_found(fmt::format("checkpoint state file {} is missing", path));
    return errno_status("opening " + path);
  }
  struct stat st {};
  std::string data;
  if (::fstat(fd, &st) == 0) data.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (true) {
    if (got == data.size()) data.resize(std::max<size_t>(4096, data.size() * 2));  // grown since the fstat
    const ssize_t n = ::read(fd, data.data() + got, data.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = errno_status("reading " + path);
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  data.resize(got);
  return data;
}

}  // namespace

std::string state_file_name(int64_t id, bool base) { return fmt::format("state-{:020}.{}", id, base ? "base" : "delta"); }
std::string meta_file_name(int64_t id) { return fmt::format("chk-{:020}.meta", id); }

int64_t meta_file_id(const std::string& name) {
  if (name.size() != 4 + 20 + 5 || name.rfind("chk-", 0) != 0 || name.substr(24) != ".meta") return -1;
  int64_t id = 0;
  for (size_t i = 4; i < 24; ++i) {
    if (name[i] < '0' || name[i] > '9') return -1;
    id = id * 10 + (name[i] - '0');
  }
  return id;
}

Status sync_directory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_status("opening directory " + dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return errno_status("fsync of directory " + dir);
  return Status::ok();
}

Result<std::unique_ptr<StateFileWriter>> StateFileWriter::create(std::string path) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return errno_status("creating " + tmp);
  std::unique_ptr<StateFileWriter> w(new StateFileWriter(std::move(path), fd));
  w->error_ = write_all(fd, kMagic, kMagicSize, tmp);
  w->bytes_ = kMagicSize;
  return w;
}

StateFileWriter::~StateFileWriter() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink((path_ + ".tmp").c_str());  // never finished: leave nothing half-written behind
  }
}

Status StateFileWriter::write_chunk(uint8_t type, const std::string& payload) {
  std::string header;
  uint32_t crc = crc32c_extend(crc32c(&type, 1), payload.data(), payload.size());
  put_u32(header, static_cast<uint32_t>(payload.size() + 1));
  put_u32(header, crc);
  header.push_back(static_cast<char>(type));
  bytes_ += static_cast<int64_t>(header.size() + payload.size());
  CF_RETURN_IF_ERROR(write_all(fd_, header.data(), header.size(), path_ + ".tmp"));
  return write_all(fd_, payload.data(), payload.size(), path_ + ".tmp");
}

// The records gathered so far, zstd-compressed when that makes them smaller.
Status StateFileWriter::write_records() {
  if (!zstd_) zstd_.reset(ZSTD_createCCtx());
  size_t n = chunk_.size();  // left so, the chunk goes uncompressed
  if (zstd_) {
    packed_.resize(ZSTD_compressBound(chunk_.size()));
    n = ZSTD_compressCCtx(zstd_.get(), packed_.data(), packed_.size(), chunk_.data(), chunk_.size(), kZstdLevel);
  }
  Status s;
  if (!ZSTD_isError(n) && n < chunk_.size()) {
    packed_.resize(n);
    s = write_chunk(kZstdDataChunk, packed_);
  } else {
    s = write_chunk(kDataChunk, chunk_);
  }
  chunk_.clear();
  return s;
}

void StateFileWriter::ZstdFree::operator()(ZSTD_CCtx_s* c) const { ZSTD_freeCCtx(c); }

void StateFileWriter::add(uint32_t op, const StateRecord& record) {
  if (!error_.is_ok()) return;
  ByteWriter w;
  w.data().swap(chunk_);
  w.varint(op);
  w.u8(static_cast<uint8_t>(record.kind));
  w.u8(record.space);
  if (record.kind == StateRecordKind::kPut || record.kind == StateRecordKind::kErase) w.bytes(record.key);
  if (record.kind == StateRecordKind::kPut || record.kind == StateRecordKind::kMisc || record.kind == StateRecordKind::kSize) {
    w.bytes(record.value);
  }
  w.data().swap(chunk_);
  ++records_;
  if (chunk_.size() >= kChunkBytes) error_ = write_records();
}

Result<int64_t> StateFileWriter::finish() {
  if (error_.is_ok() && !chunk_.empty()) error_ = write_records();
  if (error_.is_ok()) {
    ByteWriter end;
    end.varint(static_cast<uint64_t>(records_));
    error_ = write_chunk(kEndChunk, end.data());
  }
  CF_RETURN_IF_ERROR(error_);
  if (::fdatasync(fd_) != 0) return errno_status("fsync of " + path_ + ".tmp");
  ::close(fd_);
  fd_ = -1;
  if (::rename((path_ + ".tmp").c_str(), path_.c_str()) != 0) return errno_status("renaming " + path_ + ".tmp");
  return bytes_;
}

Status read_state_file(const std::string& path, const std::function<Status(uint32_t, const StateRecord&)>& apply) {
  CF_ASSIGN_OR_RETURN(const std::string data, read_whole(path));
  auto damage = [&](size_t at, const std::string& what) {
    return Status::corruption(fmt::format("checkpoint state file {}: {} at byte {}", path, what, at));
  };
  if (data.size() < kMagicSize || data.compare(0, kMagicSize, kMagic) != 0) return damage(0, "not a careflow checkpoint file (no CFCKPT01 magic)");
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> zstd(nullptr, ZSTD_freeDCtx);
  std::string plain;  // a compressed chunk's records, reused
  size_t pos = kMagicSize;
  int64_t records = 0;
  while (true) {
    if (pos == data.size()) return damage(pos, "the file ends before its end chunk (cut short)");
    if (data.size() - pos < 9) return damage(pos, "a chunk header cut short");
    const uint32_t length = get_u32(data.data() + pos);
    const uint32_t crc = get_u32(data.data() + pos + 4);
    if (length == 0 || length > data.size() - pos - 8) return damage(pos, fmt::format("a chunk of {} bytes runs past the end of the file", length));
    std::string_view body(data.data() + pos + 8, length);
    if (crc32c(body) != crc) return damage(pos, "CRC mismatch in the chunk");
    const auto type = static_cast<uint8_t>(body[0]);
    std::string_view payload = body.substr(1);
    if (type == kZstdDataChunk) {
      // The CRC held, so a frame that does not decompress was written so (a bug or a hand-made file).
      const unsigned long long size = ZSTD_getFrameContentSize(payload.data(), payload.size());
      if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > kMaxPlainChunk) {
        return damage(pos, "a compressed chunk whose zstd frame names no valid size");
      }
      if (!zstd) zstd.reset(ZSTD_createDCtx());
      if (!zstd) return Status::internal("zstd: no memory for a decompression context");
      plain.resize(static_cast<size_t>(size));
      const size_t n = ZSTD_decompressDCtx(zstd.get(), plain.data(), plain.size(), payload.data(), payload.size());
      if (ZSTD_isError(n) || n != plain.size()) {
        return damage(pos, fmt::format("a compressed chunk that does not decompress ({})", ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short frame"));
      }
      payload = plain;
    }
    ByteReader r(payload);
    try {
      if (type == kEndChunk) {
        const auto expected = static_cast<int64_t>(r.varint());
        if (expected != records) return damage(pos, fmt::format("the end chunk counts {} records, the file holds {}", expected, records));
        if (pos + 8 + length != data.size()) return damage(pos + 8 + length, "bytes after the end chunk");
        return Status::ok();
      }
      if (type != kDataChunk && type != kZstdDataChunk) return damage(pos, fmt::format("unknown chunk type {}", type));
      while (!r.done()) {
        StateRecord rec;
        const auto op = static_cast<uint32_t>(r.varint());
        const uint8_t kind = r.u8();
        if (kind > static_cast<uint8_t>(StateRecordKind::kSize)) return damage(pos, fmt::format("unknown record kind {}", kind));
        rec.kind = static_cast<StateRecordKind>(kind);
        rec.space = r.u8();
        if (rec.kind == StateRecordKind::kPut || rec.kind == StateRecordKind::kErase) rec.key = r.bytes();
        if (rec.kind == StateRecordKind::kPut || rec.kind == StateRecordKind::kMisc || rec.kind == StateRecordKind::kSize) {
          rec.value = r.bytes();
        }
        ++records;
        if (Status s = apply(op, rec); !s.is_ok()) return s.with_context(fmt::format("checkpoint state file {}, chunk at byte {}", path, pos));
      }
    } catch (const StateFormatError& e) {
      return damage(pos, fmt::format("a record in the chunk does not parse ({})", e.what()));
    }
    pos += 8 + length;
  }
}

Status write_meta(const std::string& dir, const CheckpointMeta& meta) {
  nlohmann::json j;
  j["id"] = meta.id;
  j["savepoint"] = meta.savepoint;
  j["created_ms"] = meta.created_ms;
  j["files"] = meta.files;
  j["file_bytes"] = meta.file_bytes;
  j["sources"] = meta.sources;
  j["operators"] = meta.operators;
  if (!meta.sink.empty()) j["sink"] = meta.sink;
  std::string line = j.dump();
  std::string text = fmt::format("{}\ncrc32c={:08x}\n", line, crc32c(line));
  std::string path = dir + "/" + meta_file_name(meta.id), tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return errno_status("creating " + tmp);
  Status s = write_all(fd, text.data(), text.size(), tmp);
  if (s.is_ok() && ::fdatasync(fd) != 0) s = errno_status("fsync of " + tmp);
  ::close(fd);
  if (s.is_ok() && ::rename(tmp.c_str(), path.c_str()) != 0) s = errno_status("renaming " + tmp);
  if (!s.is_ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  return sync_directory(dir);
}

Result<CheckpointMeta> read_meta(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::not_found(fmt::format("checkpoint metadata {} is missing", path));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto damage = [&](size_t at, const std::string& what) {
    return Status::corruption(fmt::format("checkpoint metadata {}: {} at byte {}", path, what, at));
  };
  size_t nl = text.find('\n');
  if (nl == std::string::npos) return damage(0, "no CRC line");
  std::string line = text.substr(0, nl);
  std::string expected = fmt::format("crc32c={:08x}\n", crc32c(line));
  if (text.compare(nl + 1, std::string::npos, expected) != 0) return damage(nl + 1, "CRC mismatch (or a damaged CRC line)");
  CheckpointMeta meta;
  try {
    nlohmann::json j = nlohmann::json::parse(line);
    meta.id = j.at("id").get<int64_t>();
    meta.savepoint = j.at("savepoint").get<bool>();
    meta.created_ms = j.at("created_ms").get<int64_t>();
    meta.files = j.at("files").get<std::vector<std::string>>();
    meta.file_bytes = j.at("file_bytes").get<std::vector<int64_t>>();
    meta.sources = j.at("sources").get<std::vector<std::vector<int64_t>>>();
    meta.operators = j.at("operators").get<std::vector<std::string>>();
    if (auto sink = j.find("sink"); sink != j.end()) meta.sink = sink->get<std::string>();  // absent before two-phase sinks
  } catch (const std::exception& e) {
    return damage(0, fmt::format("the metadata does not parse ({})", e.what()));
  }
  if (meta.files.empty() || meta.files.size() != meta.file_bytes.size()) return damage(0, "no state files listed");
  for (const std::string& f : meta.files) {
    if (f.find('/') != std::string::npos || f.empty() || f[0] == '.') return damage(0, "a state file name with a path in it");
  }
  return meta;
}

Result<std::string> savepoint_meta_path(const std::string& path) {
  if (path.size() > 5 && path.compare(path.size() - 5, 5, ".meta") == 0) return path;
  std::error_code ec;
  int64_t newest = -1;
  for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
    newest = std::max(newest, meta_file_id(entry.path().filename().string()));
  }
  if (ec || newest < 0) return Status::not_found(fmt::format("no savepoint in {} (no chk-*.meta file)", path));
  return path + "/" + meta_file_name(newest);
}

Status check_plan_fits(const CheckpointMeta& meta, const std::vector<std::string>& operators, const std::string& where) {
  if (meta.operators == operators) return Status::ok();
  size_t i = 0;
  while (i < meta.operators.size() && i < operators.size() && meta.operators[i] == operators[i]) ++i;
  const std::string was = i < meta.operators.size() ? meta.operators[i] : "nothing";
  const std::string is = i < operators.size() ? operators[i] : "nothing";
  return Status::invalid_argument(fmt::format(
      "the state in {} does not fit this statement's plan: its operator {} is {}, this plan's is {} (state restores "
      "only into the plan that wrote it)",
      where, i, was, is));
}

}  // namespace careflow::exec::checkpoint
