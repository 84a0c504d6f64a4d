#pragma once
// Page compression: UNCOMPRESSED, SNAPPY (raw snappy, no framing) and ZSTD (one zstd frame), as
// Parquet's Compression.md defines them. One PageCompressor per column writer keeps its zstd
// context, so compressing a page allocates nothing once the buffers have grown.

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "lake/parquet_metadata.h"

namespace careflow::lake {

// Largest page careflow decompresses: a page header claiming more is treated as corrupt rather
// than allocated (a flipped byte must not ask for gigabytes).
inline constexpr size_t kMaxPageBytes = 512u << 20;

class PageCompressor {
 public:
  PageCompressor(parquet::Codec codec, int zstd_level);
  ~PageCompressor();
  PageCompressor(const PageCompressor&) = delete;
  PageCompressor& operator=(const PageCompressor&) = delete;

  // Replaces *out with the compressed `in` (a copy for UNCOMPRESSED).
  Status compress(std::string_view in, std::string* out);

 private:
  parquet::Codec codec_;
  int zstd_level_;
  void* zstd_ctx_ = nullptr;  // ZSTD_CCtx
};

// Decompresses a page body into *out, which must come out exactly `uncompressed_size` long.
Status decompress_page(parquet::Codec codec, std::string_view in, size_t uncompressed_size, std::string* out);

// "UNCOMPRESSED", "SNAPPY", "ZSTD", ... and back (case-insensitive); GZIP, LZ4 and BROTLI parse
// but neither side implements them yet.
std::string_view codec_name(parquet::Codec codec);
Result<parquet::Codec> parse_codec(std::string_view name);

}  // namespace careflow::lake
