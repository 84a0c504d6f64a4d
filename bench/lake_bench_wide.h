#pragma once
// The 37-column wide table of bench/lake_bench: strings of low and high cardinality, TINYINT..BIGINT,
// DOUBLE, DECIMAL(9,2) / (18,4) / (38,6), DATE, TIMESTAMP_LTZ(3) / (6), TIMESTAMP(6) and BOOLEAN, most
// nullable with 0 to 50 % NULLs, three NOT NULL. bench/lake_bench_rows.py (wide_table) generates the
// very same rows: column j of row i comes from splitmix64(i * 64 + j) by the same integer arithmetic.
//
// The rows are held as careflow's reader returns them (lake::ColumnVector, careflow's units, a NULL's
// slot zero or empty), so that a scan can be compared with them slot for slot.

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "lake/parquet_reader.h"
#include "lake/parquet_writer.h"

namespace careflow::bench {

std::vector<lake::ColumnSpec> wide_schema();
std::vector<lake::ColumnVector> wide_columns(int64_t rows);

// Appends rows [begin, end) of `columns` (one per writer column, all flat) through the columnar path, a
// batch per column (strings value by value), and commits them; callers pass at most a row group at a time.
Status append_columns(lake::ParquetWriter& writer, const std::vector<lake::ColumnVector>& columns, size_t begin, size_t end);

// Where `got` (a row group's column as the reader returned it) differs from rows [offset, offset +
// got.size()) of `want`: "" when every slot is equal.
std::string column_difference(const lake::ColumnVector& got, const lake::ColumnVector& want, size_t offset);

}  // namespace careflow::bench
