#include "lake/iceberg_files.h"

#include <fmt/format.h>

#include <algorithm>
#include <ranges>

#include "lake/iceberg_deletes.h"
#include "lake/iceberg_manifest.h"
#include "lake/iceberg_partition.h"
#include "lake/parquet_reader.h"
#include "lake/storage.h"

namespace careflow::lake::iceberg {

using values::Value;

DataFileWriter::DataFileWriter(const TableMetadata& table, std::string prefix, WriterOptions options)
    : location_(table.location), columns_(table.columns), spec_(table.spec), prefix_(std::move(prefix)), options_(std::move(options)) {}

Status DataFileWriter::add(std::vector<Value> row) {
  if (row.size() != columns_.size()) {
    return Status::invalid_argument(fmt::format("a row of {} values for table {} of {} columns", row.size(), location_, columns_.size()));
  }
  CF_ASSIGN_OR_RETURN(std::vector<Value> partition, partition_of(spec_, columns_, row));
  Slot& slot = rows_[partition_path(spec_, columns_, partition)];
  if (slot.rows.empty()) slot.partition = std::move(partition);
  slot.rows.push_back(std::move(row));
  slot.order.push_back(buffered_++);
  return Status::ok();
}

std::vector<std::vector<Value>> DataFileWriter::take() {
  std::vector<std::vector<Value>> out(buffered_);
  for (Slot& slot : rows_ | std::views::values) {
    for (size_t r = 0; r < slot.rows.size(); ++r) out[slot.order[r]] = std::move(slot.rows[r]);
  }
  rows_.clear();
  buffered_ = 0;
  return out;
}

Result<std::vector<DataFile>> DataFileWriter::flush(std::vector<Placement>* placements) {
  auto rows = std::move(rows_);
  rows_.clear();
  if (placements) placements->assign(buffered_, {});
  buffered_ = 0;
  std::vector<DataFile> files;
  for (auto& [path, slot] : rows) {
    const std::string dir = path.empty() ? join_path(location_, "data") : join_path(join_path(location_, "data"), path);
    if (!is_object_store_uri(dir)) CF_RETURN_IF_ERROR(storage_for(dir).make_dirs(dir));  // no folders in an object store
    const std::string file = normalize_location(join_path(dir, fmt::format("{}-{:05}.parquet", prefix_, next_file_++)));
    CF_ASSIGN_OR_RETURN(auto writer, ParquetWriter::open(file, columns_, options_));
    for (size_t r = 0; r < slot.rows.size(); ++r) {
      Status s = writer->write_row(slot.rows[r]);
      if (!s.is_ok()) return s.with_context(fmt::format("writing {}", file));
      if (placements) (*placements)[slot.order[r]] = {files.size(), static_cast<int64_t>(r)};
    }
    CF_RETURN_IF_ERROR(writer->close());
    CF_RETURN_IF_ERROR(sync_file(file));  // durable before any commit names it
    CF_ASSIGN_OR_RETURN(DataFile entry, data_file_from_parquet(file));
    entry.partition = slot.partition;
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
    if (m.content != 0) continue;  // delete files: plan_scan
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
      for (const ManifestEntry& e : entries) files.insert(normalize_location(e.file.path));
    }
  }
  return files;
}

Result<std::vector<ScanTask>> plan_scan(const TableMetadata& table, std::optional<int64_t> snapshot_id) {
  const Snapshot* snapshot = snapshot_id ? table.find(*snapshot_id) : table.current();
  if (snapshot_id && !snapshot) return Status::not_found(fmt::format("table {} has no snapshot {}", table.location, *snapshot_id));
  std::vector<ScanTask> tasks;
  if (!snapshot) return tasks;
  struct Delete {
    int64_t sequence_number;
    DataFile file;
  };
  std::vector<Delete> deletes;
  CF_ASSIGN_OR_RETURN(std::vector<ManifestFile> manifests, read_manifest_list(snapshot->manifest_list));
  for (const ManifestFile& m : manifests) {
    CF_ASSIGN_OR_RETURN(std::vector<ManifestEntry> entries, read_manifest(m.path, table.spec, table.columns));
    for (ManifestEntry& e : entries) {
      if (e.status == EntryStatus::kDeleted) continue;
      // An ADDED entry without one inherits its manifest's sequence number.
      const int64_t seq = e.sequence_number.value_or(m.sequence_number);
      switch (e.file.content) {
        case FileContent::kData: tasks.push_back({std::move(e.file), seq, {}}); break;
        case FileContent::kPositionDeletes: deletes.push_back({seq, std::move(e.file)}); break;
        case FileContent::kEqualityDeletes:
          return Status::failed_precondition(fmt::format("{}: {} is an equality delete file, which careflow does not apply yet (it writes "
                                                         "position deletes)",
                                                         m.path, e.file.path));
      }
    }
  }
  for (ScanTask& t : tasks) {
    for (const Delete& d : deletes) {
      if (d.sequence_number < t.sequence_number) continue;
      auto lo = d.file.lower_bounds.find(kDeleteFilePathId), hi = d.file.upper_bounds.find(kDeleteFilePathId);
      if (lo != d.file.lower_bounds.end() && t.file.path < lo->second) continue;
      if (hi != d.file.upper_bounds.end() && hi->second < t.file.path) continue;
      t.position_deletes.push_back(d.file.path);
    }
  }
  return tasks;
}

Status scan_rows(const TableMetadata& table, const std::function<Status(std::vector<Value>)>& row, std::optional<int64_t> snapshot_id,
                 const ScanFilter& filter) {
  return scan_rows_at(
      table, [&](const DataFile&, int64_t, std::vector<Value> values) { return row(std::move(values)); }, snapshot_id, filter);
}

namespace {

// The filter's ranges by table column (an index into table.columns for each).
Result<std::vector<size_t>> range_columns(const TableMetadata& table, const ScanFilter& filter) {
  std::vector<size_t> out;
  for (const ColumnRange& r : filter.ranges) {
    auto it = std::find_if(table.columns.begin(), table.columns.end(), [&](const ColumnSpec& c) { return c.name == r.column; });
    if (it == table.columns.end()) return Status::not_found(fmt::format("table {} has no column '{}' to filter on", table.location, r.column));
    out.push_back(static_cast<size_t>(it - table.columns.begin()));
  }
  return out;
}

bool inside(const Value& v, const ColumnRange& r) {
  if (v.is_null()) return false;
  if (r.lower && !r.lower->is_null() && values::compare_values(v, *r.lower) < 0) return false;
  if (r.upper && !r.upper->is_null() && values::compare_values(v, *r.upper) > 0) return false;
  return true;
}

// The rows of one data file in the table's columns, the sorted positions `deleted` skipped and
// only those inside the filter's ranges given.
Status read_rows(const TableMetadata& table, const DataFile& f, const std::vector<int64_t>& deleted,
                 const std::function<Status(const DataFile&, int64_t, std::vector<Value>)>& row, const ScanFilter& filter) {
  CF_ASSIGN_OR_RETURN(std::vector<size_t> filtered, range_columns(table, filter));
  auto next_deleted = deleted.begin();
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
  // The ranges on the file's columns (named as the file names them); a range on a column the file
  // lacks holds none of its rows, which are all NULL there.
  std::vector<ColumnRange> file_ranges;
  for (size_t i = 0; i < filtered.size(); ++i) {
    if (slot[filtered[i]] < 0) return Status::ok();
    file_ranges.push_back({reader->columns()[wanted[static_cast<size_t>(slot[filtered[i]])]].name, filter.ranges[i].lower, filter.ranges[i].upper});
  }
  std::vector<bool> kept(reader->num_row_groups(), file_ranges.empty());
  if (!file_ranges.empty()) {
    CF_ASSIGN_OR_RETURN(std::vector<size_t> groups, reader->prune(file_ranges));
    for (size_t g : groups) kept[g] = true;
  }
  ScanCounters counted;
  int64_t group_start = 0;
  for (size_t g = 0; g < reader->num_row_groups(); ++g) {
    const int64_t group_rows = reader->metadata().row_groups[g].num_rows;
    const int64_t start = group_start;
    group_start += group_rows;
    if (!kept[g]) {
      ++counted.row_groups_skipped;
      continue;
    }
    ++counted.row_groups_read;
    std::vector<RowSpan> spans{{0, group_rows}};
    std::vector<ColumnVector> columns;
    if (file_ranges.empty()) {
      CF_ASSIGN_OR_RETURN(columns, reader->read_row_group(g, wanted));
    } else {
      CF_ASSIGN_OR_RETURN(spans, reader->select_rows(g, file_ranges));
      CF_ASSIGN_OR_RETURN(columns, reader->read_rows(g, wanted, spans));
    }
    size_t n = 0;
    for (const RowSpan& s : spans) n += static_cast<size_t>(s.end - s.first);
    for (const ColumnVector& v : columns) {
      if (v.size() != n) {
        return Status::corruption(fmt::format("{}: row group {}: column '{}' holds {} values, another {}", f.path, g, v.column.name, v.size(), n));
      }
    }
    size_t r = 0;  // the slot of the row in the columns
    for (const RowSpan& s : spans) {
      for (int64_t pos = start + s.first; pos < start + s.end; ++pos, ++r) {
        while (next_deleted != deleted.end() && *next_deleted < pos) ++next_deleted;
        if (next_deleted != deleted.end() && *next_deleted == pos) continue;
        bool match = true;
        for (size_t i = 0; i < filtered.size() && match; ++i) match = inside(columns[static_cast<size_t>(slot[filtered[i]])].value(r), filter.ranges[i]);
        if (!match) continue;
        std::vector<Value> values(table.columns.size());
        for (size_t c = 0; c < table.columns.size(); ++c) {
          if (slot[c] >= 0) values[c] = columns[static_cast<size_t>(slot[c])].value(r);
        }
        CF_RETURN_IF_ERROR(row(f, pos, std::move(values)));
      }
    }
  }
  if (filter.counters) {
    const ReadCounters pages = reader->counters();
    filter.counters->row_groups_read += counted.row_groups_read;
    filter.counters->row_groups_skipped += counted.row_groups_skipped;
    filter.counters->data_pages_read += pages.data_pages_read;
    filter.counters->data_pages_skipped += pages.data_pages_skipped;
  }
  return Status::ok();
}

}  // namespace

Status scan_file(const TableMetadata& table, const DataFile& file,
                 const std::function<Status(const DataFile&, int64_t, std::vector<Value>)>& row) {
  return read_rows(table, file, {}, row, {});
}

namespace {

using DeleteCache = std::map<std::string, std::map<std::string, std::vector<int64_t>>>;

Status read_task(const TableMetadata& table, const ScanTask& task, DeleteCache& delete_files,
                 const std::function<Status(const DataFile&, int64_t, std::vector<Value>)>& row, const ScanFilter& filter) {
  std::vector<int64_t> deleted;
  for (const std::string& d : task.position_deletes) {
    auto it = delete_files.find(d);
    if (it == delete_files.end()) {
      CF_ASSIGN_OR_RETURN(auto positions, read_position_deletes(local_path(d)));
      it = delete_files.emplace(d, std::move(positions)).first;
    }
    if (auto p = it->second.find(task.file.path); p != it->second.end()) deleted.insert(deleted.end(), p->second.begin(), p->second.end());
  }
  std::sort(deleted.begin(), deleted.end());
  return read_rows(table, task.file, deleted, row, filter);
}

}  // namespace

Status scan_task(const TableMetadata& table, const ScanTask& task,
                 const std::function<Status(const DataFile&, int64_t, std::vector<Value>)>& row, const ScanFilter& filter) {
  DeleteCache cache;
  return read_task(table, task, cache, row, filter);
}

Status scan_rows_at(const TableMetadata& table, const std::function<Status(const DataFile&, int64_t, std::vector<Value>)>& row,
                    std::optional<int64_t> snapshot_id, const ScanFilter& filter) {
  CF_RETURN_IF_ERROR(range_columns(table, filter).status());  // an unknown column fails an empty table too
  CF_ASSIGN_OR_RETURN(std::vector<ScanTask> tasks, plan_scan(table, snapshot_id));
  DeleteCache delete_files;  // each read once
  for (const ScanTask& task : tasks) CF_RETURN_IF_ERROR(read_task(table, task, delete_files, row, filter));
  return Status::ok();
}

}  // namespace careflow::lake::iceberg
