#pragma once
// Private to src/lake: decodes one column chunk's pages into a ColumnVector for ParquetReader.

#include <algorithm>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lake/parquet_nested.h"
#include "lake/parquet_reader.h"

namespace careflow::lake {

// Pages at most this many values: a header claiming more is corrupt (Arrow and parquet-mr write
// 20,000 rows a page; careflow's pages hold at most a megabyte of values).
inline constexpr int32_t kMaxPageValues = 1 << 24;

// The levels of a leaf of a nested column, one per entry (a value, a NULL or an empty list), for
// parquet_assemble.h.
struct LeafLevels {
  std::vector<uint8_t> defs, reps;                  // empty when the leaf's maximum level is 0
  std::vector<std::pair<size_t, uint64_t>> pages;  // each page's first entry and file byte
};

// Non-null values of one page (or the dictionary) in their physical form.
struct DecodedValues {
  std::vector<int64_t> ints;
  std::vector<double> doubles;
  std::vector<values::int128> wide;     // FIXED_LEN_BYTE_ARRAY / BYTE_ARRAY decimals
  std::vector<std::string_view> bytes;  // BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY
  void clear() {
    ints.clear();
    doubles.clear();
    wide.clear();
    bytes.clear();
  }
  size_t size() const { return std::max({ints.size(), doubles.size(), wide.size(), bytes.size()}); }
};

// The buffers of decoding, reused page after page and, when a reader passes the same one to
// every chunk it reads, chunk after chunk: they keep their capacity, so that a scan does not
// allocate and zero a decompression buffer, levels and indices per column chunk. Nothing in them
// outlives the decoding of one chunk.
struct DecodeScratch {
  std::string decompressed;  // a page's bytes, decompressed (and padded: see chunk_decoder.cc)
  std::vector<uint32_t> indices, defs, reps;
  DecodedValues page_values, dictionary;
  std::string dictionary_heap;             // a BYTE_ARRAY dictionary's bytes (padded)
  std::vector<uint32_t> dictionary_sizes;  // its values' lengths
};

// Where a column chunk's pages lie, as its metadata says (unchecked): from the dictionary page,
// or the first data page, on; {offset, bytes}.
std::pair<int64_t, int64_t> column_chunk_extent(const parquet::ColumnMetaData& m);

// `bytes` are the file's bytes from offset `base` on (the whole file, or just the chunk's extent;
// offsets in the chunk's metadata are into the file); `end_limit` is where the footer starts.
// `rows` is the row group's row count, which a flat chunk's values must match. A leaf of a nested
// column (levels set) gets one slot of *out per entry, and its levels in *levels; a level above
// the leaf's maximum is a kCorruption naming the page's byte.
// `data_pages` (optional) counts the data pages decoded; `scratch` (optional) lends the buffers.
Status decode_column_chunk(std::string_view bytes, uint64_t base, std::string_view name, size_t end_limit, const LeafColumn& leaf,
                           const parquet::ColumnChunk& chunk, int64_t rows, ColumnVector* out, LeafLevels* levels = nullptr,
                           int64_t* data_pages = nullptr, DecodeScratch* scratch = nullptr);

// One data page of a chunk as its OffsetIndex locates it, with the rows it holds.
struct IndexedPage {
  uint64_t offset = 0;  // of its header in the file
  size_t bytes = 0;     // header and body
  int64_t rows = 0;
};
// `n` bytes of the file from `offset`, valid until the next call.
using ReadBytes = std::function<Result<std::string_view>(uint64_t offset, size_t n)>;

// Decodes some data pages of a flat column's chunk: its dictionary page first (the pages between
// the chunk's start and `first_page`, its OffsetIndex's first data page), then `pages` in order,
// one slot of *out per row. A page that is not a data page, lies outside the chunk or holds
// another number of values than its rows is a kCorruption naming its byte.
Status decode_indexed_pages(const ReadBytes& read, std::string_view name, size_t end_limit, const LeafColumn& leaf,
                            const parquet::ColumnChunk& chunk, uint64_t first_page, std::span<const IndexedPage> pages, ColumnVector* out,
                            int64_t* data_pages = nullptr, DecodeScratch* scratch = nullptr);

}  // namespace careflow::lake
