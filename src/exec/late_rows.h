#pragma once
// careflow's late-row side output ('table.exec.late-rows.topic', docs/sql.md#late-rows): the JSON
// value of the record a dropped late row becomes on that topic. Not Flink's: Flink drops late rows
// and only counts them (numLateRecordsDropped).

#include <string>

#include "exec/operator.h"
#include "sql/plan.h"

namespace careflow::exec {

// {"operator": "WindowAggregate", "plan": <the operator's EXPLAIN line>, "reason": <why it was
// late>, "rowtime": <ms>, "watermark": <ms, or null before any>, "kind": "+I", "row": {<column>:
// <value>, ...}} — the row by the column names and types of the operator's input `late.input` in
// `node` (values as Flink's JSON format writes them); `line` is the operator's EXPLAIN line.
std::string late_row_json(const LateRow& late, const std::string& line, const sql::PlanNode* node);

}  // namespace careflow::exec
