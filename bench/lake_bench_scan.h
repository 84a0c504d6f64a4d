#pragma once
// careflow's side of bench/lake_bench's scans: ParquetReader reading a file's columns, every row group,
// into memory (lake::ColumnVector), timed; and a check that what it read is the table that was written.

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "lake/parquet_reader.h"

namespace careflow::bench {

// The best seconds of `repeats` scans of `path`: open (the footer), then every row group's `columns`
// (names; empty: all of them) decoded and kept until the scan ends, then freed (as pyarrow's table is).
Result<double> careflow_scan(const std::string& path, const std::vector<std::string>& columns, int64_t repeats);

// Reads every column of `path` and compares it with `want` (the generated table, one vector per
// column): "" when every value is equal, else the first difference.
Result<std::string> scan_difference(const std::string& path, const std::vector<lake::ColumnVector>& want);

}  // namespace careflow::bench
