#pragma once
// Private to src/lake: decodes one column chunk's pages into a ColumnVector for ParquetReader.

#include <string_view>

#include "lake/parquet_reader.h"

namespace careflow::lake {

// Pages at most this many values: a header claiming more is corrupt (Arrow and parquet-mr write
// 20,000 rows a page; careflow's pages hold at most a megabyte of values).
inline constexpr int32_t kMaxPageValues = 1 << 24;

// `file` is the whole file (offsets in the chunk's metadata are into it); `end_limit` is where
// the footer starts. `rows` is the row group's row count, which the chunk must match.
Status decode_column_chunk(std::string_view file, std::string_view name, size_t end_limit, const parquet::SchemaElement& element,
                           const parquet::ColumnChunk& chunk, int64_t rows, ColumnVector* out);

}  // namespace careflow::lake
