#pragma once
// careflow's Parquet writer: columns of careflow's SQL types (parquet_schema.h; ROW, ARRAY and MAP
// as parquet_nested.h lays them out) into one file, row group by row group. Rows are buffered per
// leaf column (values in typed vectors, strings in one byte heap: no allocation per value once the
// buffers have grown) and encoded when a row group is
// full: a dictionary (RLE_DICTIONARY, its PLAIN dictionary page first) while the dictionary stays
// under WriterOptions::dictionary_page_bytes, PLAIN otherwise; RLE definition levels; data pages v1
// (or v2) of about page_bytes each; pages compressed with ZSTD by default; column statistics (min,
// max, null count) in the footer, and a page index (per page offsets, bounds and NULL counts) just
// before it. DELTA_BINARY_PACKED for integer columns when WriterOptions asks. Not thread-safe; one
// writer per file.
//
//   auto w = ParquetWriter::open(path, columns, {});
//   w->write_row(values);            // or the columnar appends: w->column(i).append_int(...) ... w->commit_rows()
//   w->close();                      // the footer; until then the file is not a Parquet file

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "lake/parquet_metadata.h"
#include "lake/parquet_nested.h"
#include "lake/parquet_page_index.h"
#include "lake/parquet_schema.h"
#include "values/value.h"

namespace careflow::lake {

// How a leaf column's values are encoded (pyarrow's column_encoding).
enum class ColumnEncoding {
  kAuto,   // RLE_DICTIONARY while a dictionary pays (WriterOptions::dictionary), PLAIN otherwise
  kPlain,  // PLAIN, never a dictionary
  // DELTA_BINARY_PACKED, never a dictionary: INT32 and INT64 leaves only (TINYINT .. BIGINT, DATE,
  // TIME, TIMESTAMP, DECIMAL(p <= 18)). Sorted or slowly changing values (timestamps, sequence
  // numbers) shrink to a few bits each before compression.
  kDelta,
};

// "auto", "plain" or "delta" (also "DELTA_BINARY_PACKED"), any case; an error naming the word otherwise.
Result<ColumnEncoding> parse_column_encoding(std::string_view name);

struct WriterOptions {
  parquet::Codec codec = parquet::Codec::kZstd;
  int zstd_level = 1;                       // Arrow's default ZSTD level
  int64_t row_group_rows = 1'048'576;       // pyarrow's default row_group_size
  int64_t page_bytes = 1 << 20;             // target encoded size of a data page (before compression)
  bool dictionary = true;                   // try RLE_DICTIONARY (not for BOOLEAN or wide decimals)
  int64_t dictionary_page_bytes = 1 << 20;  // a dictionary larger than this falls back to PLAIN
  int data_page_version = 1;                // 1 (DATA_PAGE) or 2 (DATA_PAGE_V2)
  // The encoding of INT32 and INT64 leaves that column_encodings does not name.
  ColumnEncoding integer_encoding = ColumnEncoding::kAuto;
  // Per leaf column, by its dotted path ("ts", "readings.list.element"); open() refuses a name that
  // is no leaf, and kDelta on a leaf that is not INT32 or INT64.
  std::vector<std::pair<std::string, ColumnEncoding>> column_encodings = {};
  // A page index (parquet_page_index.h) for every column chunk, written before the footer: each
  // data page's offset and first row, and its bounds and NULL count (no ColumnIndex for a FLOAT or
  // DOUBLE chunk with a page of NaNs only, as the spec requires).
  bool page_index = true;
  std::vector<parquet::KeyValue> metadata;  // the footer's key_value_metadata
};

// Whether ParquetWriter::open would take `options` for `columns`: the errors open() gives for a
// column type it cannot store, column_encodings naming no leaf column or kDelta on a column that
// is not INT32 / INT64 (for a sink to check its table's options before it writes a file).
Status check_writer_options(const std::vector<ColumnSpec>& columns, const WriterOptions& options);

// One leaf column's rows of the row group being buffered. Values are in careflow's units
// (values/value.h): timestamps in microseconds, dates in days, times in milliseconds, decimals
// unscaled. Appending the wrong kind for the column's type is a bug (asserted); write_row checks.
// A leaf of a nested column (parquet_nested.h) also holds its definition levels above 1 and its
// repetition levels; only write_row fills those.
class ColumnBuffer {
 public:
  void append_null() { defs_.push_back(0); }
  void append_bool(bool v) { present(); ints_.push_back(v ? 1 : 0); }
  void append_int(int64_t v) { present(); ints_.push_back(v); }
  void append_double(double v) { present(); doubles_.push_back(v); }
  void append_decimal(values::int128 v) {
    present();
    if (wide_decimal_) wide_.push_back(v); else ints_.push_back(static_cast<int64_t>(v));
  }
  void append_bytes(std::string_view v) {
    present();
    heap_.append(v);
    ends_.push_back(heap_.size());
  }
  size_t rows() const { return max_rep_ ? rows_ : max_def_ ? defs_.size() : values(); }

  // A batch of a flat column's rows in one call (a columnar engine's batch, without a call per
  // value): one slot per row in `values`; with `valid` (one byte per row, 0: NULL; as long as
  // `values`), a NULL row's slot is ignored. A NOT NULL column takes no `valid`. BOOLEAN values
  // are 0 or 1. Not for the leaves of ROW, ARRAY or MAP columns (write_row fills those).
  void append_ints(std::span<const int64_t> values, std::span<const uint8_t> valid = {}) { append_slots(&ints_, values, valid); }
  void append_doubles(std::span<const double> values, std::span<const uint8_t> valid = {}) { append_slots(&doubles_, values, valid); }
  void append_decimals(std::span<const values::int128> values, std::span<const uint8_t> valid = {}) {
    if (wide_decimal_) append_slots(&wide_, values, valid); else append_slots(&ints_, values, valid);
  }

 private:
  template <typename T, typename Stored>
  void append_slots(std::vector<Stored>* out, std::span<const T> values, std::span<const uint8_t> valid) {
    const size_t n = values.size();
    if (max_def_) {
      const size_t at = defs_.size();
      defs_.resize(at + n, max_def_);
      for (size_t i = 0; i < valid.size(); ++i) defs_[at + i] = valid[i] ? max_def_ : 0;
    }
    const size_t at = out->size();
    out->resize(at + n);
    Stored* dst = out->data() + at;
    size_t k = 0;
    // Every slot is written and the cursor moves past the valid ones only: no branch per row.
    for (size_t i = 0; i < n; ++i) {
      dst[k] = static_cast<Stored>(values[i]);
      k += valid.empty() || valid[i] != 0;
    }
    out->resize(at + k);
  }

  friend class ParquetWriter;
  friend class ChunkEncoder;
  void present() { if (max_def_) defs_.push_back(max_def_); }
  // A nested leaf's next entry starts at repetition level `rep` (0: a new row).
  void start(uint8_t rep) {
    if (!max_rep_) return;
    reps_.push_back(rep);
    if (rep == 0) ++rows_;
  }
  // An entry without a value: a NULL or an empty list at definition level `def`.
  void append_levels(uint8_t rep, uint8_t def) {
    start(rep);
    defs_.push_back(def);
  }
  size_t values() const { return ints_.size() + doubles_.size() + wide_.size() + ends_.size(); }
  size_t entries() const { return max_def_ ? defs_.size() : values(); }
  void clear() { defs_.clear(); reps_.clear(); rows_ = 0; ints_.clear(); doubles_.clear(); wide_.clear(); heap_.clear(); ends_.clear(); }

  uint8_t max_def_ = 1;  // 0: a REQUIRED flat column, which stores no levels
  uint8_t max_rep_ = 0;
  bool wide_decimal_ = false;
  std::vector<uint8_t> defs_;  // one per entry when max_def_ > 0: max_def_ for a value, less for a NULL
  std::vector<uint8_t> reps_;  // one per entry when max_rep_ > 0
  size_t rows_ = 0;            // entries with repetition level 0
  std::vector<int64_t> ints_;
  std::vector<double> doubles_;
  std::vector<values::int128> wide_;
  std::string heap_;            // BYTE_ARRAY values back to back
  std::vector<size_t> ends_;    // end of each value in heap_
};

class ChunkEncoder;

class ParquetWriter {
 public:
  // Creates (truncates) `path`. An s3:// URI (storage.h) is written to a local temporary file
  // first (TMPDIR) and uploaded whole by close(): the object appears complete or not at all. Errors: a column type the writer does not store yet (naming the
  // column), bad options, or the file cannot be created.
  static Result<std::unique_ptr<ParquetWriter>> open(std::string path, std::vector<ColumnSpec> columns, WriterOptions options = {});
  ~ParquetWriter();

  // One row, one value per column in careflow's Value representation. Errors name the column: a
  // NULL in a NOT NULL column, a value of the wrong kind.
  Status write_row(std::span<const values::Value> row);

  // The columnar path, for files of primitive columns: append one value to every column, then
  // commit_rows(); a row group is written when row_group_rows rows are buffered. commit_rows fails
  // if the columns disagree on how many rows they hold. (Buffers are per leaf column: with nested
  // columns, i counts leaves.)
  ColumnBuffer& column(size_t i) { return buffers_[i]; }
  Status commit_rows();

  // Writes the buffered rows and the footer, and closes the file.
  Status close();

  const std::vector<ColumnSpec>& columns() const { return columns_; }
  int64_t rows_written() const { return rows_; }

 private:
  ParquetWriter() = default;
  Status flush_row_group();
  Status check_nested(const ShapeNode& node, const values::Value& v) const;
  Status shred(const ShapeNode& node, const values::Value& v, uint8_t rep, uint8_t def);
  Status write_bytes(std::string_view bytes);
  Status write_page_indexes();

  std::string path_;
  std::string staging_;  // the local temporary file of an object-store path; empty otherwise
  std::vector<ColumnSpec> columns_;
  WriterOptions options_;
  int fd_ = -1;
  int64_t offset_ = 0;
  int64_t rows_ = 0;
  int64_t buffered_rows_ = 0;
  std::vector<ColumnShape> shapes_;  // per column
  std::vector<LeafColumn> leaves_;
  std::vector<ColumnBuffer> buffers_;  // per leaf
  std::vector<std::unique_ptr<ChunkEncoder>> encoders_;
  std::vector<std::vector<parquet::ChunkPageIndex>> page_indexes_;  // per row group, per leaf
  parquet::FileMetaData meta_;
};

}  // namespace careflow::lake
