#pragma once
// Avro Object Container Files (spec "Object Container Files"): a header (magic "Obj\x01", the
// metadata map with avro.schema and avro.codec, a 16-byte sync marker) and blocks of datums, each
// block compressed with the file's codec: null, deflate (raw RFC 1951), snappy (with the CRC-32 of
// the uncompressed block) or zstandard. Iceberg manifests and manifest lists are such files.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "serde/avro_datum.h"
#include "serde/avro_schema.h"

namespace careflow::serde::avro {

enum class Codec { kNull, kDeflate, kSnappy, kZstandard };

// "null", "deflate", "snappy", "zstandard" (the names files carry in avro.codec).
std::string_view codec_name(Codec codec);
Result<Codec> parse_codec(std::string_view name);

// Largest decompressed block accepted when reading: a small file may not expand without bound.
inline constexpr size_t kMaxBlockBytes = 256u << 20;

class ContainerWriter {
 public:
  // `schema_json` is written into avro.schema as given; `metadata` adds user keys (Iceberg writes
  // "schema", "partition-spec", ...). Datums are buffered and written as a block every
  // `block_records` datums or on finish().
  static Result<ContainerWriter> create(std::string schema_json, Codec codec,
                                        std::map<std::string, std::string> metadata = {}, size_t block_records = 4000);
  Status append(const Datum& value);
  // Writes the pending block and returns the whole file.
  Result<std::string> finish();

 private:
  Status flush_block();
  Schema schema_;
  Codec codec_ = Codec::kNull;
  std::string sync_;
  std::string out_;
  std::string block_;
  size_t block_count_ = 0;
  size_t block_records_ = 0;
};

struct ContainerFile {
  Schema schema;          // the writer's schema (avro.schema)
  std::string schema_json;
  Codec codec = Codec::kNull;
  std::map<std::string, std::string> metadata;  // every header key, avro.* included
  std::vector<Datum> records;
};

// Reads a whole container file. Errors name the block and byte ("block 3 at byte 8812: sync marker
// mismatch"); a corrupt or truncated file never yields partial results silently.
Result<ContainerFile> read_container(std::string_view bytes);

}  // namespace careflow::serde::avro
