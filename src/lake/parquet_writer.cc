#include "lake/parquet_writer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "lake/chunk_encoder.h"
#include "lake/storage.h"

namespace careflow::lake {

using values::TypeId;
using values::Value;

namespace {
constexpr std::string_view kMagic = "PAR1";
constexpr std::string_view kCreatedBy = "careflow version 0.1.0";
}  // namespace

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
  w->buffers_.resize(columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    CF_ASSIGN_OR_RETURN(parquet::SchemaElement e, column_to_parquet(columns[i]));
    w->buffers_[i].optional_ = columns[i].type.nullable;
    w->buffers_[i].wide_decimal_ = e.type == parquet::PhysicalType::kFixedLenByteArray;
    w->encoders_.push_back(std::make_unique<ChunkEncoder>(e, w->options_));
    w->meta_.schema.push_back(std::move(e));
  }
  w->meta_.type_defined_orders = columns.size();
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

Status ParquetWriter::write_row(std::span<const Value> row) {
  if (row.size() != columns_.size()) {
    return Status::invalid_argument(fmt::format("{}: a row of {} values for {} columns", path_, row.size(), columns_.size()));
  }
  for (size_t i = 0; i < row.size(); ++i) {
    const Value& v = row[i];
    const values::DataType& t = columns_[i].type;
    ColumnBuffer& c = buffers_[i];
    auto wrong = [&](std::string_view kind) {
      return Status::invalid_argument(fmt::format("column '{}' ({}): expected {}", columns_[i].name, t.to_string(), kind));
    };
    if (v.is_null()) {
      if (!t.nullable) return Status::invalid_argument(fmt::format("column '{}' is NOT NULL but the row has NULL", columns_[i].name));
      c.append_null();
      continue;
    }
    switch (t.id) {
      case TypeId::kBoolean:
        if (!v.is_bool()) return wrong("a boolean");
        c.append_bool(v.as_bool());
        break;
      case TypeId::kFloat:
      case TypeId::kDouble:
        if (!v.is_double()) return wrong("a floating-point value");
        c.append_double(v.as_double());
        break;
      case TypeId::kDecimal:
        if (v.is_int()) { c.append_decimal(v.as_int()); break; }
        if (!v.is_decimal()) return wrong("a decimal");
        c.append_decimal(v.as_decimal());
        break;
      case TypeId::kChar:
      case TypeId::kVarChar:
        if (!v.is_string()) return wrong("a string");
        c.append_bytes(v.as_string());
        break;
      case TypeId::kBinary:
      case TypeId::kVarBinary:
        if (!v.is_bytes()) return wrong("bytes");
        c.append_bytes(v.as_bytes());
        break;
      default:
        if (!v.is_int()) return wrong("an integer");
        c.append_int(v.as_int());
        break;
    }
  }
  return commit_rows();
}

Status ParquetWriter::commit_rows() {
  size_t rows = buffers_[0].rows();
  for (size_t i = 1; i < buffers_.size(); ++i) {
    if (buffers_[i].rows() != rows) {
      return Status::invalid_argument(fmt::format("{}: column '{}' holds {} rows but column '{}' holds {}", path_, columns_[i].name,
                                                  buffers_[i].rows(), columns_[0].name, rows));
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
  for (size_t i = 0; i < buffers_.size(); ++i) {
    out.clear();
    parquet::ColumnChunk& chunk = group.columns.emplace_back();
    CF_RETURN_IF_ERROR(encoders_[i]->encode(buffers_[i], offset_, &out, &chunk).with_context(fmt::format("{}: column '{}'", path_, columns_[i].name)));
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
  return Status::ok();
}

Status ParquetWriter::close() {
  if (fd_ < 0) return Status::failed_precondition(fmt::format("{}: the writer is already closed", path_));
  // Rows appended through the columnar path but not committed are not written.
  CF_RETURN_IF_ERROR(flush_row_group());
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
