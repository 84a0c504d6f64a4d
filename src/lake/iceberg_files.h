#pragma once
// Rows in and out of an Iceberg table's data files: a writer that buffers rows and writes them as
// Parquet files, one per partition (under data/<partition path>/), and the reading of a snapshot's
// live data files and their rows. Not thread-safe.

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "lake/iceberg_metadata.h"
#include "lake/iceberg_table.h"
#include "lake/parquet_writer.h"

namespace careflow::lake::iceberg {

class DataFileWriter {
 public:
  // Files are named "<prefix>-<n>.parquet"; the prefix makes them unique to their writer.
  DataFileWriter(const TableMetadata& table, std::string prefix, WriterOptions options = {});

  // One row, one value per table column in the schema's order. Errors name the column (a NULL in
  // a required column shows when the file is written).
  Status add(std::vector<values::Value> row);
  size_t buffered_rows() const { return buffered_; }
  // Writes what is buffered, one fsynced file per partition, and returns their manifest entries
  // (empty when nothing was buffered); the buffer is empty afterwards, even on error.
  Result<std::vector<DataFile>> flush();

 private:
  std::string location_;
  std::vector<ColumnSpec> columns_;
  PartitionSpec spec_;
  std::string prefix_;
  WriterOptions options_;
  int64_t next_file_ = 0;
  size_t buffered_ = 0;
  // Rows by partition (the partition's values as its path, which is unique per partition).
  std::map<std::string, std::pair<std::vector<values::Value>, std::vector<std::vector<values::Value>>>> rows_;
};

// The data files live in a snapshot (the current one when none is given; none in an empty
// table), with their partitions. NotFound for an unknown snapshot; Corruption naming a damaged
// manifest list or manifest.
Result<std::vector<DataFile>> live_files(const TableMetadata& table, std::optional<int64_t> snapshot_id = std::nullopt);

// The paths of every data file some snapshot of the table names (each manifest read once).
Result<std::set<std::string>> referenced_files(const TableMetadata& table);

// Every row of the snapshot's data files, in the table's column order (columns matched by field
// id; a column a file lacks reads as NULL), file by file. Stops at the first error `row` returns.
Status scan_rows(const TableMetadata& table, const std::function<Status(std::vector<values::Value>)>& row,
                 std::optional<int64_t> snapshot_id = std::nullopt);

}  // namespace careflow::lake::iceberg
