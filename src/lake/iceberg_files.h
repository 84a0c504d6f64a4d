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
#include "lake/parquet_reader.h"
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
  // Where a row went: the index of its file in what flush returned, and its position in that file.
  struct Placement {
    size_t file = 0;
    int64_t pos = 0;
  };
  // Writes what is buffered, one fsynced file per partition, and returns their manifest entries
  // (empty when nothing was buffered); the buffer is empty afterwards, even on error. With
  // `placements`, also where each row added since the last flush went, in the order of the adds
  // (what a position delete of it will name).
  Result<std::vector<DataFile>> flush(std::vector<Placement>* placements = nullptr);
  // Takes the buffered rows back, unwritten, in the order they were added.
  std::vector<std::vector<values::Value>> take();

 private:
  std::string location_;
  std::vector<ColumnSpec> columns_;
  PartitionSpec spec_;
  std::string prefix_;
  WriterOptions options_;
  int64_t next_file_ = 0;
  size_t buffered_ = 0;
  // Rows by partition (the partition's values as its path, which is unique per partition), each
  // with its index among the adds since the last flush.
  struct Slot {
    std::vector<values::Value> partition;
    std::vector<std::vector<values::Value>> rows;
    std::vector<size_t> order;
  };
  std::map<std::string, Slot> rows_;
};

// The data files live in a snapshot (the current one when none is given; none in an empty
// table), with their partitions; delete files are not among them (see plan_scan). NotFound for an
// unknown snapshot; Corruption naming a damaged manifest list or manifest.
Result<std::vector<DataFile>> live_files(const TableMetadata& table, std::optional<int64_t> snapshot_id = std::nullopt);

// A live data file of a snapshot and the position delete files that apply to it (spec "Scan
// Planning": a position delete file applies to a data file whose data sequence number is not
// greater than its own, and whose path its file_path bounds admit).
struct ScanTask {
  DataFile file;
  int64_t sequence_number = 0;  // the data file's data sequence number
  std::vector<std::string> position_deletes;
};
// The snapshot's scan tasks. FailedPrecondition naming the file for an equality delete file
// (another engine's: careflow writes position deletes and does not apply equality deletes yet);
// otherwise as live_files.
Result<std::vector<ScanTask>> plan_scan(const TableMetadata& table, std::optional<int64_t> snapshot_id = std::nullopt);

// The paths of every data and delete file some snapshot of the table names (each manifest read
// once).
Result<std::set<std::string>> referenced_files(const TableMetadata& table);

// What a filtered scan decoded and passed over.
struct ScanCounters {
  int64_t row_groups_read = 0, row_groups_skipped = 0;  // skipped: by the row group's column statistics
  int64_t data_pages_read = 0, data_pages_skipped = 0;  // skipped: by the page index (ColumnIndex bounds)
};

// Restricts a scan to the rows inside every range (inclusive bounds on the table's columns by name,
// as values of the column's type; a NULL is inside no range). Row groups whose statistics, and
// pages whose page-index bounds, rule a range out are not decoded; the rows of the rest are
// filtered exactly. No ranges: every row.
struct ScanFilter {
  std::vector<ColumnRange> ranges;
  ScanCounters* counters = nullptr;  // optional: adds what the scan read and skipped
};

// Every live row of the snapshot's data files — deleted positions skipped — in the table's column
// order (columns matched by field id; a column a file lacks reads as NULL), file by file. Stops at
// the first error `row` returns.
// NotFound naming a range's column when the table has none of that name.
Status scan_rows(const TableMetadata& table, const std::function<Status(std::vector<values::Value>)>& row,
                 std::optional<int64_t> snapshot_id = std::nullopt, const ScanFilter& filter = {});
// As scan_rows, with each row's data file (its path as the manifest names it, its partition) and
// position in it: what a position delete of the row names.
Status scan_rows_at(const TableMetadata& table,
                    const std::function<Status(const DataFile& file, int64_t pos, std::vector<values::Value> row)>& row,
                    std::optional<int64_t> snapshot_id = std::nullopt, const ScanFilter& filter = {});
// The live rows of one scan task (its position deletes applied), as scan_rows_at gives them: for a
// reader that goes file by file.
Status scan_task(const TableMetadata& table, const ScanTask& task,
                 const std::function<Status(const DataFile& file, int64_t pos, std::vector<values::Value> row)>& row,
                 const ScanFilter& filter = {});
// The rows of one data file of the table (one not committed yet, say) with their positions, as
// scan_rows_at gives them, no deletes applied.
Status scan_file(const TableMetadata& table, const DataFile& file,
                 const std::function<Status(const DataFile& file, int64_t pos, std::vector<values::Value> row)>& row);

}  // namespace careflow::lake::iceberg
