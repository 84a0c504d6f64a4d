#pragma once
// Iceberg v2 position delete files (table spec "Position Delete Files"): Parquet files of
// (file_path, pos) rows, sorted by path then position, each naming a row of a data file that a
// later snapshot deleted. careflow writes these (not equality deletes) for updates and deletes:
// every reader of v2 tables applies them, pyiceberg included, which skips tables with equality
// deletes (docs/lake.md says why).

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "lake/iceberg_metadata.h"
#include "lake/iceberg_table.h"

namespace careflow::lake::iceberg {

// The reserved field ids of a position delete file's columns (spec "Reserved Field IDs").
constexpr int32_t kDeleteFilePathId = 2147483546;
constexpr int32_t kDeletePosId = 2147483545;

// file_path (string) and pos (long), both required.
std::vector<ColumnSpec> position_delete_columns();

// A row to delete: the data file (its path exactly as its manifest entry has it, and its
// partition) and the row's position in it (0 = the file's first row).
struct PositionDelete {
  std::string path;
  std::vector<values::Value> partition;
  int64_t pos = 0;
};

// Writes `deletes` as fsynced position delete files under the table's data folder, one per
// partition (a delete file lives in the partition of the data files it names, as Iceberg's readers
// index them), named "<prefix>-<n>-deletes.parquet", and returns their manifest entries (content
// 1). Duplicates are written once. Errors: IOError naming the file.
Result<std::vector<DataFile>> write_position_deletes(const TableMetadata& table, const std::string& prefix,
                                                     const std::vector<PositionDelete>& deletes);

// Reads a position delete file: the deleted positions by data file path. Corruption naming the
// file when it is not a delete file (columns by field id) or does not read.
Result<std::map<std::string, std::vector<int64_t>>> read_position_deletes(const std::string& path);

}  // namespace careflow::lake::iceberg
