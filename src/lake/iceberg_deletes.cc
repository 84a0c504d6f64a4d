#include "lake/iceberg_deletes.h"

#include <fmt/format.h>

#include <algorithm>

#include "lake/iceberg_manifest.h"
#include "lake/iceberg_partition.h"
#include "lake/parquet_reader.h"
#include "lake/parquet_writer.h"
#include "lake/storage.h"

namespace careflow::lake::iceberg {

using values::DataType;
using values::Value;

std::vector<ColumnSpec> position_delete_columns() {
  return {{"file_path", DataType::string().with_nullable(false), kDeleteFilePathId},
          {"pos", DataType::bigint().with_nullable(false), kDeletePosId}};
}

Result<std::vector<DataFile>> write_position_deletes(const TableMetadata& table, const std::string& prefix,
                                                     const std::vector<PositionDelete>& deletes) {
  // By partition folder; in each, sorted by (path, pos) as the spec requires, without duplicates.
  std::map<std::string, std::pair<std::vector<Value>, std::vector<std::pair<std::string, int64_t>>>> by_partition;
  for (const PositionDelete& d : deletes) {
    auto& slot = by_partition[partition_path(table.spec, table.columns, d.partition)];
    if (slot.second.empty()) slot.first = d.partition;
    slot.second.emplace_back(d.path, d.pos);
  }
  std::vector<DataFile> out;
  int n = 0;
  for (auto& [folder, slot] : by_partition) {
    auto& rows = slot.second;
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    const std::string dir = folder.empty() ? join_path(table.location, "data") : join_path(join_path(table.location, "data"), folder);
    if (!is_object_store_uri(dir)) CF_RETURN_IF_ERROR(storage_for(dir).make_dirs(dir));  // no folders in an object store
    const std::string file = normalize_location(join_path(dir, fmt::format("{}-{:05}-deletes.parquet", prefix, n++)));
    CF_ASSIGN_OR_RETURN(auto writer, ParquetWriter::open(file, position_delete_columns()));
    for (const auto& [path, pos] : rows) {
      const Value row[] = {Value::string(path), Value::integer(pos)};
      Status s = writer->write_row(row);
      if (!s.is_ok()) return s.with_context(fmt::format("writing {}", file));
    }
    CF_RETURN_IF_ERROR(writer->close());
    CF_RETURN_IF_ERROR(sync_file(file));  // durable before any commit names it
    CF_ASSIGN_OR_RETURN(DataFile entry, data_file_from_parquet(file));
    entry.content = FileContent::kPositionDeletes;
    entry.partition = slot.first;
    out.push_back(std::move(entry));
  }
  return out;
}

Result<std::map<std::string, std::vector<int64_t>>> read_position_deletes(const std::string& path) {
  CF_ASSIGN_OR_RETURN(auto reader, ParquetReader::open(path));
  std::vector<size_t> wanted(2, SIZE_MAX);
  for (size_t i = 0; i < reader->columns().size(); ++i) {
    const auto& id = reader->columns()[i].field_id;
    if (id == kDeleteFilePathId) wanted[0] = i;
    if (id == kDeletePosId) wanted[1] = i;
  }
  if (wanted[0] == SIZE_MAX || wanted[1] == SIZE_MAX) {
    return Status::corruption(fmt::format("{}: not a position delete file (no file_path / pos columns with field ids {} / {})", path,
                                          kDeleteFilePathId, kDeletePosId));
  }
  std::map<std::string, std::vector<int64_t>> out;
  for (size_t g = 0; g < reader->num_row_groups(); ++g) {
    CF_ASSIGN_OR_RETURN(std::vector<ColumnVector> columns, reader->read_row_group(g, wanted));
    if (columns[0].size() != columns[1].size()) {
      return Status::corruption(fmt::format("{}: row group {}: {} paths and {} positions", path, g, columns[0].size(), columns[1].size()));
    }
    for (size_t r = 0; r < columns[0].size(); ++r) {
      Value p = columns[0].value(r), pos = columns[1].value(r);
      if (p.is_null() || pos.is_null()) return Status::corruption(fmt::format("{}: row group {}: row {} has a NULL path or position", path, g, r));
      out[p.as_string()].push_back(pos.as_int());
    }
  }
  for (auto& [_, positions] : out) std::sort(positions.begin(), positions.end());
  return out;
}

}  // namespace careflow::lake::iceberg
