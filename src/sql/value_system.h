#pragma once
// The SQL front end speaks the value system (src/values: types, values, casts, date-time, time
// zones, formatting) as its own language: those names are visible unqualified inside careflow::sql,
// so `values::DataType` and `values::DataType` name the same type.

#include "values/types.h"
#include "values/value.h"

namespace careflow::sql {

using namespace careflow::values;

}  // namespace careflow::sql
