#pragma once
// A row of a changelog stream: its kind (+I, -U, +U, -D, as Flink's RowKind) and its fields.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sql/functions.h"
#include "values/types.h"
#include "values/value.h"

namespace careflow::exec {

using values::Value;

enum class RowKind : uint8_t { kInsert, kUpdateBefore, kUpdateAfter, kDelete };

struct Row {
  RowKind kind = RowKind::kInsert;
  std::vector<Value> fields;
};

using RowBatch = std::vector<Row>;

// "+I", "-U", "+U", "-D"
std::string_view kind_symbol(RowKind kind);
// Parses a kind symbol; false when it is none of the four.
bool parse_kind(std::string_view symbol, RowKind* out);
// +I and +U add a row to a result; -U and -D take one away.
inline bool is_accumulate(RowKind k) { return k == RowKind::kInsert || k == RowKind::kUpdateAfter; }

// A row as the test files and the shell print it: "+I[apple, 10]" (docs/sql-tests.md).
// TIMESTAMP_LTZ values show in `ctx`'s session time zone (UTC without one).
std::string format_row(const Row& row, const std::vector<values::DataType>& types, bool with_kind = true,
                       const values::EvalContext* ctx = nullptr);
// One field by the same rules: strings quoted only when they would be ambiguous.
std::string format_field(const Value& v, const values::DataType& type, const values::EvalContext* ctx = nullptr);

}  // namespace careflow::exec
