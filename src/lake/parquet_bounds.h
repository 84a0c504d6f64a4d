#pragma once
// Private to src/lake: a bound of a column's statistics or page index (PLAIN-encoded, as
// Statistics' min_value / max_value and ColumnIndex's min_values / max_values hold them) as a
// value of the column's careflow type, in the units the reader returns (TIMESTAMP(3) in µs).

#include <optional>
#include <string>

#include "lake/parquet_metadata.h"
#include "values/types.h"
#include "values/value.h"

namespace careflow::lake {

// Unset when the bytes do not decode as the column's type (or are a NaN).
std::optional<values::Value> decode_bound(const parquet::SchemaElement& e, const values::DataType& t, const std::string& b);

}  // namespace careflow::lake
