#include "lake/chunk_encoder.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "lake/delta_binary_packed.h"
#include "lake/rle.h"

namespace careflow::lake {

using parquet::Encoding;
using parquet::PageType;
using parquet::PhysicalType;

namespace {

// How many values build_dictionary looks at before judging a column all-distinct.
constexpr size_t kProbeValues = 4096;

template <typename T>
void put(std::string* out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out->append(b, sizeof(T));
}

// Big-endian two's complement in `width` bytes: FIXED_LEN_BYTE_ARRAY decimals.
void put_big_endian(std::string* out, values::int128 v, int width) {
  auto u = static_cast<values::uint128>(v);
  for (int i = width - 1; i >= 0; --i) out->push_back(static_cast<char>((u >> (8 * i)) & 0xff));
}

// PLAIN fixed-width values: `n` values from `begin`, each narrowed to To, little-endian.
template <typename To, typename From>
void append_as(const std::vector<From>& src, size_t begin, size_t n, std::string* out) {
  // A page of NULLs and empty lists only has no values, and memcpy must not see an empty vector's
  // null data().
  if (n == 0) return;
  size_t at = out->size();
  out->resize(at + sizeof(To) * n);
  char* p = out->data() + at;
  if constexpr (std::is_same_v<To, From>) {
    std::memcpy(p, src.data() + begin, sizeof(To) * n);
  } else {
    for (size_t i = 0; i < n; ++i) {
      auto v = static_cast<To>(src[begin + i]);
      std::memcpy(p + sizeof(To) * i, &v, sizeof(To));
    }
  }
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

ChunkEncoder::ChunkEncoder(parquet::SchemaElement element, std::vector<std::string> path, const WriterOptions& options, ColumnEncoding encoding)
    : element_(std::move(element)), path_(std::move(path)), physical_(*element_.type), options_(options), encoding_(encoding),
      compressor_(options.codec, options.zstd_level) {
  if (element_.logical.kind == parquet::LogicalType::kTimestamp && element_.logical.unit == parquet::TimeUnit::kMillis) divisor_ = 1000;
  fixed_bytes_ = physical_ == PhysicalType::kFixedLenByteArray && element_.logical.kind != parquet::LogicalType::kDecimal;
}

size_t ChunkEncoder::value_bits(const ColumnBuffer& b, size_t value) const {
  if (use_dictionary_) return static_cast<size_t>(std::max(bit_width_of(dict_first_.size() - 1), 1));
  switch (physical_) {
    case PhysicalType::kBoolean: return 1;
    case PhysicalType::kInt32:
    case PhysicalType::kFloat: return 32;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble: return 64;
    case PhysicalType::kFixedLenByteArray: return static_cast<size_t>(*element_.type_length) * 8;
    default: return (4 + (b.ends_[value] - (value ? b.ends_[value - 1] : 0))) * 8;
  }
}

bool ChunkEncoder::build_dictionary(const ColumnBuffer& b) {
  indices_.clear();
  dict_first_.clear();
  fixed_dict_.clear();
  bytes_dict_.clear();
  if (!options_.dictionary || encoding_ != ColumnEncoding::kAuto || physical_ == PhysicalType::kBoolean ||
      physical_ == PhysicalType::kFixedLenByteArray) {
    return false;
  }
  const size_t n = b.values();
  indices_.resize(n);
  int64_t dict_bytes = 0;
  const int64_t limit = options_.dictionary_page_bytes;
  // A column whose first kProbeValues values are 90% distinct gets PLAIN at once: its dictionary
  // would hold nearly every value, so dictionary plus indices outgrow PLAIN, and building one for
  // timestamps, sequence numbers and measurements only to drop it was a third of the writer's time.
  auto hopeless = [&](size_t seen) { return seen == kProbeValues && dict_first_.size() * 10 >= seen * 9; };
  auto add_fixed = [&](uint64_t key, size_t i, int width) {
    auto [it, inserted] = fixed_dict_.try_emplace(key, static_cast<uint32_t>(dict_first_.size()));
    if (inserted) {
      dict_first_.push_back(static_cast<uint32_t>(i));
      dict_bytes += width;
    }
    indices_[i] = it->second;
  };
  switch (physical_) {
    case PhysicalType::kInt32:
    case PhysicalType::kInt64: {
      const int width = physical_ == PhysicalType::kInt32 ? 4 : 8;
      for (size_t i = 0; i < n; ++i) {
        add_fixed(static_cast<uint64_t>(b.ints_[i]), i, width);
        if (dict_bytes > limit || hopeless(i + 1)) return false;
      }
      break;
    }
    case PhysicalType::kFloat:
    case PhysicalType::kDouble: {
      const bool is_float = physical_ == PhysicalType::kFloat;
      for (size_t i = 0; i < n; ++i) {
        uint64_t key = is_float ? std::bit_cast<uint32_t>(static_cast<float>(b.doubles_[i])) : std::bit_cast<uint64_t>(b.doubles_[i]);
        add_fixed(key, i, is_float ? 4 : 8);
        if (dict_bytes > limit || hopeless(i + 1)) return false;
      }
      break;
    }
    case PhysicalType::kByteArray: {
      size_t start = 0;
      std::string_view previous;
      for (size_t i = 0; i < n; ++i) {
        std::string_view v(b.heap_.data() + start, b.ends_[i] - start);
        start = b.ends_[i];
        // Facts arrive in runs (a metric's name, its unit): a repeat skips hashing.
        if (i > 0 && v == previous) {
          indices_[i] = indices_[i - 1];
          continue;
        }
        previous = v;
        auto [it, inserted] = bytes_dict_.try_emplace(v, static_cast<uint32_t>(dict_first_.size()));
        if (inserted) {
          dict_first_.push_back(static_cast<uint32_t>(i));
          dict_bytes += 4 + static_cast<int64_t>(v.size());
          if (dict_bytes > limit) return false;
        }
        indices_[i] = it->second;
        if (hopeless(i + 1)) return false;
      }
      break;
    }
    default: return false;
  }
  return !dict_first_.empty();
}

void ChunkEncoder::plain_values(const ColumnBuffer& b, size_t begin, size_t end, std::string* out) const {
  const size_t n = end - begin;
  switch (physical_) {
    case PhysicalType::kBoolean: {
      size_t at = out->size();
      out->resize(at + (n + 7) / 8, '\0');
      for (size_t i = 0; i < n; ++i) {
        if (b.ints_[begin + i]) (*out)[at + i / 8] = static_cast<char>((*out)[at + i / 8] | (1 << (i % 8)));
      }
      break;
    }
    case PhysicalType::kInt32: append_as<int32_t>(b.ints_, begin, n, out); break;
    case PhysicalType::kInt64: append_as<int64_t>(b.ints_, begin, n, out); break;
    case PhysicalType::kFloat: append_as<float>(b.doubles_, begin, n, out); break;
    case PhysicalType::kDouble: append_as<double>(b.doubles_, begin, n, out); break;
    case PhysicalType::kByteArray: {
      size_t start = begin ? b.ends_[begin - 1] : 0;
      size_t stop = end ? b.ends_[end - 1] : 0;
      size_t at = out->size();
      out->resize(at + 4 * n + (stop - start));
      char* p = out->data() + at;
      for (size_t i = begin; i < end; ++i) {
        auto len = static_cast<uint32_t>(b.ends_[i] - start);
        std::memcpy(p, &len, 4);
        std::memcpy(p + 4, b.heap_.data() + start, len);
        p += 4 + len;
        start = b.ends_[i];
      }
      break;
    }
    case PhysicalType::kFixedLenByteArray: {
      const auto width = static_cast<size_t>(*element_.type_length);
      size_t at = out->size();
      out->resize(at + width * n);
      char* p = out->data() + at;
      if (fixed_bytes_) {  // the values back to back, each `width` bytes (encode() checked)
        const size_t from = begin ? b.ends_[begin - 1] : 0;
        if (n) std::memcpy(p, b.heap_.data() + from, width * n);
        break;
      }
      for (size_t i = begin; i < end; ++i, p += width) {
        auto u = static_cast<values::uint128>(b.wide_[i]);
        for (size_t k = width; k-- > 0; u >>= 8) p[k] = static_cast<char>(u & 0xff);
      }
      break;
    }
    default: break;
  }
}

// The dictionary page: each entry PLAIN-encoded, in index order.
void ChunkEncoder::plain_dictionary(const ColumnBuffer& b, std::string* out) const {
  for (uint32_t first : dict_first_) plain_values(b, first, first + 1, out);
}

ChunkEncoder::Bounds ChunkEncoder::bounds(const ColumnBuffer& b, size_t begin, size_t end) const {
  Bounds out;
  if (begin == end) return out;
  out.values = end - begin;
  switch (physical_) {
    case PhysicalType::kBoolean:
    case PhysicalType::kInt32:
    case PhysicalType::kInt64: {
      int64_t lo = b.ints_[begin], hi = lo;
      for (size_t i = begin + 1; i < end; ++i) {
        lo = std::min(lo, b.ints_[i]);
        hi = std::max(hi, b.ints_[i]);
      }
      out.ilo = lo;
      out.ihi = hi;
      break;
    }
    case PhysicalType::kFloat:
    case PhysicalType::kDouble: {
      // NaN is not ordered: bounds come from the other values, and nan_count says NaNs exist.
      double lo = INFINITY, hi = -INFINITY;
      for (size_t i = begin; i < end; ++i) {
        double v = physical_ == PhysicalType::kFloat ? static_cast<float>(b.doubles_[i]) : b.doubles_[i];
        if (std::isnan(v)) { ++out.nans; continue; }
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      out.values -= static_cast<size_t>(out.nans);
      out.dlo = lo;
      out.dhi = hi;
      break;
    }
    case PhysicalType::kFixedLenByteArray:
      if (!fixed_bytes_) {  // decimals, compared as numbers
        values::int128 lo = b.wide_[begin], hi = lo;
        for (size_t i = begin + 1; i < end; ++i) {
          lo = std::min(lo, b.wide_[i]);
          hi = std::max(hi, b.wide_[i]);
        }
        out.wlo = lo;
        out.whi = hi;
        break;
      }
      [[fallthrough]];  // UUIDs: bytes, compared unsigned byte by byte (the FIXED_LEN_BYTE_ARRAY order)
    case PhysicalType::kByteArray: {
      auto at = [&](size_t i) { size_t from = i ? b.ends_[i - 1] : 0; return std::string_view(b.heap_.data() + from, b.ends_[i] - from); };
      if (use_dictionary_) {  // the entries' ranks (rank_dictionary) instead of comparing strings
        uint32_t lo = dict_rank_[indices_[begin]], hi = lo;
        for (size_t i = begin + 1; i < end; ++i) {
          lo = std::min(lo, dict_rank_[indices_[i]]);
          hi = std::max(hi, dict_rank_[indices_[i]]);
        }
        out.slo = at(dict_first_[dict_sorted_[lo]]);
        out.shi = at(dict_first_[dict_sorted_[hi]]);
        break;
      }
      std::string_view lo = at(begin), hi = lo;
      for (size_t i = begin + 1; i < end; ++i) {
        std::string_view v = at(i);
        if (v < lo) lo = v;
        if (hi < v) hi = v;
      }
      out.slo = lo;
      out.shi = hi;
      break;
    }
    default: out.values = 0; break;
  }
  return out;
}

void ChunkEncoder::merge(Bounds* into, const Bounds& from) const {
  const int64_t nans = into->nans + from.nans;
  if (from.values == 0) {
    into->nans = nans;
    return;
  }
  if (into->values == 0) {
    *into = from;
    into->nans = nans;
    return;
  }
  into->values += from.values;
  into->nans = nans;
  into->ilo = std::min(into->ilo, from.ilo);
  into->ihi = std::max(into->ihi, from.ihi);
  into->dlo = std::min(into->dlo, from.dlo);
  into->dhi = std::max(into->dhi, from.dhi);
  into->wlo = std::min(into->wlo, from.wlo);
  into->whi = std::max(into->whi, from.whi);
  if (from.slo < into->slo) into->slo = from.slo;
  if (into->shi < from.shi) into->shi = from.shi;
}

bool ChunkEncoder::not_after(const Bounds& a, const Bounds& b) const {
  switch (physical_) {
    case PhysicalType::kFloat:
    case PhysicalType::kDouble: return a.dlo <= b.dlo && a.dhi <= b.dhi;
    case PhysicalType::kByteArray: return a.slo <= b.slo && a.shi <= b.shi;
    case PhysicalType::kFixedLenByteArray: return fixed_bytes_ ? a.slo <= b.slo && a.shi <= b.shi : a.wlo <= b.wlo && a.whi <= b.whi;
    default: return a.ilo <= b.ilo && a.ihi <= b.ihi;
  }
}

bool ChunkEncoder::encode_bounds(const Bounds& v, std::string* min, std::string* max) const {
  min->clear();
  max->clear();
  if (v.values == 0) return false;
  switch (physical_) {
    case PhysicalType::kBoolean:
      min->push_back(static_cast<char>(v.ilo));
      max->push_back(static_cast<char>(v.ihi));
      return true;
    case PhysicalType::kInt32:
      put(min, static_cast<int32_t>(v.ilo));
      put(max, static_cast<int32_t>(v.ihi));
      return true;
    case PhysicalType::kInt64:
      put(min, v.ilo);
      put(max, v.ihi);
      return true;
    case PhysicalType::kFloat:
    case PhysicalType::kDouble: {
      // The spec's zero rule: a zero minimum is written as -0.0 and a zero maximum as +0.0.
      const double lo = v.dlo == 0 ? -0.0 : v.dlo, hi = v.dhi == 0 ? 0.0 : v.dhi;
      if (physical_ == PhysicalType::kFloat) {
        put(min, static_cast<float>(lo));
        put(max, static_cast<float>(hi));
      } else {
        put(min, lo);
        put(max, hi);
      }
      return true;
    }
    case PhysicalType::kByteArray:
      min->assign(v.slo);
      max->assign(v.shi);
      return true;
    case PhysicalType::kFixedLenByteArray:
      if (fixed_bytes_) {
        min->assign(v.slo);
        max->assign(v.shi);
        return true;
      }
      put_big_endian(min, v.wlo, *element_.type_length);
      put_big_endian(max, v.whi, *element_.type_length);
      return true;
    default: return false;
  }
}

// A BYTE_ARRAY dictionary's entries in value order, so that a page's bounds are the smallest and
// largest rank among its indices: integer comparisons per value, string comparisons only here.
void ChunkEncoder::rank_dictionary(const ColumnBuffer& b) {
  dict_sorted_.resize(dict_first_.size());
  for (uint32_t i = 0; i < dict_sorted_.size(); ++i) dict_sorted_[i] = i;
  auto at = [&](uint32_t entry) {
    size_t i = dict_first_[entry], from = i ? b.ends_[i - 1] : 0;
    return std::string_view(b.heap_.data() + from, b.ends_[i] - from);
  };
  std::sort(dict_sorted_.begin(), dict_sorted_.end(), [&](uint32_t x, uint32_t y) { return at(x) < at(y); });
  dict_rank_.resize(dict_sorted_.size());
  for (uint32_t r = 0; r < dict_sorted_.size(); ++r) dict_rank_[dict_sorted_[r]] = r;
}

parquet::ColumnIndex ChunkEncoder::column_index(const std::vector<int64_t>& null_counts) const {
  parquet::ColumnIndex index;
  index.null_counts = null_counts;
  bool ascending = true, descending = true;
  const Bounds* previous = nullptr;
  for (const Bounds& page : page_bounds_) {
    std::string& min = index.min_values.emplace_back();
    std::string& max = index.max_values.emplace_back();
    index.null_pages.push_back(!encode_bounds(page, &min, &max));
    if (index.null_pages.back()) continue;
    if (previous) {
      ascending = ascending && not_after(*previous, page);
      descending = descending && not_after(page, *previous);
    }
    previous = &page;
  }
  index.boundary_order = ascending ? parquet::BoundaryOrder::kAscending
                         : descending ? parquet::BoundaryOrder::kDescending
                                      : parquet::BoundaryOrder::kUnordered;
  return index;
}

Status ChunkEncoder::write_page(PageType type, std::string_view levels, size_t rep_bytes, std::string_view values, int32_t num_values,
                                int32_t num_nulls, int32_t num_rows, Encoding encoding, std::string* out, parquet::ColumnMetaData* meta) {
  parquet::PageHeader h;
  h.type = type;
  // What gets compressed (v1: levels and values, which encode() lays out back to back; v2: the
  // values), and what is written: UNCOMPRESSED pages are written from where they are, uncopied.
  std::string_view section = values;
  if (type != PageType::kDataPageV2 && !levels.empty()) {
    if (levels.data() + levels.size() == values.data()) {
      section = std::string_view(levels.data(), levels.size() + values.size());
    } else {
      page_.assign(levels);
      page_.append(values);
      section = page_;
    }
  }
  std::string_view body = section;
  if (options_.codec != parquet::Codec::kUncompressed) {
    CF_RETURN_IF_ERROR(compressor_.compress(section, &compressed_));
    body = compressed_;
  }
  if (type == PageType::kDataPageV2) {
    // v2 keeps the levels outside the compressed section.
    h.uncompressed_page_size = static_cast<int32_t>(levels.size() + values.size());
    h.compressed_page_size = static_cast<int32_t>(levels.size() + body.size());
    auto& v2 = h.data_page_v2.emplace();
    v2.num_values = num_values;
    v2.num_nulls = num_nulls;
    v2.num_rows = num_rows;
    v2.encoding = encoding;
    v2.repetition_levels_byte_length = static_cast<int32_t>(rep_bytes);
    v2.definition_levels_byte_length = static_cast<int32_t>(levels.size() - rep_bytes);
    v2.is_compressed = options_.codec != parquet::Codec::kUncompressed;
  } else {
    h.uncompressed_page_size = static_cast<int32_t>(section.size());
    h.compressed_page_size = static_cast<int32_t>(body.size());
    if (type == PageType::kDictionaryPage) {
      h.dictionary_page.emplace().num_values = num_values;
      h.dictionary_page->encoding = Encoding::kPlain;
    } else {
      auto& v1 = h.data_page.emplace();
      v1.num_values = num_values;
      v1.encoding = encoding;
    }
  }
  header_.clear();
  parquet::encode_page_header(h, &header_);
  out->append(header_);
  if (type == PageType::kDataPageV2) out->append(levels);
  out->append(body);
  meta->total_uncompressed_size += static_cast<int64_t>(header_.size()) + h.uncompressed_page_size;
  meta->total_compressed_size += static_cast<int64_t>(header_.size()) + h.compressed_page_size;
  return Status::ok();
}

namespace {

// Appends RLE levels: v1 prefixes their byte length (4 bytes, little-endian), v2 keeps it in the
// page header.
void append_levels(std::span<const uint8_t> levels, int max_level, bool v2, std::string* out) {
  const size_t at = out->size();
  if (!v2) out->resize(at + 4);
  rle_encode(levels, bit_width_of(static_cast<uint64_t>(max_level)), out);
  if (!v2) {
    auto len = static_cast<uint32_t>(out->size() - at - 4);
    std::memcpy(out->data() + at, &len, 4);
  }
}

}  // namespace

Status ChunkEncoder::encode(ColumnBuffer& b, int64_t file_offset, std::string* out, parquet::ColumnChunk* chunk, parquet::ChunkPageIndex* index) {
  if (divisor_ != 1) {
    for (int64_t& v : b.ints_) v = floor_div(v, divisor_);
  }
  if (fixed_bytes_) {
    const auto width = static_cast<size_t>(*element_.type_length);
    for (size_t i = 0; i < b.ends_.size(); ++i) {
      const size_t bytes = b.ends_[i] - (i ? b.ends_[i - 1] : 0);
      if (bytes != width) return Status::invalid_argument(fmt::format("a value of {} bytes in a FIXED_LEN_BYTE_ARRAY({}) column", bytes, width));
    }
  }
  // An entry is a row of a flat column, a value or a NULL or an empty list of a nested leaf.
  const size_t n_entries = b.entries();
  const size_t n_values = b.values();
  const uint8_t max_def = b.max_def_;
  const bool repeated = b.max_rep_ > 0;
  const size_t start = out->size();

  parquet::ColumnMetaData& meta = chunk->meta_data.emplace();
  meta.type = physical_;
  meta.path_in_schema = path_;
  meta.codec = options_.codec;
  meta.num_values = static_cast<int64_t>(n_entries);
  use_dictionary_ = build_dictionary(b);
  if (use_dictionary_ && physical_ == PhysicalType::kByteArray) rank_dictionary(b);
  const bool delta = encoding_ == ColumnEncoding::kDelta;
  if (use_dictionary_) {
    meta.dictionary_page_offset = file_offset + static_cast<int64_t>(out->size() - start);
    values_.clear();
    plain_dictionary(b, &values_);
    CF_RETURN_IF_ERROR(write_page(PageType::kDictionaryPage, {}, 0, values_, static_cast<int32_t>(dict_first_.size()), 0, 0,
                                  Encoding::kPlain, out, &meta));
    meta.encodings = {Encoding::kPlain, Encoding::kRle, Encoding::kRleDictionary};
  } else if (delta) {
    meta.encodings = {Encoding::kRle, Encoding::kDeltaBinaryPacked};
  } else {
    meta.encodings = {Encoding::kPlain, Encoding::kRle};
  }
  meta.data_page_offset = file_offset + static_cast<int64_t>(out->size() - start);

  const bool v2 = options_.data_page_version == 2;
  const size_t page_bits = static_cast<size_t>(std::max<int64_t>(options_.page_bytes, 1)) * 8;
  // Arrow writes width 0 for a one-entry dictionary; careflow writes 1, which every reader takes.
  const int index_width = use_dictionary_ ? std::max(bit_width_of(dict_first_.size() - 1), 1) : 0;
  // Bits a value takes in a page, when every value takes the same (all but PLAIN byte arrays).
  const size_t fixed_bits = use_dictionary_ || physical_ != PhysicalType::kByteArray ? value_bits(b, 0) : 0;
  size_t entry = 0, value = 0;
  int64_t first_row = 0;
  Bounds chunk_bounds;
  page_bounds_.clear();
  std::vector<int64_t> null_counts;
  bool nan_page = false;  // a page of NaNs only: no column index (PageIndex.md, TYPE_ORDER)
  if (index) index->offsets.page_locations.clear();
  do {
    // A page takes entries until its values' encoded size reaches page_bytes; a page of a repeated
    // leaf ends where a row starts (v2 requires it, and readers of v1 expect it).
    size_t entry_end = entry, value_end = value, bits = 0, rows = 0;
    if (fixed_bits && !max_def) {
      entry_end = std::min(n_entries, entry + std::max<size_t>(1, (page_bits + fixed_bits - 1) / fixed_bits));
      value_end = entry_end;
    } else if (fixed_bits && !repeated) {
      // The values a page holds, counted without a branch per entry: NULLs fall at random, and a
      // mispredicted branch per row was most of this loop's time.
      const size_t page_values = std::max<size_t>(1, (page_bits + fixed_bits - 1) / fixed_bits);
      while (entry_end < n_entries && value_end - value < page_values) {
        value_end += b.defs_[entry_end] == max_def;
        ++entry_end;
      }
    } else {
      while (entry_end < n_entries && (bits < page_bits || (repeated && b.reps_[entry_end] != 0))) {
        if (!max_def || b.defs_[entry_end] == max_def) {
          bits += fixed_bits ? fixed_bits : value_bits(b, value_end);
          ++value_end;
        }
        ++entry_end;
      }
    }
    if (repeated) {
      for (size_t i = entry; i < entry_end; ++i) rows += b.reps_[i] == 0;
    } else {
      rows = entry_end - entry;
    }
    levels_.clear();
    size_t rep_bytes = 0;
    if (repeated) {
      append_levels(std::span<const uint8_t>(b.reps_.data() + entry, entry_end - entry), b.max_rep_, v2, &levels_);
      rep_bytes = levels_.size();
    }
    if (max_def) append_levels(std::span<const uint8_t>(b.defs_.data() + entry, entry_end - entry), max_def, v2, &levels_);
    // The values go right after the levels, so that a v1 page is compressed from where it is.
    const size_t level_bytes = levels_.size();
    Encoding encoding = Encoding::kPlain;
    if (use_dictionary_) {
      encoding = Encoding::kRleDictionary;
      levels_.push_back(static_cast<char>(index_width));
      rle_encode(std::span<const uint32_t>(indices_.data() + value, value_end - value), index_width, &levels_);
    } else if (delta) {
      encoding = Encoding::kDeltaBinaryPacked;
      if (value_end > value) delta_encode(std::span<const int64_t>(b.ints_.data() + value, value_end - value), physical_ == PhysicalType::kInt32, &levels_);
      else delta_encode({}, physical_ == PhysicalType::kInt32, &levels_);
    } else {
      plain_values(b, value, value_end, &levels_);
    }
    auto num_values = static_cast<int32_t>(entry_end - entry);
    auto num_nulls = static_cast<int32_t>((entry_end - entry) - (value_end - value));
    const std::string_view page = levels_;
    const size_t page_at = out->size();
    CF_RETURN_IF_ERROR(write_page(v2 ? PageType::kDataPageV2 : PageType::kDataPage, page.substr(0, level_bytes), rep_bytes,
                                  page.substr(level_bytes), num_values, num_nulls, static_cast<int32_t>(rows), encoding, out, &meta));
    const Bounds& page_bounds = page_bounds_.emplace_back(bounds(b, value, value_end));
    merge(&chunk_bounds, page_bounds);
    nan_page = nan_page || (value_end > value && page_bounds.values == 0);
    null_counts.push_back(num_nulls);
    if (index) {
      index->offsets.page_locations.push_back(
          {file_offset + static_cast<int64_t>(page_at - start), static_cast<int32_t>(out->size() - page_at), first_row});
    }
    first_row += static_cast<int64_t>(rows);
    entry = entry_end;
    value = value_end;
  } while (entry < n_entries);
  parquet::Statistics& stats = meta.statistics.emplace();
  stats.null_count = static_cast<int64_t>(n_entries - n_values);
  if ((physical_ == PhysicalType::kFloat || physical_ == PhysicalType::kDouble) && n_values > 0) stats.nan_count = chunk_bounds.nans;
  std::string min, max;
  if (encode_bounds(chunk_bounds, &min, &max)) {
    stats.min_value = std::move(min);
    stats.max_value = std::move(max);
  }
  if (index) {
    index->column.reset();
    if (!nan_page) index->column = column_index(null_counts);
  }
  chunk->file_offset = meta.data_page_offset;  // deprecated field; set as Arrow does
  return Status::ok();
}

}  // namespace careflow::lake
