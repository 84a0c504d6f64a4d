#include "serde/avro_container.h"

#include <fmt/format.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <random>

#include "serde/avro_binary.h"

namespace careflow::serde::avro {

namespace {

constexpr std::string_view kMagic("Obj\x01", 4);

void write_bytes(std::string_view bytes, std::string& out) {
  write_long(static_cast<int64_t>(bytes.size()), out);
  out += bytes;
}

Result<std::string> deflate_raw(std::string_view in) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::internal("deflate: cannot initialise zlib");
  }
  std::string out(deflateBound(&z, in.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return Status::internal("deflate: compression did not finish");
  return out;
}

Result<std::string> inflate_raw(std::string_view in) {
  z_stream z{};
  if (inflateInit2(&z, -15) != Z_OK) return Status::internal("deflate: cannot initialise zlib");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[64 * 1024];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof(buf);
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      return Status::corruption("deflate: the block is not valid deflate data");
    }
    out.append(buf, sizeof(buf) - z.avail_out);
    if (out.size() > kMaxBlockBytes) {
      inflateEnd(&z);
      return Status::corruption(fmt::format("deflate: the block expands past {} bytes", kMaxBlockBytes));
    }
    if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
      inflateEnd(&z);
      return Status::corruption("deflate: the block is truncated");
    }
  }
  inflateEnd(&z);
  return out;
}

Result<std::string> compress(Codec codec, std::string_view in) {
  switch (codec) {
    case Codec::kNull: return std::string(in);
    case Codec::kDeflate: return deflate_raw(in);
    case Codec::kSnappy: {
      std::string out;
      snappy::Compress(in.data(), in.size(), &out);
      uint32_t crc = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(in.data()), static_cast<uInt>(in.size())));
      for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(crc >> shift));
      return out;
    }
    case Codec::kZstandard: {
      std::string out(ZSTD_compressBound(in.size()), '\0');
      size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
      if (ZSTD_isError(n)) return Status::internal(fmt::format("zstandard: {}", ZSTD_getErrorName(n)));
      out.resize(n);
      return out;
    }
  }
  return Status::internal("unknown codec");
}

Result<std::string> decompress(Codec codec, std::string_view in) {
  switch (codec) {
    case Codec::kNull: return std::string(in);
    case Codec::kDeflate: return inflate_raw(in);
    case Codec::kSnappy: {
      if (in.size() < 4) return Status::corruption("snappy: block shorter than its CRC");
      std::string_view body = in.substr(0, in.size() - 4);
      size_t length = 0;
      if (!snappy::GetUncompressedLength(body.data(), body.size(), &length) || length > kMaxBlockBytes) {
        return Status::corruption("snappy: invalid block length");
      }
      std::string out;
      if (!snappy::Uncompress(body.data(), body.size(), &out)) return Status::corruption("snappy: the block is not valid snappy data");
      uint32_t crc = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(out.data()), static_cast<uInt>(out.size())));
      uint32_t stored = 0;
      for (int i = 0; i < 4; ++i) stored = (stored << 8) | static_cast<uint8_t>(in[in.size() - 4 + i]);
      if (crc != stored) return Status::corruption("snappy: CRC-32 of the uncompressed block does not match");
      return out;
    }
    case Codec::kZstandard: {
      ZSTD_DCtx* ctx = ZSTD_createDCtx();
      ZSTD_inBuffer input{in.data(), in.size(), 0};
      std::string out;
      char buf[64 * 1024];
      size_t rc = 1;
      while (input.pos < input.size || rc != 0) {
        ZSTD_outBuffer output{buf, sizeof(buf), 0};
        rc = ZSTD_decompressStream(ctx, &output, &input);
        if (ZSTD_isError(rc)) {
          ZSTD_freeDCtx(ctx);
          return Status::corruption(fmt::format("zstandard: {}", ZSTD_getErrorName(rc)));
        }
        out.append(buf, output.pos);
        if (out.size() > kMaxBlockBytes) {
          ZSTD_freeDCtx(ctx);
          return Status::corruption(fmt::format("zstandard: the block expands past {} bytes", kMaxBlockBytes));
        }
        if (input.pos == input.size && output.pos == 0 && rc != 0) {
          ZSTD_freeDCtx(ctx);
          return Status::corruption("zstandard: the block is truncated");
        }
      }
      ZSTD_freeDCtx(ctx);
      return out;
    }
  }
  return Status::internal("unknown codec");
}

}  // namespace

std::string_view codec_name(Codec codec) {
  switch (codec) {
    case Codec::kNull: return "null";
    case Codec::kDeflate: return "deflate";
    case Codec::kSnappy: return "snappy";
    case Codec::kZstandard: return "zstandard";
  }
  return "null";
}

Result<Codec> parse_codec(std::string_view name) {
  for (Codec c : {Codec::kNull, Codec::kDeflate, Codec::kSnappy, Codec::kZstandard}) {
    if (codec_name(c) == name) return c;
  }
  return Status::invalid_argument(fmt::format("unknown Avro codec '{}' (expected null, deflate, snappy or zstandard)", name));
}

Result<ContainerWriter> ContainerWriter::create(std::string schema_json, Codec codec, std::map<std::string, std::string> metadata,
                                                size_t block_records) {
  ContainerWriter w;
  CF_ASSIGN_OR_RETURN(w.schema_, Schema::parse(schema_json));
  w.codec_ = codec;
  w.block_records_ = block_records == 0 ? 1 : block_records;
  std::random_device random;
  for (int i = 0; i < 4; ++i) {
    uint32_t r = random();
    w.sync_.append(reinterpret_cast<const char*>(&r), 4);
  }
  metadata["avro.schema"] = std::move(schema_json);
  metadata["avro.codec"] = std::string(codec_name(codec));
  w.out_ += kMagic;
  write_long(static_cast<int64_t>(metadata.size()), w.out_);
  for (const auto& [key, value] : metadata) {
    write_bytes(key, w.out_);
    write_bytes(value, w.out_);
  }
  w.out_.push_back(0);
  w.out_ += w.sync_;
  return w;
}

Status ContainerWriter::append(const Datum& value) {
  CF_RETURN_IF_ERROR(encode(schema_.root(), value, block_));
  if (++block_count_ >= block_records_) return flush_block();
  return Status::ok();
}

Status ContainerWriter::flush_block() {
  if (block_count_ == 0) return Status::ok();
  CF_ASSIGN_OR_RETURN(std::string compressed, compress(codec_, block_));
  write_long(static_cast<int64_t>(block_count_), out_);
  write_bytes(compressed, out_);
  out_ += sync_;
  block_.clear();
  block_count_ = 0;
  return Status::ok();
}

Result<std::string> ContainerWriter::finish() {
  CF_RETURN_IF_ERROR(flush_block());
  return std::move(out_);
}

Result<ContainerFile> read_container(std::string_view bytes) {
  if (bytes.substr(0, 4) != kMagic) return Status::corruption("Avro container: missing the \"Obj\\x01\" magic");
  BinaryReader in(bytes.substr(4));
  ContainerFile file;
  while (true) {
    CF_ASSIGN_OR_RETURN(int64_t count, in.read_long());
    if (count == 0) break;
    if (count < 0) {
      count = -count;
      CF_RETURN_IF_ERROR(in.read_long().status());
    }
    if (count > static_cast<int64_t>(in.remaining())) return in.error("metadata map claims more entries than bytes left");
    for (int64_t i = 0; i < count; ++i) {
      CF_ASSIGN_OR_RETURN(int64_t kn, in.read_length("metadata key"));
      CF_ASSIGN_OR_RETURN(std::string_view key, in.read_bytes(static_cast<size_t>(kn), "metadata key"));
      CF_ASSIGN_OR_RETURN(int64_t vn, in.read_length("metadata value"));
      CF_ASSIGN_OR_RETURN(std::string_view value, in.read_bytes(static_cast<size_t>(vn), "metadata value"));
      file.metadata[std::string(key)] = std::string(value);
    }
  }
  CF_ASSIGN_OR_RETURN(std::string_view sync, in.read_bytes(16, "sync marker"));
  auto schema_it = file.metadata.find("avro.schema");
  if (schema_it == file.metadata.end()) return Status::corruption("Avro container: the header has no avro.schema");
  file.schema_json = schema_it->second;
  CF_ASSIGN_OR_RETURN(file.schema, Schema::parse(file.schema_json));
  auto codec_it = file.metadata.find("avro.codec");
  if (codec_it != file.metadata.end()) {
    CF_ASSIGN_OR_RETURN(file.codec, parse_codec(codec_it->second));
  }
  for (int block = 0; !in.at_end(); ++block) {
    size_t block_start = in.position() + 4;
    auto where = [&](const Status& s) { return s.with_context(fmt::format("Avro container block {} at byte {}", block, block_start)); };
    auto count = in.read_long();
    if (!count.is_ok()) return where(count.status());
    auto size = in.read_length("block");
    if (!size.is_ok()) return where(size.status());
    if (*count < 0) return where(Status::corruption(fmt::format("negative record count {}", *count)));
    auto data = in.read_bytes(static_cast<size_t>(*size), "block");
    if (!data.is_ok()) return where(data.status());
    auto marker = in.read_bytes(16, "sync marker");
    if (!marker.is_ok()) return where(marker.status());
    if (*marker != sync) return where(Status::corruption("sync marker mismatch"));
    auto plain = decompress(file.codec, *data);
    if (!plain.is_ok()) return where(plain.status());
    std::string_view rest = *plain;
    if (*count > static_cast<int64_t>(rest.size()) && *count > kMaxZeroSizeItems) {
      return where(Status::corruption(fmt::format("{} records cannot fit in a block of {} bytes", *count, rest.size())));
    }
    for (int64_t r = 0; r < *count; ++r) {
      size_t used = 0;
      auto datum = decode(file.schema.root(), rest, &used);
      if (!datum.is_ok()) return where(datum.status().with_context(fmt::format("record {}", r)));
      file.records.push_back(std::move(datum).value());
      rest.remove_prefix(used);
    }
    if (!rest.empty()) return where(Status::corruption(fmt::format("{} bytes left over after {} records", rest.size(), *count)));
  }
  return file;
}

}  // namespace careflow::serde::avro
