#include "lake/chunk_decoder.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <tuple>
#include <type_traits>

#include "lake/delta_binary_packed.h"
#include "lake/page_codec.h"
#include "lake/rle.h"

namespace careflow::lake {

using parquet::Encoding;
using parquet::PageType;
using parquet::PhysicalType;
using values::TypeId;

namespace {

using Decoded = DecodedValues;

// Bytes readable past the end of a decompressed page and of a dictionary's bytes, so that a
// string of up to kPad bytes is copied with one fixed-size move instead of a memcpy call.
constexpr size_t kPad = 16;

class ChunkDecoder {
 public:
  ChunkDecoder(std::string_view file, uint64_t base, std::string_view name, const LeafColumn& leaf, ColumnVector* out, LeafLevels* levels,
               DecodeScratch& scratch)
      : file_(file), base_(base), name_(name), e_(leaf.element), path_(leaf.display()), physical_(*leaf.element.type), out_(out), levels_(levels),
        max_def_(static_cast<uint32_t>(leaf.max_def)), max_rep_(static_cast<uint32_t>(leaf.max_rep)), dict_(scratch.dictionary),
        dict_heap_(scratch.dictionary_heap), dict_sizes_(scratch.dictionary_sizes), page_values_(scratch.page_values), indices_(scratch.indices),
        defs_(scratch.defs), reps_(scratch.reps), decompressed_(scratch.decompressed) {
    dict_.clear();  // the last chunk's
    const values::DataType& t = out->column.type;
    decimal_ = t.id == TypeId::kDecimal;
    millis_to_micros_ = t.is_timestamp() && t.precision == 3;
    unsigned32_ = t.id == TypeId::kBigInt && physical_ == PhysicalType::kInt32;
  }

  Status run(const parquet::ColumnChunk& chunk, size_t end_limit, int64_t rows);
  Status run_indexed(const parquet::ColumnChunk& chunk, size_t end_limit, const ReadBytes& read, uint64_t first_page,
                     std::span<const IndexedPage> pages);
  int64_t data_pages() const { return data_pages_; }

 private:
  Status error(uint64_t at, std::string_view what) const {
    return Status::corruption(fmt::format("{}: byte {}: column '{}': {}", name_, at, path_, what));
  }
  Status plain(std::string_view in, size_t count, uint64_t at, Decoded* d, std::string* owned);
  Status page(const parquet::PageHeader& h, std::string_view body, uint64_t at, parquet::Codec codec, int64_t remaining);
  Status values(Encoding encoding, std::string_view in, size_t count, uint64_t at);
  Status scatter(std::span<const uint32_t> defs, size_t num_values, size_t present, uint64_t at);
  Status decimals_from_bytes(Decoded* d, uint64_t at) const;
  // Decodes n levels of at most `max` into *out (none when max is 0: every level is 0); with
  // at_max, counts the levels equal to max there, and leaves *out empty when they all are.
  Status levels(std::string_view in, uint32_t max, std::string_view what, size_t n, uint64_t at, std::vector<uint32_t>* out,
                size_t* at_max = nullptr);
  Status length_prefixed(std::string_view* data, std::string_view what, uint64_t at, std::string_view* out);
  // Checks the chunk's metadata against the schema and the file; sets chunk_start_ / chunk_end_.
  Status check_chunk(const parquet::ColumnChunk& chunk, size_t end_limit);
  // A page's body decompressed into decompressed_ (kPad bytes of padding after it), or the body
  // itself when the chunk is UNCOMPRESSED; sets values_end_.
  Result<std::string_view> decompress(parquet::Codec codec, std::string_view body, size_t size, uint64_t at);
  // Room for n more slots at once instead of growing page by page.
  void reserve(size_t n);

  std::string_view file_;
  uint64_t base_;  // the file offset of file_[0]
  std::string_view name_;
  const parquet::SchemaElement& e_;
  std::string path_;
  PhysicalType physical_;
  ColumnVector* out_;
  LeafLevels* levels_;
  uint32_t max_def_, max_rep_;
  bool decimal_ = false, millis_to_micros_ = false, unsigned32_ = false;

  bool has_dictionary_ = false;
  Decoded& dict_;
  std::string& dict_heap_;
  std::vector<uint32_t>& dict_sizes_;
  Decoded& page_values_;
  std::vector<uint32_t>& indices_;  // dictionary indices of the page's values
  bool from_dictionary_ = false;
  std::vector<uint32_t>& defs_;
  std::vector<uint32_t>& reps_;
  std::string& decompressed_;
  // Where the memory a page's PLAIN string values point into ends (kPad more bytes may be read
  // from a value that ends kPad bytes before it).
  const char* values_end_ = nullptr;
  int64_t data_pages_ = 0;
  uint64_t chunk_start_ = 0, chunk_end_ = 0;  // the chunk's extent in the file
};

std::string encoding_name(Encoding e) {
  switch (e) {
    case Encoding::kPlain: return "PLAIN";
    case Encoding::kPlainDictionary: return "PLAIN_DICTIONARY";
    case Encoding::kRle: return "RLE";
    case Encoding::kBitPacked: return "BIT_PACKED";
    case Encoding::kDeltaBinaryPacked: return "DELTA_BINARY_PACKED";
    case Encoding::kDeltaLengthByteArray: return "DELTA_LENGTH_BYTE_ARRAY";
    case Encoding::kDeltaByteArray: return "DELTA_BYTE_ARRAY";
    case Encoding::kRleDictionary: return "RLE_DICTIONARY";
    case Encoding::kByteStreamSplit: return "BYTE_STREAM_SPLIT";
  }
  return fmt::format("#{}", static_cast<int>(e));
}

// Makes room for n more values at the end of *v; returns the first of them.
template <typename T>
T* grow(std::vector<T>* v, size_t n) {
  const size_t at = v->size();
  v->resize(at + n);
  return v->data() + at;
}

values::int128 big_endian_to_int128(std::string_view b) {
  values::uint128 u = 0;
  for (char c : b) u = (u << 8) | static_cast<uint8_t>(c);
  int bits = static_cast<int>(b.size()) * 8;
  if (bits < 128 && !b.empty() && (static_cast<uint8_t>(b[0]) & 0x80)) u |= ~values::uint128{0} << bits;  // sign-extend
  return static_cast<values::int128>(u);
}

Status ChunkDecoder::plain(std::string_view in, size_t count, uint64_t at, Decoded* d, std::string* owned) {
  auto need = [&](size_t bytes) -> Status {
    if (bytes > in.size()) return error(at, fmt::format("{} PLAIN values need {} bytes, the page has {}", count, bytes, in.size()));
    return Status::ok();
  };
  // No values (a corrupt count, or a page of nulls): nothing to copy, and memcpy must not see
  // the null data() of an empty vector or view.
  if (count == 0) return Status::ok();
  switch (physical_) {
    case PhysicalType::kBoolean: {
      CF_RETURN_IF_ERROR(need((count + 7) / 8));
      int64_t* o = grow(&d->ints, count);
      for (size_t i = 0; i < count; ++i) o[i] = (static_cast<uint8_t>(in[i / 8]) >> (i % 8)) & 1;
      return Status::ok();
    }
    case PhysicalType::kInt32:
    case PhysicalType::kFloat: {
      CF_RETURN_IF_ERROR(need(count * 4));
      const char* p = in.data();
      if (physical_ == PhysicalType::kFloat) {
        double* o = grow(&d->doubles, count);
        for (size_t i = 0; i < count; ++i) {
          float f;
          std::memcpy(&f, p + 4 * i, 4);
          o[i] = f;
        }
      } else {
        int64_t* o = grow(&d->ints, count);
        for (size_t i = 0; i < count; ++i) {
          uint32_t raw;
          std::memcpy(&raw, p + 4 * i, 4);
          o[i] = unsigned32_ ? static_cast<int64_t>(raw) : static_cast<int64_t>(static_cast<int32_t>(raw));
        }
      }
      return Status::ok();
    }
    case PhysicalType::kInt64:
    case PhysicalType::kDouble:
      CF_RETURN_IF_ERROR(need(count * 8));
      if (physical_ == PhysicalType::kDouble) {
        size_t at_d = d->doubles.size();
        d->doubles.resize(at_d + count);
        std::memcpy(d->doubles.data() + at_d, in.data(), count * 8);
      } else {
        size_t at_i = d->ints.size();
        d->ints.resize(at_i + count);
        std::memcpy(d->ints.data() + at_i, in.data(), count * 8);
      }
      return Status::ok();
    case PhysicalType::kByteArray: {
      size_t pos = 0;
      if (owned) {  // the dictionary outlives the page buffer: copy its bytes first (padded)
        owned->reserve(in.size() + kPad);
        owned->assign(in);
        owned->append(kPad, '\0');
        in = std::string_view(*owned).substr(0, in.size());
      }
      for (size_t i = 0; i < count; ++i) {
        if (in.size() - pos < 4) return error(at + pos, fmt::format("BYTE_ARRAY value {} of {}: truncated length", i, count));
        uint32_t len;
        std::memcpy(&len, in.data() + pos, 4);
        pos += 4;
        if (len > in.size() - pos) return error(at + pos, fmt::format("BYTE_ARRAY value {} of {} bytes runs past the page", i, len));
        d->bytes.push_back(in.substr(pos, len));
        pos += len;
      }
      return decimal_ ? decimals_from_bytes(d, at) : Status::ok();
    }
    case PhysicalType::kFixedLenByteArray: {
      auto len = static_cast<size_t>(*e_.type_length);
      CF_RETURN_IF_ERROR(need(count * len));
      if (owned) {
        owned->reserve(count * len + kPad);
        owned->assign(in.substr(0, count * len));
        owned->append(kPad, '\0');
        in = std::string_view(*owned).substr(0, count * len);
      }
      for (size_t i = 0; i < count; ++i) d->bytes.push_back(in.substr(i * len, len));
      return decimal_ ? decimals_from_bytes(d, at) : Status::ok();
    }
    default: return error(at, "INT96 values are not supported");
  }
}

// Big-endian two's-complement decimals (FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY) as 128-bit integers,
// once per page or dictionary rather than once per row.
Status ChunkDecoder::decimals_from_bytes(Decoded* d, uint64_t at) const {
  d->wide.reserve(d->wide.size() + d->bytes.size());
  for (std::string_view b : d->bytes) {
    if (b.size() > 16) return error(at, fmt::format("a decimal of {} bytes", b.size()));
    d->wide.push_back(big_endian_to_int128(b));
  }
  d->bytes.clear();
  return Status::ok();
}

Status ChunkDecoder::values(Encoding encoding, std::string_view in, size_t count, uint64_t at) {
  page_values_.clear();
  from_dictionary_ = false;
  switch (encoding) {
    case Encoding::kPlain: return plain(in, count, at, &page_values_, nullptr);
    case Encoding::kRle: {
      // Booleans as RLE (Arrow's choice in data pages v2): a 4-byte length, then the hybrid at width 1.
      if (physical_ != PhysicalType::kBoolean) break;
      if (in.size() < 4) return error(at, "RLE booleans: truncated length");
      uint32_t len;
      std::memcpy(&len, in.data(), 4);
      if (len > in.size() - 4) return error(at, fmt::format("RLE booleans of {} bytes run past the page", len));
      indices_.resize(count);
      Status s = rle_decode(in.substr(4, len), 1, indices_);
      if (!s.is_ok()) return error(at + 4, fmt::format("RLE booleans: {}", s.message()));
      page_values_.ints.assign(indices_.begin(), indices_.end());
      return Status::ok();
    }
    case Encoding::kDeltaBinaryPacked: {
      if (physical_ != PhysicalType::kInt32 && physical_ != PhysicalType::kInt64) break;
      Status s = delta_decode(in, physical_ == PhysicalType::kInt32, count, &page_values_.ints);
      if (!s.is_ok()) return error(at, s.message());
      if (unsigned32_) {
        for (int64_t& v : page_values_.ints) v = static_cast<uint32_t>(v);
      }
      return Status::ok();
    }
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary: {
      if (!has_dictionary_) return error(at, "a dictionary-encoded page without a dictionary page");
      if (count == 0) return Status::ok();
      if (in.empty()) return error(at, "dictionary indices: missing bit width");
      int width = static_cast<uint8_t>(in[0]);
      indices_.resize(count);
      Status s = rle_decode(in.substr(1), width, indices_);
      if (!s.is_ok()) return error(at + 1, fmt::format("dictionary indices: {}", s.message()));
      const size_t size = dict_.size();
      uint32_t top = 0;
      for (uint32_t i : indices_) top = std::max(top, i);
      if (top >= size) return error(at, fmt::format("dictionary index {} is past the dictionary's {} entries", top, size));
      from_dictionary_ = true;
      return Status::ok();
    }
    default: break;
  }
  return Status::invalid_argument(fmt::format("{}: column '{}': encoding {} is not supported by careflow's Parquet reader yet",
                                              name_, path_, encoding_name(encoding)));
}

// Appends the page's rows to *out_: row r is NULL when its definition level is below the maximum,
// else the page's next value (through the dictionary when the page holds indices). A NULL's slot
// stays zero (an empty string). One typed loop per column kind, none of them a call per value.
Status ChunkDecoder::scatter(std::span<const uint32_t> defs, size_t num_values, size_t present, uint64_t at) {
  const size_t first = out_->valid.size();
  out_->valid.resize(first + num_values, 1);
  uint8_t* valid = out_->valid.data() + first;
  const bool dense = present == num_values;  // no NULL on the page
  if (!dense) {
    for (size_t r = 0; r < num_values; ++r) valid[r] = defs[r] == max_def_;
  }
  const Decoded& d = from_dictionary_ ? dict_ : page_values_;
  const uint32_t* index = from_dictionary_ ? indices_.data() : nullptr;
  // dst[r] = the value of every present row r, converted.
  auto gather = [&](auto* dst, const auto* src, auto convert) {
    if (dense && index) {
      for (size_t r = 0; r < num_values; ++r) dst[r] = convert(src[index[r]]);
    } else if (dense) {
      for (size_t r = 0; r < num_values; ++r) dst[r] = convert(src[r]);
    } else if (present > 0) {
      // Without a branch per row (NULLs fall at random: a mispredicted branch each): every row
      // reads the next value (the last one again past the end) and a NULL's slot gets zero.
      using T = std::remove_reference_t<decltype(*dst)>;
      const size_t last = present - 1;
      size_t k = 0;
      for (size_t r = 0; r < num_values; ++r) {
        const size_t at_k = std::min(k, last);
        const T v = convert(src[index ? index[at_k] : at_k]);
        dst[r] = valid[r] ? v : T{};
        k += valid[r];
      }
    }
  };
  auto same = [](auto v) { return v; };
  if (decimal_) {
    out_->decimals.resize(first + num_values);
    values::int128* dst = out_->decimals.data() + first;
    if (physical_ == PhysicalType::kInt32 || physical_ == PhysicalType::kInt64) {
      gather(dst, d.ints.data(), [](int64_t v) { return values::int128{v}; });
    } else {
      gather(dst, d.wide.data(), same);
    }
    return Status::ok();
  }
  switch (physical_) {
    case PhysicalType::kFloat:
    case PhysicalType::kDouble:
      out_->doubles.resize(first + num_values);
      gather(out_->doubles.data() + first, d.doubles.data(), same);
      return Status::ok();
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray: {
      // Sizes first, so that the heap grows once per page; `pick(k)` is the page's k-th value,
      // `size(k)` its length. A value of up to kPad bytes with kPad readable bytes behind it is
      // copied as kPad bytes at once (the heap has kPad spare bytes while it is filled): most
      // strings are short, and a memcpy call per value was most of this loop.
      auto copy = [&](auto pick, auto size, const char* readable_end) {
        size_t total = 0;
        for (size_t k = 0; k < present; ++k) total += size(k);
        std::string& heap = out_->heap;
        size_t pos = heap.size();
        heap.resize(pos + total + kPad);
        char* base = heap.data();
        const size_t ends_at = out_->ends.size();
        out_->ends.resize(ends_at + num_values);
        size_t* ends = out_->ends.data() + ends_at;
        for (size_t r = 0, k = 0; r < num_values; ++r) {
          if (dense || valid[r]) {
            std::string_view v = pick(k++);
            if (v.size() <= kPad && readable_end && readable_end - v.data() >= static_cast<std::ptrdiff_t>(kPad)) {
              std::memcpy(base + pos, v.data(), kPad);
            } else if (!v.empty()) {
              std::memcpy(base + pos, v.data(), v.size());
            }
            pos += v.size();
          }
          ends[r] = pos;
        }
        heap.resize(pos);
      };
      const std::string_view* views = d.bytes.data();
      if (index) {
        const uint32_t* sizes = dict_sizes_.data();
        copy([&](size_t k) { return views[index[k]]; }, [&](size_t k) { return sizes[index[k]]; }, dict_heap_.data() + dict_heap_.size());
      } else {
        copy([&](size_t k) { return views[k]; }, [&](size_t k) { return views[k].size(); }, values_end_);
      }
      return Status::ok();
    }
    default: {
      out_->ints.resize(first + num_values);
      int64_t* dst = out_->ints.data() + first;
      gather(dst, d.ints.data(), same);
      if (millis_to_micros_) {
        constexpr int64_t kMax = std::numeric_limits<int64_t>::max() / 1000, kMin = std::numeric_limits<int64_t>::min() / 1000;
        for (size_t r = 0; r < num_values; ++r) {
          if (dst[r] > kMax || dst[r] < kMin) return error(at, "a millisecond timestamp out of the microsecond range");
          dst[r] *= 1000;
        }
      }
      return Status::ok();
    }
  }
}

Result<std::string_view> ChunkDecoder::decompress(parquet::Codec codec, std::string_view body, size_t size, uint64_t at) {
  if (codec == parquet::Codec::kUncompressed) {
    if (body.size() != size) return error(at, fmt::format("uncompressed page of {} bytes claims {} bytes", body.size(), size));
    // The body lies in the file's bytes (file_, or the reader's buffer of the page): nothing to
    // pad, so strings there are copied by memcpy.
    values_end_ = body.data() + body.size();
    return body;
  }
  if (size <= kMaxPageBytes) decompressed_.reserve(size + kPad);
  Status s = decompress_page(codec, body, size, &decompressed_);
  if (!s.is_ok()) return error(at, s.message());
  decompressed_.append(kPad, '\0');  // within the capacity reserved
  values_end_ = decompressed_.data() + decompressed_.size();
  return std::string_view(decompressed_).substr(0, size);
}

// A v1 page's levels: a 4-byte little-endian length, then that many bytes of RLE hybrid.
Status ChunkDecoder::length_prefixed(std::string_view* data, std::string_view what, uint64_t at, std::string_view* out) {
  if (data->size() < 4) return error(at, fmt::format("{} levels: truncated length", what));
  uint32_t len;
  std::memcpy(&len, data->data(), 4);
  if (len > data->size() - 4) return error(at, fmt::format("{} levels of {} bytes run past the page", what, len));
  *out = data->substr(4, len);
  data->remove_prefix(4 + len);
  return Status::ok();
}

// Whether RLE hybrid levels open with a repeated run of `value` at least n long: a page without
// NULLs, as writers encode its definition levels (one run of the maximum).
bool one_run_of(std::string_view in, int bit_width, size_t n, uint32_t value) {
  uint64_t header = 0;
  size_t pos = 0;
  for (int shift = 0;; shift += 7) {
    if (pos >= in.size() || shift > 28) return false;
    auto b = static_cast<uint8_t>(in[pos++]);
    header |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
  }
  const auto value_bytes = static_cast<size_t>((bit_width + 7) / 8);
  if ((header & 1) || (header >> 1) < n || in.size() - pos < value_bytes) return false;
  uint64_t v = 0;
  for (size_t b = 0; b < value_bytes; ++b) v |= static_cast<uint64_t>(static_cast<uint8_t>(in[pos + b])) << (8 * b);
  return v == value;
}

Status ChunkDecoder::levels(std::string_view in, uint32_t max, std::string_view what, size_t n, uint64_t at, std::vector<uint32_t>* out,
                            size_t* at_max) {
  out->clear();
  if (at_max) *at_max = n;
  if (max == 0) return Status::ok();
  // Every entry at the maximum: nothing to decode one by one (unless a nested leaf needs its levels).
  if (at_max && !levels_ && one_run_of(in, bit_width_of(max), n, max)) return Status::ok();
  out->resize(n);
  Status s = rle_decode(in, bit_width_of(max), *out);
  if (!s.is_ok()) return error(at, fmt::format("{} levels: {}", what, s.message()));
  // One pass for the check and the count (no early exit, so that it stays a simple loop).
  uint32_t top = 0;
  size_t count = 0;
  for (uint32_t v : *out) {
    top = std::max(top, v);
    count += v == max;
  }
  if (top > max) {
    size_t i = static_cast<size_t>(std::find_if(out->begin(), out->end(), [&](uint32_t v) { return v > max; }) - out->begin());
    return error(at, fmt::format("{} level {} of entry {} is above the column's maximum {}", what, (*out)[i], i, max));
  }
  if (at_max) *at_max = count;
  return Status::ok();
}

Status ChunkDecoder::page(const parquet::PageHeader& h, std::string_view body, uint64_t at, parquet::Codec codec, int64_t remaining) {
  if (h.uncompressed_page_size < 0) return error(at, "negative uncompressed_page_size");
  if (h.type == PageType::kDictionaryPage) {
    if (!h.dictionary_page) return error(at, "dictionary page without its header");
    if (has_dictionary_) return error(at, "a second dictionary page");
    int32_t n = h.dictionary_page->num_values;
    if (n < 0 || n > kMaxPageValues) return error(at, fmt::format("dictionary of {} values", n));
    CF_ASSIGN_OR_RETURN(std::string_view bytes, decompress(codec, body, static_cast<size_t>(h.uncompressed_page_size), at));
    CF_RETURN_IF_ERROR(plain(bytes, static_cast<size_t>(n), at, &dict_, &dict_heap_));
    dict_sizes_.resize(dict_.bytes.size());
    for (size_t i = 0; i < dict_.bytes.size(); ++i) dict_sizes_[i] = static_cast<uint32_t>(dict_.bytes[i].size());
    has_dictionary_ = true;
    return Status::ok();
  }
  if (h.type != PageType::kDataPage && h.type != PageType::kDataPageV2) return Status::ok();  // index pages: skipped
  ++data_pages_;
  int32_t num_values = 0;
  Encoding encoding;
  std::string_view rep_levels, def_levels, data;
  if (h.type == PageType::kDataPage) {
    if (!h.data_page) return error(at, "data page without its header");
    num_values = h.data_page->num_values;
    encoding = h.data_page->encoding;
    if (num_values < 0 || num_values > kMaxPageValues || num_values > remaining) {
      return error(at, fmt::format("a page of {} values where {} remain in the chunk", num_values, remaining));
    }
    CF_ASSIGN_OR_RETURN(data, decompress(codec, body, static_cast<size_t>(h.uncompressed_page_size), at));
    for (auto [max, encoding_of, what, out] : {std::tuple{max_rep_, h.data_page->repetition_level_encoding, "repetition", &rep_levels},
                                               std::tuple{max_def_, h.data_page->definition_level_encoding, "definition", &def_levels}}) {
      if (max == 0) continue;
      if (encoding_of != Encoding::kRle) {
        return Status::invalid_argument(fmt::format("{}: column '{}': {} levels encoded as {} are not supported yet", name_, path_, what,
                                                    encoding_name(encoding_of)));
      }
      CF_RETURN_IF_ERROR(length_prefixed(&data, what, at, out));
    }
  } else {
    if (!h.data_page_v2) return error(at, "data page v2 without its header");
    const parquet::DataPageHeaderV2& v2 = *h.data_page_v2;
    num_values = v2.num_values;
    encoding = v2.encoding;
    if (num_values < 0 || num_values > kMaxPageValues || num_values > remaining) {
      return error(at, fmt::format("a page of {} values where {} remain in the chunk", num_values, remaining));
    }
    if (v2.definition_levels_byte_length < 0 || v2.repetition_levels_byte_length < 0 || (max_rep_ == 0 && v2.repetition_levels_byte_length != 0) ||
        static_cast<size_t>(v2.repetition_levels_byte_length) > body.size() ||
        static_cast<size_t>(v2.definition_levels_byte_length) > body.size() - static_cast<size_t>(v2.repetition_levels_byte_length)) {
      return error(at, "data page v2: level lengths do not fit the page");
    }
    rep_levels = body.substr(0, static_cast<size_t>(v2.repetition_levels_byte_length));
    def_levels = body.substr(rep_levels.size(), static_cast<size_t>(v2.definition_levels_byte_length));
    const size_t level_bytes = rep_levels.size() + def_levels.size();
    std::string_view rest = body.substr(level_bytes);
    size_t uncompressed = static_cast<size_t>(h.uncompressed_page_size);
    if (uncompressed < level_bytes) return error(at, "data page v2: uncompressed size smaller than its levels");
    if (v2.is_compressed) {
      CF_ASSIGN_OR_RETURN(data, decompress(codec, rest, uncompressed - level_bytes, at));
    } else {
      data = rest;
      values_end_ = file_.empty() ? nullptr : file_.data() + file_.size();
    }
  }
  const auto n = static_cast<size_t>(num_values);
  CF_RETURN_IF_ERROR(levels(rep_levels, max_rep_, "repetition", n, at, &reps_));
  size_t present = n;  // entries with a value
  CF_RETURN_IF_ERROR(levels(def_levels, max_def_, "definition", n, at, &defs_, &present));
  if (levels_) {
    levels_->pages.emplace_back(out_->valid.size(), at);
    for (uint32_t d : defs_) levels_->defs.push_back(static_cast<uint8_t>(d));
    for (uint32_t r : reps_) levels_->reps.push_back(static_cast<uint8_t>(r));
  }
  CF_RETURN_IF_ERROR(values(encoding, data, present, at));
  if (!from_dictionary_) {
    size_t got = page_values_.size();
    if (got != present) return error(at, fmt::format("{} values decoded for {} non-null rows", got, present));
  }
  return scatter(defs_, static_cast<size_t>(num_values), present, at);
}

Status ChunkDecoder::check_chunk(const parquet::ColumnChunk& chunk, size_t end_limit) {
  if (!chunk.meta_data) return error(0, "column chunk without its metadata");
  const parquet::ColumnMetaData& m = *chunk.meta_data;
  if (m.type != physical_) return error(0, "the chunk's physical type differs from the schema's");
  const int64_t start = column_chunk_extent(m).first;
  if (start < 4 || m.total_compressed_size < 0 || static_cast<uint64_t>(start) > end_limit ||
      static_cast<uint64_t>(m.total_compressed_size) > end_limit - static_cast<uint64_t>(start)) {
    return error(static_cast<uint64_t>(std::max<int64_t>(start, 0)),
                 fmt::format("column chunk of {} bytes at byte {} lies outside the file's data", m.total_compressed_size, start));
  }
  chunk_start_ = static_cast<uint64_t>(start);
  chunk_end_ = chunk_start_ + static_cast<uint64_t>(m.total_compressed_size);
  return Status::ok();
}

void ChunkDecoder::reserve(size_t n) {
  out_->valid.reserve(out_->valid.size() + n);
  if (decimal_) out_->decimals.reserve(out_->decimals.size() + n);
  else if (physical_ == PhysicalType::kFloat || physical_ == PhysicalType::kDouble) out_->doubles.reserve(out_->doubles.size() + n);
  else if (physical_ == PhysicalType::kByteArray || physical_ == PhysicalType::kFixedLenByteArray) out_->ends.reserve(out_->ends.size() + n);
  else out_->ints.reserve(out_->ints.size() + n);
}

Status ChunkDecoder::run(const parquet::ColumnChunk& chunk, size_t end_limit, int64_t rows) {
  CF_RETURN_IF_ERROR(check_chunk(chunk, end_limit));
  const parquet::ColumnMetaData& m = *chunk.meta_data;
  // A flat column has a value or NULL per row; a repeated leaf at least one entry per row.
  if (max_rep_ == 0 ? m.num_values != rows : m.num_values < rows) {
    return error(chunk_start_, fmt::format("{} values for {} rows", m.num_values, rows));
  }
  const int64_t entries = m.num_values;
  // Room for every entry at once when the chunk's bytes (checked against the file above) make the
  // count plausible: a footer's claim alone must not allocate.
  if (static_cast<uint64_t>(entries) <= static_cast<uint64_t>(m.total_compressed_size) * 64) reserve(static_cast<size_t>(entries));
  size_t pos = chunk_start_;
  const size_t end = chunk_end_;
  if (pos < base_ || end - base_ > file_.size()) {
    return Status::internal(fmt::format("{}: column '{}': the chunk's bytes {}..{} were not read", name_, path_, pos, end));
  }
  while (static_cast<int64_t>(out_->valid.size()) < entries) {
    if (pos >= end) {
      return error(pos, fmt::format("the chunk ends after {} of its {} values", out_->valid.size(), entries));
    }
    size_t consumed = 0;
    CF_ASSIGN_OR_RETURN(parquet::PageHeader h, parquet::decode_page_header(file_.substr(pos - base_, end - pos), name_, pos, &consumed));
    size_t body_at = pos + consumed;
    if (h.compressed_page_size < 0 || static_cast<size_t>(h.compressed_page_size) > end - body_at) {
      return error(pos, fmt::format("page of {} bytes runs past its column chunk", h.compressed_page_size));
    }
    CF_RETURN_IF_ERROR(page(h, file_.substr(body_at - base_, static_cast<size_t>(h.compressed_page_size)), pos, m.codec,
                            entries - static_cast<int64_t>(out_->valid.size())));
    pos = body_at + static_cast<size_t>(h.compressed_page_size);
  }
  return Status::ok();
}

Status ChunkDecoder::run_indexed(const parquet::ColumnChunk& chunk, size_t end_limit, const ReadBytes& read, uint64_t first_page,
                                 std::span<const IndexedPage> pages) {
  CF_RETURN_IF_ERROR(check_chunk(chunk, end_limit));
  const parquet::Codec codec = chunk.meta_data->codec;
  if (max_rep_ != 0) return Status::internal(fmt::format("{}: column '{}': pages of a repeated leaf read by their index", name_, path_));
  if (first_page < chunk_start_ || first_page >= chunk_end_) {
    return error(first_page, "the OffsetIndex's first page lies outside its column chunk");
  }
  int64_t rows = 0;
  for (const IndexedPage& p : pages) rows += p.rows;
  // The rows come from the pages' row ranges, which the reader checked against the row group.
  reserve(static_cast<size_t>(rows));
  // Before the first data page: the dictionary page (and index pages, which page() passes over).
  if (first_page > chunk_start_) {
    CF_ASSIGN_OR_RETURN(std::string_view head, read(chunk_start_, static_cast<size_t>(first_page - chunk_start_)));
    size_t pos = 0;
    while (pos < head.size()) {
      const uint64_t at = chunk_start_ + pos;
      size_t consumed = 0;
      CF_ASSIGN_OR_RETURN(parquet::PageHeader h, parquet::decode_page_header(head.substr(pos), name_, at, &consumed));
      const size_t body_at = pos + consumed;
      if (h.compressed_page_size < 0 || static_cast<size_t>(h.compressed_page_size) > head.size() - body_at) {
        return error(at, fmt::format("page of {} bytes runs into the OffsetIndex's first page", h.compressed_page_size));
      }
      if (h.type == PageType::kDataPage || h.type == PageType::kDataPageV2) {
        return error(at, "a data page before the first page the OffsetIndex lists");
      }
      CF_RETURN_IF_ERROR(page(h, head.substr(body_at, static_cast<size_t>(h.compressed_page_size)), at, codec, 0));
      pos = body_at + static_cast<size_t>(h.compressed_page_size);
    }
  }
  for (const IndexedPage& p : pages) {
    if (p.offset < first_page || p.offset >= chunk_end_ || p.bytes > chunk_end_ - p.offset) {
      return error(p.offset, fmt::format("the OffsetIndex places a page of {} bytes outside its column chunk", p.bytes));
    }
    CF_ASSIGN_OR_RETURN(std::string_view bytes, read(p.offset, p.bytes));
    size_t consumed = 0;
    CF_ASSIGN_OR_RETURN(parquet::PageHeader h, parquet::decode_page_header(bytes, name_, p.offset, &consumed));
    if (h.type != PageType::kDataPage && h.type != PageType::kDataPageV2) return error(p.offset, "the OffsetIndex locates a page that is no data page");
    if (h.compressed_page_size < 0 || static_cast<size_t>(h.compressed_page_size) > bytes.size() - consumed) {
      return error(p.offset, fmt::format("page of {} bytes runs past the {} its OffsetIndex gives it", h.compressed_page_size, p.bytes));
    }
    const size_t before = out_->valid.size();
    CF_RETURN_IF_ERROR(page(h, bytes.substr(consumed, static_cast<size_t>(h.compressed_page_size)), p.offset, codec, p.rows));
    if (static_cast<int64_t>(out_->valid.size() - before) != p.rows) {
      return error(p.offset, fmt::format("a page of {} values where its OffsetIndex says {} rows", out_->valid.size() - before, p.rows));
    }
  }
  return Status::ok();
}

}  // namespace

std::pair<int64_t, int64_t> column_chunk_extent(const parquet::ColumnMetaData& m) {
  int64_t start = m.data_page_offset;
  // Some writers record a dictionary page offset of 0 when there is none.
  if (m.dictionary_page_offset && *m.dictionary_page_offset > 0 && *m.dictionary_page_offset < start) start = *m.dictionary_page_offset;
  return {start, m.total_compressed_size};
}

Status decode_column_chunk(std::string_view bytes, uint64_t base, std::string_view name, size_t end_limit, const LeafColumn& leaf,
                           const parquet::ColumnChunk& chunk, int64_t rows, ColumnVector* out, LeafLevels* levels, int64_t* data_pages,
                           DecodeScratch* scratch) {
  DecodeScratch own;
  ChunkDecoder d(bytes, base, name, leaf, out, levels, scratch ? *scratch : own);
  Status s = d.run(chunk, end_limit, rows);
  if (data_pages) *data_pages += d.data_pages();
  return s;
}

Status decode_indexed_pages(const ReadBytes& read, std::string_view name, size_t end_limit, const LeafColumn& leaf,
                            const parquet::ColumnChunk& chunk, uint64_t first_page, std::span<const IndexedPage> pages, ColumnVector* out,
                            int64_t* data_pages, DecodeScratch* scratch) {
  DecodeScratch own;
  ChunkDecoder d({}, 0, name, leaf, out, nullptr, scratch ? *scratch : own);
  Status s = d.run_indexed(chunk, end_limit, read, first_page, pages);
  if (data_pages) *data_pages += d.data_pages();
  return s;
}

}  // namespace careflow::lake
