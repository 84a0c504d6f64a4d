#include "lake/parquet_reader.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "lake/chunk_decoder.h"
#include "lake/parquet_assemble.h"
#include "lake/parquet_bounds.h"
#include "lake/storage.h"

namespace careflow::lake {

using parquet::PhysicalType;
using values::TypeId;
using values::Value;

Value ColumnVector::value(size_t row) const {
  if (!valid[row]) return Value();
  const values::DataType& t = column.type;
  switch (t.id) {
    case TypeId::kBoolean: return Value::boolean(ints[row] != 0);
    case TypeId::kFloat:
    case TypeId::kDouble: return Value::real(doubles[row]);
    case TypeId::kDecimal: return Value::decimal(decimals[row]);
    case TypeId::kChar:
    case TypeId::kVarChar:
    case TypeId::kBinary:
    case TypeId::kVarBinary: {
      size_t start = row ? ends[row - 1] : 0;
      std::string s = heap.substr(start, ends[row] - start);
      return t.is_string() ? Value::string(std::move(s)) : Value::bytes(std::move(s));
    }
    case TypeId::kArray:
    case TypeId::kMap:
    case TypeId::kRow:
    case TypeId::kMultiset: return nested[row];
    default: return Value::integer(ints[row]);
  }
}

Result<std::unique_ptr<ParquetReader>> ParquetReader::open(const std::string& path) {
  if (is_object_store_uri(path)) {
    CF_ASSIGN_OR_RETURN(std::string bytes, storage_for(path).read(path));
    return from_bytes(path, std::move(bytes));
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::from_errno(fmt::format("opening {}", path), errno);
  std::unique_ptr<ParquetReader> r(new ParquetReader());
  r->fd_ = fd;  // closed by the destructor, on error too
  r->name_ = path;
  struct stat st;
  if (::fstat(fd, &st) != 0) return Status::from_errno(fmt::format("reading {}", path), errno);
  if (S_ISDIR(st.st_mode)) return Status::from_errno(fmt::format("reading {}", path), EISDIR);
  r->size_ = static_cast<uint64_t>(std::max<off_t>(st.st_size, 0));
  CF_RETURN_IF_ERROR(r->load());
  return r;
}

ParquetReader::~ParquetReader() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::optional<parquet::ChunkPageIndex>> ParquetReader::page_index(size_t row_group, size_t chunk) const {
  if (row_group >= meta_.row_groups.size() || chunk >= leaves_.size()) {
    return Status::invalid_argument(fmt::format("{}: no column chunk {} in row group {}", name_, chunk, row_group));
  }
  const parquet::ColumnChunk& c = meta_.row_groups[row_group].columns[chunk];
  if (!c.offset_index_offset || !c.offset_index_length) return std::optional<parquet::ChunkPageIndex>();
  std::string buffer;
  // Each index must lie between the magic and the footer, as the writer puts it.
  auto bytes_at = [&](int64_t offset, int32_t length, std::string_view what) -> Result<std::string_view> {
    if (offset < 4 || length < 0 || static_cast<uint64_t>(offset) > footer_start_ ||
        static_cast<uint64_t>(length) > footer_start_ - static_cast<uint64_t>(offset)) {
      return Status::corruption(fmt::format("{}: byte {}: row group {} column chunk {}: its {} ({} bytes at byte {}) lies outside the file's data",
                                            name_, footer_start_, row_group, chunk, what, length, offset));
    }
    return read_at(static_cast<uint64_t>(offset), static_cast<size_t>(length), &buffer);
  };
  parquet::ChunkPageIndex index;
  CF_ASSIGN_OR_RETURN(std::string_view offsets, bytes_at(*c.offset_index_offset, *c.offset_index_length, "OffsetIndex"));
  CF_ASSIGN_OR_RETURN(index.offsets, parquet::decode_offset_index(offsets, name_, static_cast<uint64_t>(*c.offset_index_offset)));
  if (c.column_index_offset && c.column_index_length) {
    CF_ASSIGN_OR_RETURN(std::string_view column, bytes_at(*c.column_index_offset, *c.column_index_length, "ColumnIndex"));
    CF_ASSIGN_OR_RETURN(index.column, parquet::decode_column_index(column, name_, static_cast<uint64_t>(*c.column_index_offset)));
    if (index.column->null_pages.size() != index.offsets.page_locations.size()) {
      return Status::corruption(fmt::format("{}: byte {}: row group {} column chunk {}: a ColumnIndex of {} pages for an OffsetIndex of {}", name_,
                                            *c.column_index_offset, row_group, chunk, index.column->null_pages.size(),
                                            index.offsets.page_locations.size()));
    }
  }
  return std::optional<parquet::ChunkPageIndex>(std::move(index));
}

Result<std::string_view> ParquetReader::read_at(uint64_t offset, size_t n, std::string* buffer) const {
  if (fd_ < 0) return std::string_view(bytes_).substr(offset, n);
  buffer->resize(n);
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::pread(fd_, buffer->data() + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Status::from_errno(fmt::format("reading {} at byte {}", name_, offset + got), errno);
    if (r == 0) return Status::corruption(fmt::format("{}: byte {}: the file ends there (shortened while being read?)", name_, offset + got));
    got += static_cast<size_t>(r);
  }
  return std::string_view(*buffer);
}

Result<std::unique_ptr<ParquetReader>> ParquetReader::from_bytes(std::string name, std::string bytes) {
  std::unique_ptr<ParquetReader> r(new ParquetReader());
  r->name_ = std::move(name);
  r->bytes_ = std::move(bytes);
  r->size_ = r->bytes_.size();
  CF_RETURN_IF_ERROR(r->load());
  return r;
}

Status ParquetReader::load() {
  auto corrupt = [&](uint64_t at, std::string_view what) {
    return Status::corruption(fmt::format("{}: byte {}: {}", name_, at, what));
  };
  const uint64_t size = size_;
  if (size < 12) return corrupt(0, fmt::format("{} bytes is too short for a Parquet file", size));
  std::string head_buffer, tail_buffer, footer_buffer;
  CF_ASSIGN_OR_RETURN(std::string_view head, read_at(0, 4, &head_buffer));
  if (head != "PAR1") return corrupt(0, "not a Parquet file (no PAR1 magic at the start)");
  CF_ASSIGN_OR_RETURN(std::string_view tail, read_at(size - 8, 8, &tail_buffer));
  if (tail.substr(4) != "PAR1") {
    return corrupt(size - 4, "no PAR1 magic at the end (a truncated file, or an encrypted footer, which is not supported)");
  }
  uint32_t footer_len;
  std::memcpy(&footer_len, tail.data(), 4);
  if (footer_len > size - 12) return corrupt(size - 8, fmt::format("footer length {} exceeds the file", footer_len));
  footer_start_ = size - 8 - footer_len;
  CF_ASSIGN_OR_RETURN(std::string_view footer, read_at(footer_start_, footer_len, &footer_buffer));
  CF_ASSIGN_OR_RETURN(meta_, parquet::decode_file_metadata(footer, name_, footer_start_));

  if (meta_.schema.empty()) return corrupt(footer_start_, "the footer has no schema");
  const parquet::SchemaElement& root = meta_.schema[0];
  if (root.type || !root.num_children || *root.num_children < 1 || static_cast<size_t>(*root.num_children) > meta_.schema.size() - 1) {
    return corrupt(footer_start_, "the schema's root does not count its columns");
  }
  size_t at = 1;
  for (int32_t i = 0; i < *root.num_children; ++i) {
    ColumnSpec column;
    Result<ColumnShape> shape = shape_from_schema(meta_.schema, &at, &column, &leaves_);
    if (!shape.is_ok()) {
      if (shape.status().code() == StatusCode::kCorruption) return corrupt(footer_start_, shape.status().message());
      return shape.status().with_context(name_);
    }
    columns_.push_back(std::move(column));
    shapes_.push_back(std::move(shape->root));
  }
  if (at != meta_.schema.size()) {
    return corrupt(footer_start_, fmt::format("the schema's root counts {} columns, which end at element {} of {}", *root.num_children, at,
                                              meta_.schema.size()));
  }
  if (meta_.num_rows < 0) return corrupt(footer_start_, "negative row count");
  int64_t total = 0;
  for (size_t g = 0; g < meta_.row_groups.size(); ++g) {
    const parquet::RowGroup& rg = meta_.row_groups[g];
    if (rg.columns.size() != leaves_.size()) {
      return corrupt(footer_start_, fmt::format("row group {} has {} column chunks for {} leaf columns", g, rg.columns.size(), leaves_.size()));
    }
    if (rg.num_rows < 0 || __builtin_add_overflow(total, rg.num_rows, &total)) {
      return corrupt(footer_start_, fmt::format("row group {}: invalid row count {}", g, rg.num_rows));
    }
    for (const parquet::ColumnChunk& c : rg.columns) {
      if (!c.meta_data) return corrupt(footer_start_, fmt::format("row group {}: a column chunk without its metadata", g));
    }
  }
  if (total != meta_.num_rows) {
    return corrupt(footer_start_, fmt::format("the row groups hold {} rows but the footer says {}", total, meta_.num_rows));
  }
  return Status::ok();
}

Result<size_t> ParquetReader::column_index(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].name == name) return i;
  }
  return Status::not_found(fmt::format("{}: no column '{}'", name_, name));
}

std::optional<size_t> ParquetReader::chunk_of_column(size_t column) const {
  const ShapeNode& shape = shapes_.at(column);
  if (shape.kind != ShapeNode::kLeaf) return std::nullopt;
  return static_cast<size_t>(shape.first_leaf);
}

ColumnStatistics ParquetReader::statistics(size_t row_group, size_t column) const {
  std::optional<size_t> chunk = chunk_of_column(column);
  if (!chunk) return {};
  return chunk_statistics(row_group, *chunk);
}

ColumnStatistics ParquetReader::chunk_statistics(size_t row_group, size_t chunk) const {
  ColumnStatistics out;
  const parquet::ColumnMetaData& m = *meta_.row_groups.at(row_group).columns.at(chunk).meta_data;
  if (!m.statistics) return out;
  const parquet::Statistics& s = *m.statistics;
  out.null_count = s.null_count;
  const parquet::SchemaElement& e = leaves_.at(chunk).element;
  const values::DataType& t = leaves_[chunk].type;
  std::optional<std::string> min = s.min_value, max = s.max_value;
  // The deprecated bounds are in signed order, which is wrong for strings, bytes and unsigned.
  bool signed_is_order = *e.type != PhysicalType::kByteArray && *e.type != PhysicalType::kFixedLenByteArray &&
                         !(t.id == TypeId::kBigInt && *e.type == PhysicalType::kInt32);
  if (!min && !max && signed_is_order) {
    min = s.min;
    max = s.max;
  }
  if (min && max) {
    out.min = decode_bound(e, t, *min);
    out.max = decode_bound(e, t, *max);
    if (!out.min || !out.max) out.min.reset(), out.max.reset();
  }
  return out;
}

Result<std::vector<size_t>> ParquetReader::prune(std::span<const ColumnRange> ranges) const {
  std::vector<size_t> columns;
  for (const ColumnRange& r : ranges) {
    CF_ASSIGN_OR_RETURN(size_t c, column_index(r.column));
    columns.push_back(c);
  }
  std::vector<size_t> keep;
  for (size_t g = 0; g < meta_.row_groups.size(); ++g) {
    bool may_match = true;
    for (size_t i = 0; i < ranges.size() && may_match; ++i) {
      std::optional<size_t> chunk = chunk_of_column(columns[i]);
      if (!chunk) continue;  // a nested column: no bounds to prune on
      const parquet::ColumnMetaData& m = *meta_.row_groups[g].columns[*chunk].meta_data;
      ColumnStatistics s = statistics(g, columns[i]);
      // A chunk of nulls only holds no row inside any range.
      if (s.null_count && *s.null_count == m.num_values && m.num_values > 0) {
        may_match = false;
        break;
      }
      if (!s.min || !s.max) continue;
      const ColumnRange& r = ranges[i];
      if (r.lower && !r.lower->is_null() && values::compare_values(*s.max, *r.lower) < 0) may_match = false;
      if (r.upper && !r.upper->is_null() && values::compare_values(*s.min, *r.upper) > 0) may_match = false;
    }
    if (may_match) keep.push_back(g);
  }
  return keep;
}

Status ParquetReader::decode_chunk(size_t row_group, size_t leaf, ColumnVector* values, LeafLevels* levels, std::string* buffer,
                                   DecodeScratch* scratch) const {
  const parquet::RowGroup& rg = meta_.row_groups[row_group];
  const parquet::ColumnChunk& chunk = rg.columns[leaf];
  std::string_view bytes = bytes_;
  uint64_t base = 0;
  if (fd_ >= 0) {
    bytes = {};
    // An extent outside the file's data is left for decode_column_chunk to report; a sane one is read.
    auto [start, n] = chunk.meta_data ? column_chunk_extent(*chunk.meta_data) : std::pair<int64_t, int64_t>{-1, -1};
    if (start >= 4 && n >= 0 && static_cast<uint64_t>(start) <= footer_start_ && static_cast<uint64_t>(n) <= footer_start_ - static_cast<uint64_t>(start)) {
      CF_ASSIGN_OR_RETURN(bytes, read_at(static_cast<uint64_t>(start), static_cast<size_t>(n), buffer));
      base = static_cast<uint64_t>(start);
    }
  }
  int64_t pages = 0;
  Status s = decode_column_chunk(bytes, base, name_, footer_start_, leaves_[leaf], chunk, rg.num_rows, values, levels, &pages, scratch);
  pages_read_ += pages;
  return s;
}

Result<ColumnVector> ParquetReader::read_column(size_t row_group, size_t column, std::string* buffer, DecodeScratch* scratch) const {
  if (column >= columns_.size()) return Status::out_of_range(fmt::format("{}: column {} of {}", name_, column, columns_.size()));
  ColumnVector v;
  v.column = columns_[column];
  const ShapeNode& shape = shapes_[column];
  if (shape.kind == ShapeNode::kLeaf) {
    CF_RETURN_IF_ERROR(decode_chunk(row_group, static_cast<size_t>(shape.first_leaf), &v, nullptr, buffer, scratch));
    return v;
  }
  std::vector<LeafChunk> chunks(static_cast<size_t>(shape.end_leaf - shape.first_leaf));
  for (size_t i = 0; i < chunks.size(); ++i) {
    const size_t leaf = static_cast<size_t>(shape.first_leaf) + i;
    chunks[i].values.column = {leaves_[leaf].display(), leaves_[leaf].type, leaves_[leaf].element.field_id};
    CF_RETURN_IF_ERROR(decode_chunk(row_group, leaf, &chunks[i].values, &chunks[i].levels, buffer, scratch));
  }
  CF_RETURN_IF_ERROR(assemble_column(shape, chunks, meta_.row_groups[row_group].num_rows, name_, &v.nested));
  v.valid.reserve(v.nested.size());
  for (const Value& value : v.nested) v.valid.push_back(!value.is_null());
  return v;
}

Result<std::vector<ColumnVector>> ParquetReader::read_row_group(size_t row_group, std::span<const size_t> columns) const {
  if (row_group >= meta_.row_groups.size()) {
    return Status::out_of_range(fmt::format("{}: row group {} of {}", name_, row_group, meta_.row_groups.size()));
  }
  std::string buffer;  // a chunk's bytes read from a local file, one chunk at a time
  DecodeScratch scratch;
  std::vector<ColumnVector> out;
  out.reserve(columns.size());
  for (size_t c : columns) {
    CF_ASSIGN_OR_RETURN(ColumnVector v, read_column(row_group, c, &buffer, &scratch));
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace careflow::lake
