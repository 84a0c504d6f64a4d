#pragma once
// Private to src/lake: a nested column's values assembled from its leaves' entries (Dremel's record
// assembly, for the shapes of parquet_nested.h), for ParquetReader. Every level is checked against
// the shape: leaves that disagree (one says a list has another element, its sibling does not), a
// row that does not start at repetition level 0, entries left over or missing are kCorruption
// naming the file and the byte of the page where the entry is, never undefined behaviour.

#include <span>
#include <string_view>
#include <vector>

#include "lake/chunk_decoder.h"
#include "lake/parquet_nested.h"
#include "lake/parquet_reader.h"

namespace careflow::lake {

// One leaf's decoded chunk: a slot per entry in `values`, the entries' levels in `levels`.
struct LeafChunk {
  ColumnVector values;
  LeafLevels levels;
};

// Assembles `rows` values of the column shaped `root` into *out; leaves[i] is the file's leaf
// root.first_leaf + i. `file` names the file in messages.
Status assemble_column(const ShapeNode& root, std::span<const LeafChunk> leaves, int64_t rows, std::string_view file,
                       std::vector<values::Value>* out);

}  // namespace careflow::lake
