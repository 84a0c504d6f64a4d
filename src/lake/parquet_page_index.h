#pragma once
// Parquet's page index (PageIndex.md; ColumnIndex, OffsetIndex and PageLocation in parquet.thrift):
// per column chunk, where each data page starts and which row it starts at (OffsetIndex), and each
// page's bounds and NULL count (ColumnIndex), so that a reader can skip pages as it skips row
// groups. Both are Thrift compact structs written after the row groups, before the footer; the
// chunk's ColumnChunk says where (offset_index_offset / _length, column_index_offset / _length).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace careflow::lake::parquet {

// Whether a column index's min_values and max_values both rise (or both fall) page after page,
// NULL pages left out: a reader may then binary-search them.
enum class BoundaryOrder : int32_t { kUnordered = 0, kAscending = 1, kDescending = 2 };

struct PageLocation {
  int64_t offset = 0;                // of the page header in the file
  int32_t compressed_page_size = 0;  // the header and the compressed body
  int64_t first_row_index = 0;       // within the row group
};

struct OffsetIndex {
  std::vector<PageLocation> page_locations;  // data pages only, in file order
};

struct ColumnIndex {
  std::vector<bool> null_pages;                 // true: the page has no value (its bounds are empty)
  std::vector<std::string> min_values, max_values;  // PLAIN-encoded, as Statistics' min_value / max_value
  BoundaryOrder boundary_order = BoundaryOrder::kUnordered;
  std::vector<int64_t> null_counts;
};

// One column chunk's page index as the writer collects it: no ColumnIndex when the chunk may not
// have one (a FLOAT / DOUBLE page of NaNs only).
struct ChunkPageIndex {
  std::optional<ColumnIndex> column;
  OffsetIndex offsets;
};

// Append the compact-protocol encoding.
void encode_offset_index(const OffsetIndex& index, std::string* out);
void encode_column_index(const ColumnIndex& index, std::string* out);

// Decode; errors (kCorruption) name `file` and the file byte where decoding stopped (`base` is the
// offset of `bytes` in the file), including lists whose lengths disagree.
Result<OffsetIndex> decode_offset_index(std::string_view bytes, std::string_view file, uint64_t base);
Result<ColumnIndex> decode_column_index(std::string_view bytes, std::string_view file, uint64_t base);

}  // namespace careflow::lake::parquet
