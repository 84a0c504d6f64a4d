#pragma once
// Private to src/lake: encodes one column's buffered rows (ColumnBuffer) into a column chunk —
// dictionary page, data pages, statistics — for ParquetWriter. Keeps its scratch buffers, hash
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
  // `path` is the leaf's path_in_schema.
  ChunkEncoder(parquet::SchemaElement element, std::vector<std::string> path, const WriterOptions& options);

  // Appends the chunk's pages to *out (whose first byte will sit at `file_offset`) and fills
  // *chunk. Converts the buffer's values to their stored units in place.
  Status encode(ColumnBuffer& buffer, int64_t file_offset, std::string* out, parquet::ColumnChunk* chunk);

 private:
  bool build_dictionary(const ColumnBuffer& b);
  void plain_values(const ColumnBuffer& b, size_t begin, size_t end, std::string* out) const;
  void plain_dictionary(const ColumnBuffer& b, std::string* out) const;
  size_t value_bits(const ColumnBuffer& b, size_t value) const;
  parquet::Statistics statistics(const ColumnBuffer& b, size_t nulls) const;
  // `levels` holds the repetition levels (their first rep_bytes bytes) and the definition levels.
  Status write_page(parquet::PageType type, std::string_view levels, size_t rep_bytes, std::string_view values, int32_t num_values,
                    int32_t num_nulls, int32_t num_rows, parquet::Encoding encoding, std::string* out, parquet::ColumnMetaData* meta);

  parquet::SchemaElement element_;
  std::vector<std::string> path_;
  parquet::PhysicalType physical_;
  const WriterOptions& options_;
  int64_t divisor_ = 1;  // microseconds → milliseconds for TIMESTAMP(MILLIS)
  PageCompressor compressor_;

  bool use_dictionary_ = false;
  std::vector<uint32_t> indices_;  // per non-null value, its dictionary entry
  std::vector<uint32_t> dict_first_;  // per dictionary entry, the first value that has it
  absl::flat_hash_map<uint64_t, uint32_t> fixed_dict_;
  absl::flat_hash_map<std::string_view, uint32_t> bytes_dict_;

  std::string levels_;  // a data page's levels, then its values
  std::string values_, page_, compressed_, header_;
};

}  // namespace careflow::lake
