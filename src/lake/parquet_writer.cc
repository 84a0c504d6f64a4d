#include "lake/parquet_writer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "common/ascii_case.h"
#include "lake/chunk_encoder.h"
#include "lake/storage.h"

namespace careflow::lake {

using values::TypeId;
using values::Value;

namespace {
constexpr std::string_view kMagic = "PAR1";
constexpr std::string_view kCreatedBy = "careflow version 0.1.0";

bool is_integer_leaf(const LeafColumn& leaf) {
  return leaf.element.type == parquet::PhysicalType::kInt32 || leaf.element.type == parquet::PhysicalType::kInt64;
}

// Each leaf's encoding: integer_encoding for INT32 / INT64 leaves, kAuto for the others, then
// column_encodings by name.
Result<std::vector<ColumnEncoding>> leaf_encodings(const std::vector<LeafColumn>& leaves, const WriterOptions& o) {
  std::vector<ColumnEncoding> out;
  for (const LeafColumn& leaf : leaves) out.push_back(is_integer_leaf(leaf) ? o.integer_encoding : ColumnEncoding::kAuto);
  for (const auto& [name, encoding] : o.column_encodings) {
    auto it = std::find_if(leaves.begin(), leaves.end(), [&](const LeafColumn& leaf) { return leaf.display() == name; });
    if (it == leaves.end()) return Status::invalid_argument(fmt::format("column_encodings: no column '{}' in the file's schema", name));
    if (encoding == ColumnEncoding::kDelta && !is_integer_leaf(*it)) {
      return Status::invalid_argument(
          fmt::format("column '{}' ({}): DELTA_BINARY_PACKED encodes INT32 and INT64 columns only", name, it->type.to_string()));
    }
    out[static_cast<size_t>(it - leaves.begin())] = encoding;
  }
  return out;
}

}  // namespace

Result<ColumnEncoding> parse_column_encoding(std::string_view name) {
  if (iequals(name, "auto")) return ColumnEncoding::kAuto;
  if (iequals(name, "plain")) return ColumnEncoding::kPlain;
  if (iequals(name, "delta") || iequals(name, "delta_binary_packed")) return ColumnEncoding::kDelta;
  return Status::invalid_argument(fmt::format("unknown Parquet column encoding '{}' (expected auto, plain or delta)", name));
}

Status check_writer_options(const std::vector<ColumnSpec>& columns, const WriterOptions& options) {
  std::vector<LeafColumn> leaves;
  for (const ColumnSpec& c : columns) CF_RETURN_IF_ERROR(shape_for_column(c, &leaves).status());
  return leaf_encodings(leaves, options).status();
}

Result<std::unique_ptr<ParquetWriter>> ParquetWriter::open(std::string path, std::vector<ColumnSpec> columns, WriterOptions options) {
  if (columns.empty()) return Status::invalid_argument("a Parquet file needs at least one column");
  if (options.data_page_version != 1 && options.data_page_version != 2) {
    return Status::invalid_argument(fmt::format("data page version {} is not 1 or 2", options.data_page_version));
  }
  if (options.row_group_rows < 1) return Status::invalid_argument("row_group_rows must be at least 1");
  if (options.codec != parquet::Codec::kUncompressed && options.codec != parquet::Codec::kSnappy && options.codec != parquet::Codec::kZstd) {
    return Status::invalid_argument("careflow's Parquet writer compresses with UNCOMPRESSED, SNAPPY or ZSTD only");
  }
  std::unique_ptr<ParquetWriter> w(new ParquetWriter());
  w->path_ = std::move(path);
  w->options_ = std::move(options);
  parquet::SchemaElement root;
  root.name = "schema";
  root.num_children = static_cast<int32_t>(columns.size());
  w->meta_.schema.push_back(root);
  for (const ColumnSpec& c : columns) {
    CF_ASSIGN_OR_RETURN(ColumnShape shape, shape_for_column(c, &w->leaves_));
    for (parquet::SchemaElement& e : shape.elements) w->meta_.schema.push_back(std::move(e));
    shape.elements.clear();
    w->shapes_.push_back(std::move(shape));
  }
  CF_ASSIGN_OR_RETURN(std::vector<ColumnEncoding> encodings, leaf_encodings(w->leaves_, w->options_));
  w->buffers_.resize(w->leaves_.size());
  for (size_t i = 0; i < w->leaves_.size(); ++i) {
    const LeafColumn& leaf = w->leaves_[i];
    w->buffers_[i].max_def_ = static_cast<uint8_t>(leaf.max_def);
    w->buffers_[i].max_rep_ = static_cast<uint8_t>(leaf.max_rep);
    w->buffers_[i].wide_decimal_ =
        leaf.element.type == parquet::PhysicalType::kFixedLenByteArray && leaf.element.logical.kind == parquet::LogicalType::kDecimal;
    w->encoders_.push_back(std::make_unique<ChunkEncoder>(leaf.element, leaf.path, w->options_, encodings[i]));
  }
  w->meta_.type_defined_orders = w->leaves_.size();
  w->meta_.created_by = std::string(kCreatedBy);
  w->meta_.key_value_metadata = w->options_.metadata;
  w->columns_ = std::move(columns);
  if (is_object_store_uri(w->path_)) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = fmt::format("{}/careflow-upload-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    w->fd_ = ::mkstemp(pattern.data());
    if (w->fd_ < 0) return Status::from_errno(fmt::format("creating a temporary file for {}", w->path_), errno);
    w->staging_ = pattern;
  } else {
    w->fd_ = ::open(w->path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  }
  if (w->fd_ < 0) return Status::from_errno(fmt::format("creating {}", w->path_), errno);
  CF_RETURN_IF_ERROR(w->write_bytes(kMagic));
  return w;
}

ParquetWriter::~ParquetWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!staging_.empty()) ::unlink(staging_.c_str());
}

Status ParquetWriter::write_bytes(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::from_errno(fmt::format("writing {}", path_), errno);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
    offset_ += n;
  }
  return Status::ok();
}

namespace {

// What a leaf of type `t` expects that `v` (not NULL) is not; empty when `v` fits.
std::string_view wrong_kind(const values::DataType& t, const Value& v) {
  switch (t.id) {
    case TypeId::kBoolean: return v.is_bool() ? "" : "a boolean";
    case TypeId::kFloat:
    case TypeId::kDouble: return v.is_double() ? "" : "a floating-point value";
    case TypeId::kDecimal: return v.is_int() || v.is_decimal() ? "" : "a decimal";
    case TypeId::kChar:
    case TypeId::kVarChar: return v.is_string() ? "" : "a string";
    case TypeId::kBinary:
    case TypeId::kVarBinary: return v.is_bytes() ? "" : "bytes";
    default: return v.is_int() ? "" : "an integer";
  }
}

// Appends a value that wrong_kind accepted.
void append_leaf(ColumnBuffer& c, const values::DataType& t, const Value& v) {
  switch (t.id) {
    case TypeId::kBoolean: c.append_bool(v.as_bool()); break;
    case TypeId::kFloat:
    case TypeId::kDouble: c.append_double(v.as_double()); break;
    case TypeId::kDecimal: c.append_decimal(v.is_int() ? values::int128{v.as_int()} : v.as_decimal()); break;
    case TypeId::kChar:
    case TypeId::kVarChar: c.append_bytes(v.as_string()); break;
    case TypeId::kBinary:
    case TypeId::kVarBinary: c.append_bytes(v.as_bytes()); break;
    default: c.append_int(v.as_int()); break;
  }
}

}  // namespace

Status ParquetWriter::write_row(std::span<const Value> row) {
  if (row.size() != columns_.size()) {
    return Status::invalid_argument(fmt::format("{}: a row of {} values for {} columns", path_, row.size(), columns_.size()));
  }
  // Nested values are checked whole first, so that a bad one leaves no partial row in the leaves.
  for (size_t i = 0; i < row.size(); ++i) {
    if (shapes_[i].root.kind != ShapeNode::kLeaf) CF_RETURN_IF_ERROR(check_nested(shapes_[i].root, row[i]));
  }
  for (size_t i = 0; i < row.size(); ++i) {
    const Value& v = row[i];
    const ShapeNode& root = shapes_[i].root;
    if (root.kind != ShapeNode::kLeaf) {
      CF_RETURN_IF_ERROR(shred(root, v, 0, 0));
      continue;
    }
    const values::DataType& t = columns_[i].type;
    ColumnBuffer& c = buffers_[static_cast<size_t>(root.first_leaf)];
    if (v.is_null()) {
      if (!t.nullable) return Status::invalid_argument(fmt::format("column '{}' is NOT NULL but the row has NULL", columns_[i].name));
      c.append_null();
      continue;
    }
    if (std::string_view kind = wrong_kind(t, v); !kind.empty()) {
      return Status::invalid_argument(fmt::format("column '{}' ({}): expected {}", columns_[i].name, t.to_string(), kind));
    }
    if (columns_[i].uuid && v.as_bytes().size() != 16) {
      return Status::invalid_argument(fmt::format("column '{}' (uuid): a value of {} bytes, expected 16", columns_[i].name, v.as_bytes().size()));
    }
    append_leaf(c, t, v);
  }
  return commit_rows();
}

Status ParquetWriter::check_nested(const ShapeNode& n, const Value& v) const {
  auto wrong = [&](std::string_view kind) {
    return Status::invalid_argument(fmt::format("column '{}' ({}): expected {}", n.path, n.type.to_string(), kind));
  };
  if (v.is_null()) {
    if (n.optional) return Status::ok();
    return Status::invalid_argument(fmt::format("column '{}' is NOT NULL but the row has NULL", n.path));
  }
  switch (n.kind) {
    case ShapeNode::kLeaf:
      if (std::string_view kind = wrong_kind(n.type, v); !kind.empty()) return wrong(kind);
      return Status::ok();
    case ShapeNode::kStruct:
      if (!v.is_list() || v.as_list().size() != n.children.size()) return wrong(fmt::format("a ROW of {} fields", n.children.size()));
      for (size_t i = 0; i < n.children.size(); ++i) CF_RETURN_IF_ERROR(check_nested(n.children[i], v.as_list()[i]));
      return Status::ok();
    case ShapeNode::kList:
      if (!v.is_list()) return wrong("an ARRAY");
      for (const Value& item : v.as_list()) CF_RETURN_IF_ERROR(check_nested(n.children[0], item));
      return Status::ok();
    case ShapeNode::kMap:
      if (!v.is_map()) return wrong("a MAP");
      for (const auto& [key, value] : v.as_map()) {
        if (key.is_null()) return Status::invalid_argument(fmt::format("column '{}': a MAP key is NULL", n.path));
        CF_RETURN_IF_ERROR(check_nested(n.children[0], key));
        CF_RETURN_IF_ERROR(check_nested(n.children[1], value));
      }
      return Status::ok();
  }
  return Status::ok();
}

// Dremel's shredding of a value that check_nested accepted: `rep` is the repetition level of its
// first entry, `def` the definition level its ancestors reached.
Status ParquetWriter::shred(const ShapeNode& n, const Value& v, uint8_t rep, uint8_t def) {
  auto levels_only = [&](uint8_t at) {
    for (int l = n.first_leaf; l < n.end_leaf; ++l) buffers_[static_cast<size_t>(l)].append_levels(rep, at);
  };
  if (v.is_null()) {
    levels_only(def);
    return Status::ok();
  }
  const auto here = static_cast<uint8_t>(n.def);
  switch (n.kind) {
    case ShapeNode::kLeaf: {
      ColumnBuffer& c = buffers_[static_cast<size_t>(n.first_leaf)];
      c.start(rep);
      append_leaf(c, n.type, v);
      return Status::ok();
    }
    case ShapeNode::kStruct:
      for (size_t i = 0; i < n.children.size(); ++i) CF_RETURN_IF_ERROR(shred(n.children[i], v.as_list()[i], rep, here));
      return Status::ok();
    case ShapeNode::kList: {
      const std::vector<Value>& items = v.as_list();
      if (items.empty()) levels_only(here);
      for (size_t k = 0; k < items.size(); ++k) {
        CF_RETURN_IF_ERROR(shred(n.children[0], items[k], k ? static_cast<uint8_t>(n.rep) : rep, here + 1));
      }
      return Status::ok();
    }
    case ShapeNode::kMap: {
      const values::MapEntries& entries = v.as_map();
      if (entries.empty()) levels_only(here);
      for (size_t k = 0; k < entries.size(); ++k) {
        const auto at = k ? static_cast<uint8_t>(n.rep) : rep;
        CF_RETURN_IF_ERROR(shred(n.children[0], entries[k].first, at, here + 1));
        CF_RETURN_IF_ERROR(shred(n.children[1], entries[k].second, at, here + 1));
      }
      return Status::ok();
    }
  }
  return Status::ok();
}

Status ParquetWriter::commit_rows() {
  size_t rows = buffers_[0].rows();
  for (size_t i = 1; i < buffers_.size(); ++i) {
    if (buffers_[i].rows() != rows) {
      return Status::invalid_argument(fmt::format("{}: column '{}' holds {} rows but column '{}' holds {}", path_, leaves_[i].display(),
                                                  buffers_[i].rows(), leaves_[0].display(), rows));
    }
  }
  buffered_rows_ = static_cast<int64_t>(rows);
  if (buffered_rows_ >= options_.row_group_rows) return flush_row_group();
  return Status::ok();
}

Status ParquetWriter::flush_row_group() {
  if (buffered_rows_ == 0) return Status::ok();
  parquet::RowGroup group;
  group.num_rows = buffered_rows_;
  group.file_offset = offset_;
  group.ordinal = static_cast<int32_t>(meta_.row_groups.size());
  int64_t compressed = 0;
  std::string out;
  std::vector<parquet::ChunkPageIndex> indexes(options_.page_index ? buffers_.size() : 0);
  for (size_t i = 0; i < buffers_.size(); ++i) {
    out.clear();
    parquet::ColumnChunk& chunk = group.columns.emplace_back();
    parquet::ChunkPageIndex* index = options_.page_index ? &indexes[i] : nullptr;
    CF_RETURN_IF_ERROR(encoders_[i]->encode(buffers_[i], offset_, &out, &chunk, index).with_context(fmt::format("{}: column '{}'", path_, leaves_[i].display())));
    CF_RETURN_IF_ERROR(write_bytes(out));
    group.total_byte_size += chunk.meta_data->total_uncompressed_size;
    compressed += chunk.meta_data->total_compressed_size;
    buffers_[i].clear();
  }
  group.total_compressed_size = compressed;
  meta_.num_rows += buffered_rows_;
  rows_ += buffered_rows_;
  buffered_rows_ = 0;
  meta_.row_groups.push_back(std::move(group));
  if (options_.page_index) page_indexes_.push_back(std::move(indexes));
  return Status::ok();
}

// As Arrow and parquet-mr lay them out: every chunk's ColumnIndex, then every chunk's OffsetIndex,
// between the last row group and the footer, each chunk's ColumnChunk pointing at its two.
Status ParquetWriter::write_page_indexes() {
  std::string out;
  for (size_t g = 0; g < page_indexes_.size(); ++g) {
    for (size_t c = 0; c < page_indexes_[g].size(); ++c) {
      if (!page_indexes_[g][c].column) continue;
      const size_t at = out.size();
      parquet::encode_column_index(*page_indexes_[g][c].column, &out);
      meta_.row_groups[g].columns[c].column_index_offset = offset_ + static_cast<int64_t>(at);
      meta_.row_groups[g].columns[c].column_index_length = static_cast<int32_t>(out.size() - at);
    }
  }
  for (size_t g = 0; g < page_indexes_.size(); ++g) {
    for (size_t c = 0; c < page_indexes_[g].size(); ++c) {
      const size_t at = out.size();
      parquet::encode_offset_index(page_indexes_[g][c].offsets, &out);
      meta_.row_groups[g].columns[c].offset_index_offset = offset_ + static_cast<int64_t>(at);
      meta_.row_groups[g].columns[c].offset_index_length = static_cast<int32_t>(out.size() - at);
    }
  }
  page_indexes_.clear();
  return write_bytes(out);
}

Status ParquetWriter::close() {
  if (fd_ < 0) return Status::failed_precondition(fmt::format("{}: the writer is already closed", path_));
  // Rows appended through the columnar path but not committed are not written.
  CF_RETURN_IF_ERROR(flush_row_group());
  CF_RETURN_IF_ERROR(write_page_indexes());
  std::string footer;
  parquet::encode_file_metadata(meta_, &footer);
  auto len = static_cast<uint32_t>(footer.size());
  char len_bytes[4];
  std::memcpy(len_bytes, &len, 4);
  footer.append(len_bytes, 4);
  footer.append(kMagic);
  CF_RETURN_IF_ERROR(write_bytes(footer));
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return Status::from_errno(fmt::format("closing {}", path_), errno);
  if (staging_.empty()) return Status::ok();
  auto bytes = storage_for(staging_).read(staging_);
  ::unlink(staging_.c_str());
  staging_.clear();
  if (!bytes.is_ok()) return bytes.status().with_context(fmt::format("uploading {}", path_));
  return storage_for(path_).write(path_, bytes.value());
}

}  // namespace careflow::lake
