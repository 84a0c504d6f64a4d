#pragma once
// careflow's Parquet reader: columns as careflow's writer and Arrow's (pyarrow) write them — flat,
// and ROW / ARRAY / MAP in the standard nested layouts (parquet_nested.h) —
// PLAIN and dictionary encodings (RLE_DICTIONARY, PLAIN_DICTIONARY), data pages v1 and v2, RLE
// definition levels, UNCOMPRESSED / SNAPPY / ZSTD pages — with projection (read only the columns
// asked for) and row-group pruning on the footer's statistics.
//
// Malformed input never crashes the reader and never allocates what a length in the file claims
// before checking it against the bytes there: every error is a kCorruption status naming the
// file and the byte offset ("x.parquet: byte 1234: page header: thrift: truncated varint").
// DELTA_BINARY_PACKED integers too. What the reader does not support yet (legacy 2-level lists,
// INT96, DELTA_LENGTH_BYTE_ARRAY / DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT, GZIP, ...)
// is a kInvalidArgument naming the column and the feature. A local file is read as needed: the
// footer when opened, then the chunks of the columns a row group is read for (pread; the reader
// keeps the file open); an object-store file is read whole.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/status.h"
#include "lake/parquet_metadata.h"
#include "lake/parquet_nested.h"
#include "lake/parquet_page_index.h"
#include "lake/parquet_schema.h"
#include "values/value.h"

namespace careflow::lake {

struct LeafLevels;     // chunk_decoder.h
struct DecodeScratch;  // chunk_decoder.h

// An allocator whose resize() leaves new numbers uninitialized (resize(n, value) still fills):
// the reader writes every slot it makes room for, and zeroing them first cost a tenth of a scan.
template <typename T>
struct UninitializedAllocator : std::allocator<T> {
  using value_type = T;
  template <typename U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <typename U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    if constexpr (sizeof...(Args) == 0 && std::is_trivially_default_constructible_v<U>) {
      ::new (static_cast<void*>(p)) U;  // default-initialized: no zeroing
    } else {
      ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
  }
};
// A vector of numbers for the reader's output (std::vector's interface).
template <typename T>
using NumberVector = std::vector<T, UninitializedAllocator<T>>;

// One column of a row group, one slot per row, in careflow's units (values/value.h).
struct ColumnVector {
  ColumnSpec column;
  NumberVector<uint8_t> valid;            // 1: a value, 0: NULL
  NumberVector<int64_t> ints;             // BOOLEAN, integers, DATE, TIME, TIMESTAMP (µs)
  NumberVector<double> doubles;           // FLOAT, DOUBLE
  NumberVector<values::int128> decimals;  // DECIMAL, unscaled
  std::string heap;                       // strings and bytes back to back
  NumberVector<size_t> ends;              // end of each row's bytes in heap (NULL: empty)
  std::vector<values::Value> nested;     // ROW (a list of its fields), ARRAY, MAP: the whole value

  size_t size() const { return valid.size(); }
  values::Value value(size_t row) const;
};

// An inclusive range on one column; an unset bound is open. Used to skip row groups.
struct ColumnRange {
  std::string column;
  std::optional<values::Value> lower, upper;
};

// Rows [first, end) of a row group.
struct RowSpan {
  int64_t first = 0, end = 0;
  bool operator==(const RowSpan&) const = default;
};

// What a reader has decoded so far (every read_row_group and read_rows call adds to it).
struct ReadCounters {
  int64_t data_pages_read = 0;     // data pages decoded
  int64_t data_pages_skipped = 0;  // data pages of the chunks read that the page index let it pass over
};

struct ColumnStatistics {
  std::optional<values::Value> min, max;  // unset when the file has no usable bounds
  std::optional<int64_t> null_count;
};

class ParquetReader {
 public:
  // Reads and checks the footer. Errors: the file cannot be read, it is not Parquet, or its
  // footer or schema is malformed or not supported (naming the column).
  // `path` may be a local path or an s3:// URI (storage.h).
  static Result<std::unique_ptr<ParquetReader>> open(const std::string& path);
  // The same over bytes already in memory; `name` is used in messages.
  static Result<std::unique_ptr<ParquetReader>> from_bytes(std::string name, std::string bytes);
  ~ParquetReader();
  ParquetReader(const ParquetReader&) = delete;
  ParquetReader& operator=(const ParquetReader&) = delete;

  const std::vector<ColumnSpec>& columns() const { return columns_; }
  const parquet::FileMetaData& metadata() const { return meta_; }
  int64_t num_rows() const { return meta_.num_rows; }
  // The file's length in bytes.
  int64_t file_size() const { return static_cast<int64_t>(size_); }
  size_t num_row_groups() const { return meta_.row_groups.size(); }
  // The index of a column by exact name; kNotFound naming it otherwise.
  Result<size_t> column_index(std::string_view name) const;

  // The column chunk index (among a row group's chunks, one per leaf) of a primitive column;
  // unset for a ROW, ARRAY or MAP column, whose leaves have no bounds careflow uses.
  std::optional<size_t> chunk_of_column(size_t column) const;

  // A primitive column's chunk's footer statistics as values (min_value / max_value; the deprecated
  // min / max only for columns whose signed order is their order: not strings or bytes). Empty for
  // a nested column.
  ColumnStatistics statistics(size_t row_group, size_t column) const;
  // The same for any column chunk (a leaf of a nested column too), by its index among the row
  // group's chunks (leaves()).
  ColumnStatistics chunk_statistics(size_t row_group, size_t chunk) const;
  // The file's leaf columns in schema order, one per column chunk of a row group.
  const std::vector<LeafColumn>& leaves() const { return leaves_; }
  // The row groups that may hold a row inside every range (all of them when no statistics say
  // otherwise). Errors: a range names an unknown column.
  Result<std::vector<size_t>> prune(std::span<const ColumnRange> ranges) const;

  // A column chunk's page index (by its index among the row group's chunks), as the footer locates
  // it: unset when the file has none (no OffsetIndex); `column` unset when only the OffsetIndex is
  // there. Errors: kCorruption naming the byte when the index lies outside the file's data or does
  // not decode. select_rows and read_rows skip pages by it.
  Result<std::optional<parquet::ChunkPageIndex>> page_index(size_t row_group, size_t chunk) const;

  // Reads the given columns (indexes into columns()) of one row group, in that order.
  Result<std::vector<ColumnVector>> read_row_group(size_t row_group, std::span<const size_t> columns) const;

  // The rows of a row group that may hold a row inside every range, by the page indexes of the
  // ranges' columns: the rows of a page whose bounds miss its range, or that holds only NULLs, are
  // left out (a superset of the matching rows: the caller still filters them). Sorted, disjoint,
  // non-empty spans; the whole group when no range's column has a ColumnIndex (or is nested);
  // empty when no row can match. Errors: a range names an unknown column (kNotFound); a damaged
  // page index (kCorruption naming the byte).
  Result<std::vector<RowSpan>> select_rows(size_t row_group, std::span<const ColumnRange> ranges) const;
  // Reads only those rows (sorted, disjoint spans inside the group) of the given columns, one slot
  // per row in order: a flat column with an OffsetIndex decodes its dictionary and just the data
  // pages holding some of the rows; another (no page index, ROW / ARRAY / MAP) decodes its whole
  // chunk and keeps the rows asked for. Errors as read_row_group; kInvalidArgument for spans that
  // are not sorted, disjoint and inside the group; kCorruption when a page holds another number of
  // rows than its OffsetIndex says.
  Result<std::vector<ColumnVector>> read_rows(size_t row_group, std::span<const size_t> columns, std::span<const RowSpan> rows) const;

  ReadCounters counters() const { return {pages_read_, pages_skipped_}; }

 private:
  ParquetReader() = default;
  Status load();
  // `n` bytes of the file from `offset` (inside it): a view into bytes_, or read into *buffer.
  Result<std::string_view> read_at(uint64_t offset, size_t n, std::string* buffer) const;
  // Decodes the whole chunk of leaf `leaf` (levels set: a leaf of a nested column). `buffer` holds
  // the chunk's bytes read from a local file; both it and `scratch` are reused chunk after chunk.
  Status decode_chunk(size_t row_group, size_t leaf, ColumnVector* values, LeafLevels* levels, std::string* buffer, DecodeScratch* scratch) const;
  // Decodes the chunk's data pages that hold some of `rows` (and its dictionary) by its OffsetIndex
  // (`pages`); *held gets the rows decoded, a superset of `rows`.
  Status decode_pages(size_t row_group, size_t leaf, const parquet::OffsetIndex& pages, std::span<const RowSpan> rows, ColumnVector* values,
                      std::vector<RowSpan>* held, std::string* buffer, DecodeScratch* scratch) const;
  Result<ColumnVector> read_column(size_t row_group, size_t column, std::string* buffer, DecodeScratch* scratch) const;

  std::string name_;
  std::string bytes_;  // the whole file, when it came as bytes
  int fd_ = -1;        // else the open local file
  uint64_t size_ = 0;  // the file's length
  parquet::FileMetaData meta_;
  std::vector<ColumnSpec> columns_;
  std::vector<ShapeNode> shapes_;   // per column
  std::vector<LeafColumn> leaves_;  // per column chunk
  size_t footer_start_ = 0;  // column chunks must end before the footer
  mutable std::atomic<int64_t> pages_read_{0}, pages_skipped_{0};  // ReadCounters
};

}  // namespace careflow::lake
