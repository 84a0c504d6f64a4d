#pragma once
// Private to src/lake: the Parquet shape of a column (LogicalTypes.md, "Nested Types") for the
// writer and the reader. A primitive column is one leaf; the others are groups of leaves:
//   ROW<a T, b U> → <rep> group name { <T> a; <U> b; }
//   ARRAY<T>      → <rep> group name (LIST) { repeated group list { <rep> <T> element; } }
//   MAP<K, V>     → <rep> group name (MAP) { repeated group key_value { required <K> key; <rep> <V> value; } }
// where <rep> is OPTIONAL unless the type is NOT NULL, and a MAP's key is always REQUIRED (as the
// spec and Iceberg require; a NULL key is an error when written). Iceberg's field ids
// (ColumnSpec::nested_ids) go in field_id of the ROW's fields, the `element`, the `key` and the
// `value`; the `list` and `key_value` groups have none, as Iceberg writes them. The reader reads
// the standard 3-level layouts only (not the legacy 2-level lists of old writers).
//
// Levels (Dremel): a leaf's definition level counts the OPTIONAL and repeated fields on its path
// that are present; its repetition level says at which repeated field a value repeats (0 starts a
// row). ShapeNode records, for each node, the levels at which it is present.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "lake/parquet_metadata.h"
#include "lake/parquet_schema.h"

namespace careflow::lake {

struct ShapeNode {
  enum Kind { kLeaf, kStruct, kList, kMap };
  Kind kind = kLeaf;
  bool optional = true;  // NULL allowed here
  // The definition level of a present (non-NULL) value here. A LIST or MAP with at least one entry
  // has def + 1 at its leaves; an empty one has def exactly.
  int def = 0;
  int rep = 0;  // LIST / MAP: the repetition level of their second and later entries
  int first_leaf = 0, end_leaf = 0;  // the leaves below: [first_leaf, end_leaf) of the file's leaves
  values::DataType type;
  std::string path;                 // "tags.list.element", for messages
  std::vector<ShapeNode> children;  // ROW: fields; LIST: element; MAP: key, value
};

// One leaf column of the file, in schema order (the order of a row group's column chunks).
struct LeafColumn {
  std::vector<std::string> path;   // path_in_schema
  parquet::SchemaElement element;  // the leaf's schema element
  int max_def = 0, max_rep = 0;
  values::DataType type;           // the leaf's SQL type

  std::string display() const;     // "tags.list.element", for messages
};

struct ColumnShape {
  ShapeNode root;
  std::vector<parquet::SchemaElement> elements;  // the column's schema elements, depth first
};

// The writer's shape of `column`; its leaves are appended to *leaves. Errors name the column: a
// type careflow cannot store, nested_ids that do not match the type's nodes, nesting too deep.
Result<ColumnShape> shape_for_column(const ColumnSpec& column, std::vector<LeafColumn>* leaves);

// The reader's: the column whose element is schema[*at] (advanced past its elements), its SQL
// column in *column (with nested_ids when every nested field has an id) and its leaves appended to
// *leaves. Errors: kCorruption for a group whose children run past the schema, kInvalidArgument
// naming the column for a layout careflow does not read.
Result<ColumnShape> shape_from_schema(std::span<const parquet::SchemaElement> schema, size_t* at, ColumnSpec* column,
                                      std::vector<LeafColumn>* leaves);

}  // namespace careflow::lake
