#include "lake/iceberg_files.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>

#include "lake/iceberg_manifest.h"
#include "lake/iceberg_partition.h"
#include "lake/parquet_reader.h"

namespace careflow::lake::iceberg {

namespace fs = std::filesystem;
using values::Value;

namespace {

Status sync_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::from_errno("opening " + path, errno);
  int rc = ::fdatasync(fd);
  ::close(fd);
  return rc == 0 ? Status::ok() : Status::from_errno("fsync of " + path, errno);
}

}  // namespace

DataFileWriter::DataFileWriter(const TableMetadata& table, std::string prefix, WriterOptions options)
    : location_(table.location), columns_(table.columns), spec_(table.spec), prefix_(std::move(prefix)), options_(std::move(options)) {}

Status DataFileWriter::add(std::vector<Value> row) {
  if (row.size() != columns_.size()) {
    return Status::invalid_argument(fmt::format("a row of {} values for table {} of {} columns", row.size(), location_, columns_.size()));
  }
  CF_ASSIGN_OR_RETURN(std::vector<Value> partition, partition_of(spec_, columns_, row));
  auto& slot = rows_[partition_path(spec_, partition)];
  if (slot.second.empty()) slot.first = std::move(partition);
  slot.second.push_back(std::move(row));
  ++buffered_;
  return Status::ok();
}

Result<std::vector<DataFile>> DataFileWriter::flush() {
  auto rows = std::move(rows_);
  rows_.clear();
  buffered_ = 0;
  std::vector<DataFile> files;
  for (auto& [path, slot] : rows) {
    const fs::path dir = fs::path(location_) / "data" / path;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Status::io_error(fmt::format("creating {}: {}", dir.string(), ec.message()));
    const std::string file = (dir / fmt::format("{}-{:05}.parquet", prefix_, next_file_++)).lexically_normal().string();
    CF_ASSIGN_OR_RETURN(auto writer, ParquetWriter::open(file, columns_, options_));
    for (const auto& row : slot.second) {
      Status s = writer->write_row(row);
      if (!s.is_ok()) return s.with_context(fmt::format("writing {}", file));
    }
    CF_RETURN_IF_ERROR(writer->close());
    CF_RETURN_IF_ERROR(sync_file(file));  // durable before any commit names it
    CF_ASSIGN_OR_RETURN(DataFile entry, data_file_from_parquet(file));
    entry.partition = slot.first;
    files.push_back(std::move(entry));
  }
  return files;
}

Result<std::vector<DataFile>> live_files(const TableMetadata& table, std::optional<int64_t> snapshot_id) {
  const Snapshot* snapshot = snapshot_id ? table.find(*snapshot_id) : table.current();
  if (snapshot_id && !snapshot) return Status::not_found(fmt::format("table {} has no snapshot {}", table.location, *snapshot_id));
  std::vector<DataFile> files;
  if (!snapshot) return files;
  CF_ASSIGN_OR_RETURN(std::vector<ManifestFile> manifests, read_manifest_list(snapshot->manifest_list));
  for (const ManifestFile& m : manifests) {
    if (m.content != 0) return Status::failed_precondition(fmt::format("{}: delete manifests are not supported by careflow yet", m.path));
    CF_ASSIGN_OR_RETURN(std::vector<ManifestEntry> entries, read_manifest(m.path, table.spec, table.columns));
    for (ManifestEntry& e : entries) {
      if (e.status != EntryStatus::kDeleted) files.push_back(std::move(e.file));
    }
  }
  return files;
}

Result<std::set<std::string>> referenced_files(const TableMetadata& table) {
  std::set<std::string> manifests, files;
  for (const Snapshot& s : table.snapshots) {
    CF_ASSIGN_OR_RETURN(std::vector<ManifestFile> list, read_manifest_list(s.manifest_list));
    for (const ManifestFile& m : list) {
      if (!manifests.insert(m.path).second) continue;
      CF_ASSIGN_OR_RETURN(std::vector<ManifestEntry> entries, read_manifest(m.path, table.spec, table.columns));
      for (const ManifestEntry& e : entries) files.insert(fs::path(local_path(e.file.path)).lexically_normal().string());
    }
  }
  return files;
}

Status scan_rows(const TableMetadata& table, const std::function<Status(std::vector<Value>)>& row, std::optional<int64_t> snapshot_id) {
  CF_ASSIGN_OR_RETURN(std::vector<DataFile> files, live_files(table, snapshot_id));
  for (const DataFile& f : files) {
    CF_ASSIGN_OR_RETURN(auto reader, ParquetReader::open(local_path(f.path)));
    // The table's columns in the file, by field id (a column the file lacks: NULL).
    std::vector<size_t> wanted;
    std::vector<int> slot(table.columns.size(), -1);
    for (size_t c = 0; c < table.columns.size(); ++c) {
      for (size_t i = 0; i < reader->columns().size(); ++i) {
        if (reader->columns()[i].field_id == table.columns[c].field_id) {
          slot[c] = static_cast<int>(wanted.size());
          wanted.push_back(i);
          break;
        }
      }
    }
    for (size_t g = 0; g < reader->num_row_groups(); ++g) {
      CF_ASSIGN_OR_RETURN(std::vector<ColumnVector> columns, reader->read_row_group(g, wanted));
      size_t n = columns.empty() ? static_cast<size_t>(reader->metadata().row_groups[g].num_rows) : columns[0].size();
      for (const ColumnVector& v : columns) {
        if (v.size() != n) {
          return Status::corruption(fmt::format("{}: row group {}: column '{}' holds {} values, another {}", f.path, g, v.column.name, v.size(), n));
        }
      }
      for (size_t r = 0; r < n; ++r) {
        std::vector<Value> values(table.columns.size());
        for (size_t c = 0; c < table.columns.size(); ++c) {
          if (slot[c] >= 0) values[c] = columns[slot[c]].value(r);
        }
        CF_RETURN_IF_ERROR(row(std::move(values)));
      }
    }
  }
  return Status::ok();
}

}  // namespace careflow::lake::iceberg
