#pragma once
// Private to src/lake: encodes one column's buffered rows (ColumnBuffer) into a column chunk —
// dictionary page, data pages, statistics, page index — for ParquetWriter. Keeps its scratch buffers, hash
// table and compressor between row groups so that steady-state writing does not allocate.

#include <absl/container/flat_hash_map.h>

#include <string>
#include <string_view>
#include <vector>

#include "lake/page_codec.h"
#include "lake/parquet_metadata.h"
#include "lake/parquet_writer.h"

namespace careflow::lake {

class ChunkEncoder {
 public:
  // `path` is the leaf's path_in_schema; `encoding` what ParquetWriter::open resolved for it
  // (kDelta only for INT32 / INT64 leaves).
  ChunkEncoder(parquet::SchemaElement element, std::vector<std::string> path, const WriterOptions& options, ColumnEncoding encoding);

  // Appends the chunk's pages to *out (whose first byte will sit at `file_offset`) and fills
  // *chunk, and *index when given. Converts the buffer's values to their stored units in place.
  Status encode(ColumnBuffer& buffer, int64_t file_offset, std::string* out, parquet::ColumnChunk* chunk, parquet::ChunkPageIndex* index);

 private:
  // Bounds of some of a column's values in their physical type (the member for it set), merged
  // page by page into the chunk's statistics.
  struct Bounds {
    size_t values = 0;  // values bounded (NaN is not)
    int64_t nans = 0;
    int64_t ilo = 0, ihi = 0;
    double dlo = 0, dhi = 0;
    values::int128 wlo = 0, whi = 0;
    std::string_view slo, shi;
  };
  Bounds bounds(const ColumnBuffer& b, size_t begin, size_t end) const;
  void merge(Bounds* into, const Bounds& from) const;
  // Whether a's bounds are each at most b's (for a column index's boundary order).
  bool not_after(const Bounds& a, const Bounds& b) const;
  // PLAIN-encoded bounds; false when there are none (no values, or NaNs only).
  bool encode_bounds(const Bounds& bounds, std::string* min, std::string* max) const;
  void rank_dictionary(const ColumnBuffer& b);
  parquet::ColumnIndex column_index(const std::vector<int64_t>& null_counts) const;

  bool build_dictionary(const ColumnBuffer& b);
  void plain_values(const ColumnBuffer& b, size_t begin, size_t end, std::string* out) const;
  void plain_dictionary(const ColumnBuffer& b, std::string* out) const;
  size_t value_bits(const ColumnBuffer& b, size_t value) const;
  // `levels` holds the repetition levels (their first rep_bytes bytes) and the definition levels.
  Status write_page(parquet::PageType type, std::string_view levels, size_t rep_bytes, std::string_view values, int32_t num_values,
                    int32_t num_nulls, int32_t num_rows, parquet::Encoding encoding, std::string* out, parquet::ColumnMetaData* meta);

  parquet::SchemaElement element_;
  std::vector<std::string> path_;
  parquet::PhysicalType physical_;
  const WriterOptions& options_;
  ColumnEncoding encoding_;
  int64_t divisor_ = 1;  // microseconds → milliseconds for TIMESTAMP(MILLIS)
  bool fixed_bytes_ = false;  // a FIXED_LEN_BYTE_ARRAY of bytes (a UUID), not a decimal: values in heap_
  PageCompressor compressor_;

  bool use_dictionary_ = false;
  std::vector<uint32_t> indices_;  // per non-null value, its dictionary entry
  std::vector<uint32_t> dict_first_;  // per dictionary entry, the first value that has it
  absl::flat_hash_map<uint64_t, uint32_t> fixed_dict_;
  absl::flat_hash_map<std::string_view, uint32_t> bytes_dict_;
  std::vector<uint32_t> dict_sorted_;  // a BYTE_ARRAY dictionary's entries in value order
  std::vector<uint32_t> dict_rank_;    // per entry, its place in dict_sorted_
  std::vector<Bounds> page_bounds_;    // per data page of the chunk being encoded

  std::string levels_;  // a data page's levels, then its values
  std::string values_, page_, compressed_, header_;
};

}  // namespace careflow::lake
