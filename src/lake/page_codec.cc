#include "lake/page_codec.h"

#include <fmt/format.h>
#include <snappy.h>
#include <zstd.h>

#include <memory>

#include "common/ascii_case.h"

namespace careflow::lake {

using parquet::Codec;

PageCompressor::PageCompressor(Codec codec, int zstd_level) : codec_(codec), zstd_level_(zstd_level) {
  if (codec_ == Codec::kZstd) zstd_ctx_ = ZSTD_createCCtx();
}

PageCompressor::~PageCompressor() {
  if (zstd_ctx_) ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(zstd_ctx_));
}

Status PageCompressor::compress(std::string_view in, std::string* out) {
  switch (codec_) {
    case Codec::kUncompressed: out->assign(in); return Status::ok();
    case Codec::kSnappy: {
      out->resize(snappy::MaxCompressedLength(in.size()));
      size_t n = 0;
      snappy::RawCompress(in.data(), in.size(), out->data(), &n);
      out->resize(n);
      return Status::ok();
    }
    case Codec::kZstd: {
      out->resize(ZSTD_compressBound(in.size()));
      size_t n = ZSTD_compressCCtx(static_cast<ZSTD_CCtx*>(zstd_ctx_), out->data(), out->size(), in.data(), in.size(), zstd_level_);
      if (ZSTD_isError(n)) return Status::internal(fmt::format("zstd: {}", ZSTD_getErrorName(n)));
      out->resize(n);
      return Status::ok();
    }
    default: return Status::invalid_argument(fmt::format("compression codec {} is not supported by careflow's Parquet writer", codec_name(codec_)));
  }
}

Status decompress_page(Codec codec, std::string_view in, size_t uncompressed_size, std::string* out) {
  if (uncompressed_size > kMaxPageBytes) {
    return Status::corruption(fmt::format("page claims {} uncompressed bytes, more than the limit of {}", uncompressed_size, kMaxPageBytes));
  }
  switch (codec) {
    case Codec::kUncompressed:
      if (in.size() != uncompressed_size) {
        return Status::corruption(fmt::format("uncompressed page of {} bytes claims {} bytes", in.size(), uncompressed_size));
      }
      out->assign(in);
      return Status::ok();
    case Codec::kSnappy: {
      size_t n = 0;
      if (!snappy::GetUncompressedLength(in.data(), in.size(), &n) || n != uncompressed_size) {
        return Status::corruption("snappy: the page's length does not match its header");
      }
      out->resize(n);
      if (!snappy::RawUncompress(in.data(), in.size(), out->data())) return Status::corruption("snappy: the page is not valid snappy data");
      return Status::ok();
    }
    case Codec::kZstd: {
      // Frames record their content size (Arrow's and careflow's do): check it before allocating.
      unsigned long long content = ZSTD_getFrameContentSize(in.data(), in.size());
      if (content == ZSTD_CONTENTSIZE_ERROR) return Status::corruption("zstd: the page is not a zstd frame");
      if (content != ZSTD_CONTENTSIZE_UNKNOWN && content != uncompressed_size) {
        return Status::corruption(fmt::format("zstd: the frame holds {} bytes but the page header says {}", content, uncompressed_size));
      }
      out->resize(uncompressed_size);
      // One context per thread, kept: ZSTD_decompress would allocate and initialize one per page.
      static thread_local std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> context(ZSTD_createDCtx(), ZSTD_freeDCtx);
      if (!context) return Status::internal("zstd: cannot allocate a decompression context");
      size_t n = ZSTD_decompressDCtx(context.get(), out->data(), out->size(), in.data(), in.size());
      if (ZSTD_isError(n)) return Status::corruption(fmt::format("zstd: {}", ZSTD_getErrorName(n)));
      if (n != uncompressed_size) return Status::corruption("zstd: the page's length does not match its header");
      return Status::ok();
    }
    default:
      return Status::invalid_argument(fmt::format("compression codec {} is not supported by careflow's Parquet reader yet", codec_name(codec)));
  }
}

std::string_view codec_name(Codec codec) {
  switch (codec) {
    case Codec::kUncompressed: return "UNCOMPRESSED";
    case Codec::kSnappy: return "SNAPPY";
    case Codec::kGzip: return "GZIP";
    case Codec::kLzo: return "LZO";
    case Codec::kBrotli: return "BROTLI";
    case Codec::kLz4: return "LZ4";
    case Codec::kZstd: return "ZSTD";
    case Codec::kLz4Raw: return "LZ4_RAW";
  }
  return "unknown";
}

Result<Codec> parse_codec(std::string_view name) {
  for (Codec c : {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip, Codec::kLzo, Codec::kBrotli, Codec::kLz4, Codec::kZstd, Codec::kLz4Raw}) {
    if (iequals(name, codec_name(c))) return c;
  }
  return Status::invalid_argument(fmt::format("unknown Parquet compression codec '{}' (expected UNCOMPRESSED, SNAPPY or ZSTD)", name));
}

}  // namespace careflow::lake
