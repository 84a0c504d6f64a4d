#include "sql/bound_expr.h"

#include <fmt/format.h>

#include "values/value_format.h"

namespace careflow::sql {

BoundExprPtr bound_input_ref(int index, DataType type) {
  auto e = std::make_shared<BoundExpr>();
  e->kind = BoundKind::kInputRef;
  e->index = index;
  e->type = std::move(type);
  return e;
}

BoundExprPtr bound_literal(Value value, DataType type) {
  auto e = std::make_shared<BoundExpr>();
  e->kind = BoundKind::kLiteral;
  e->value = std::move(value);
  e->type = std::move(type);
  return e;
}

BoundExprPtr bound_cast_if_needed(BoundExprPtr e, const DataType& to) {
  if (e->type.same_logical_type(to) && e->type.field_names == to.field_names) return e;
  auto c = std::make_shared<BoundExpr>();
  c->kind = BoundKind::kCast;
  c->type = to.without_time_attribute();
  c->type.nullable = e->type.nullable || to.nullable;
  c->args.push_back(std::move(e));
  return c;
}

bool is_constant(const BoundExpr& e) {
  if (e.kind == BoundKind::kInputRef || e.kind == BoundKind::kProctime) return false;
  if (e.kind == BoundKind::kCall && !e.deterministic) return false;
  for (const BoundExprPtr& a : e.args) {
    if (!is_constant(*a)) return false;
  }
  return true;
}

std::string describe_bound(const BoundExpr& e, const std::vector<std::string>& names) {
  auto arg = [&](size_t i) { return describe_bound(*e.args[i], names); };
  auto all_args = [&](std::string_view sep) {
    std::string out;
    for (size_t i = 0; i < e.args.size(); ++i) out += (i ? std::string(sep) : "") + arg(i);
    return out;
  };
  switch (e.kind) {
    case BoundKind::kInputRef:
      return e.index < static_cast<int>(names.size()) ? names[static_cast<size_t>(e.index)] : fmt::format("${}", e.index);
    case BoundKind::kLiteral:
      if (e.value.is_null()) return "null";
      return e.type.is_string() ? "'" + e.value.as_string() + "'" : format_value(e.value, e.type);
    case BoundKind::kCall: return fmt::format("{}({})", e.op, all_args(", "));
    case BoundKind::kCast:
      return fmt::format("{}({} AS {})", e.try_cast ? "TRY_CAST" : "CAST", arg(0), e.type.without_time_attribute().to_string());
    case BoundKind::kArithmetic:
    case BoundKind::kCompare: return "(" + arg(0) + " " + e.op + " " + arg(1) + ")";
    case BoundKind::kNegate: return "-(" + arg(0) + ")";
    case BoundKind::kConcat: return fmt::format("||({}, {})", arg(0), arg(1));
    case BoundKind::kAnd: return "AND(" + all_args(", ") + ")";
    case BoundKind::kOr: return "OR(" + all_args(", ") + ")";
    case BoundKind::kNot: return "NOT(" + arg(0) + ")";
    case BoundKind::kIsNull: return fmt::format("{}({})", e.negated ? "IS NOT NULL" : "IS NULL", arg(0));
    case BoundKind::kIsTrue: return fmt::format("IS {}{}({})", e.negated ? "NOT " : "", e.op, arg(0));
    case BoundKind::kCase: return "CASE(" + all_args(", ") + ")";
    case BoundKind::kInList: return fmt::format("{}IN({})", e.negated ? "NOT " : "", all_args(", "));
    case BoundKind::kLike: return fmt::format("{}LIKE({})", e.negated ? "NOT " : "", all_args(", "));
    case BoundKind::kBetween: return fmt::format("{}BETWEEN({})", e.negated ? "NOT " : "", all_args(", "));
    case BoundKind::kProctime: return "PROCTIME()";
    case BoundKind::kFieldAccess: return fmt::format("{}.{}", arg(0), e.index);
    case BoundKind::kSubscript: return fmt::format("ITEM({}, {})", arg(0), arg(1));
    case BoundKind::kRowCtor: return "ROW(" + all_args(", ") + ")";
    case BoundKind::kArrayCtor: return "ARRAY(" + all_args(", ") + ")";
    case BoundKind::kMapCtor: return "MAP(" + all_args(", ") + ")";
  }
  return "?";
}

void collect_input_refs(const BoundExpr& e, std::vector<int>* out) {
  if (e.kind == BoundKind::kInputRef) out->push_back(e.index);
  for (const BoundExprPtr& a : e.args) collect_input_refs(*a, out);
}

BoundExprPtr remap_inputs(const BoundExprPtr& e, const std::vector<int>& mapping) {
  if (e->kind == BoundKind::kInputRef) return bound_input_ref(mapping[static_cast<size_t>(e->index)], e->type);
  if (e->args.empty()) return e;
  auto copy = std::make_shared<BoundExpr>(*e);
  for (BoundExprPtr& a : copy->args) a = remap_inputs(a, mapping);
  return copy;
}

}  // namespace careflow::sql
