// Queries around SELECT: FROM, joins, UNNEST, WHERE (with EXISTS / IN subqueries), set operations,
// ORDER BY / LIMIT. SELECT itself: planner_select.cc.
#include <algorithm>
#include <set>

#include "sql/planner_impl.h"
#include "sql/printer.h"

namespace careflow::sql {

void split_and(const Expr& e, std::vector<const Expr*>* out) {
  if (e.kind == ExprKind::kBinary && e.name == "AND") {
    split_and(*e.args[0], out);
    split_and(*e.args[1], out);
  } else {
    out->push_back(&e);
  }
}

namespace {

void split_bound_and(const BoundExprPtr& e, std::vector<BoundExprPtr>* out) {
  if (e->kind == BoundKind::kAnd) {
    for (const auto& a : e->args) split_bound_and(a, out);
  } else {
    out->push_back(e);
  }
}

bool references_only(const BoundExpr& e, int lo, int hi) {
  std::vector<int> refs;
  collect_input_refs(e, &refs);
  for (int r : refs) {
    if (r < lo || r >= hi) return false;
  }
  return true;
}

}  // namespace

BoundExprPtr and_all(const std::vector<BoundExprPtr>& parts) {
  if (parts.empty()) return nullptr;
  if (parts.size() == 1) return parts[0];
  auto e = std::make_shared<BoundExpr>();
  e->kind = BoundKind::kAnd;
  e->type = DataType::boolean();
  e->type.nullable = false;
  for (const auto& p : parts) e->type.nullable = e->type.nullable || p->type.nullable;
  e->args = parts;
  return e;
}

void split_join_condition(const BoundExprPtr& condition, int left_width, std::vector<int>* left_keys,
                          std::vector<int>* right_keys, std::vector<BoundExprPtr>* residual) {
  std::vector<BoundExprPtr> parts;
  split_bound_and(condition, &parts);
  for (const BoundExprPtr& p : parts) {
    if (p->kind == BoundKind::kCompare && p->op == "=" && p->args[0]->kind == BoundKind::kInputRef &&
        p->args[1]->kind == BoundKind::kInputRef) {
      int a = p->args[0]->index, b = p->args[1]->index;
      if (a < left_width && b >= left_width) {
        left_keys->push_back(a);
        right_keys->push_back(b - left_width);
        continue;
      }
      if (b < left_width && a >= left_width) {
        left_keys->push_back(b);
        right_keys->push_back(a - left_width);
        continue;
      }
    }
    residual->push_back(p);
  }
}

// Whether `e` calls only deterministic functions and reads no processing time (what Flink's
// FilterJoinRule requires of a condition it moves).
bool is_deterministic(const BoundExpr& e) {
  if (e.kind == BoundKind::kProctime || (e.kind == BoundKind::kCall && !e.deterministic)) return false;
  for (const BoundExprPtr& a : e.args) {
    if (!is_deterministic(*a)) return false;
  }
  return true;
}

PlanPtr make_node(PlanKind kind, std::vector<PlanPtr> inputs, std::vector<PlanField> schema) {
  auto n = std::make_shared<PlanNode>();
  n->kind = kind;
  n->inputs = std::move(inputs);
  n->schema = std::move(schema);
  return n;
}

PlanPtr QueryPlanner::calc(PlanPtr input, std::vector<BoundExprPtr> projections, BoundExprPtr filter,
                           std::vector<std::string> names) {
  std::vector<PlanField> schema;
  for (size_t i = 0; i < projections.size(); ++i) schema.push_back({names[i], projections[i]->type});
  PlanPtr n = make_node(PlanKind::kCalc, {std::move(input)}, std::move(schema));
  n->projections = std::move(projections);
  n->filter = std::move(filter);
  infer_changelog(*n);
  return n;
}

PlanPtr QueryPlanner::pass_through(PlanPtr input, BoundExprPtr filter, std::vector<BoundExprPtr> extra,
                                   std::vector<std::string> extra_names) {
  std::vector<BoundExprPtr> proj;
  std::vector<std::string> names;
  for (size_t i = 0; i < input->schema.size(); ++i) {
    proj.push_back(bound_input_ref(static_cast<int>(i), input->schema[i].type));
    names.push_back(input->schema[i].name);
  }
  for (size_t i = 0; i < extra.size(); ++i) {
    proj.push_back(std::move(extra[i]));
    names.push_back(std::move(extra_names[i]));
  }
  return calc(std::move(input), std::move(proj), std::move(filter), std::move(names));
}

// FROM a, b WHERE a.k = b.k AND a.x > 0: Flink's FilterJoinRule moves a conjunct that reads both
// sides of an inner join into the join (its equalities become the join keys) and one that reads a
// single side below the join, down a chain of comma joins: the join is then keyed as the JOIN ... ON
// it stands for (left above it, the join would pair every row with every row of the other side),
// and a side's filter runs before the join condition as on Flink (x <> 0 below, 10 / x in the
// join). Non-deterministic conjuncts stay where they were written. The rows are the same.
PlanPtr QueryPlanner::push_into_inner_joins(const PlanPtr& node, std::vector<BoundExprPtr>* conjuncts) {
  if (node->kind != PlanKind::kJoin || node->join_type != JoinType::kInner) return node;
  const int nl = static_cast<int>(node->inputs[0]->schema.size());
  std::vector<int> to_right(node->schema.size(), 0);
  for (size_t i = static_cast<size_t>(nl); i < to_right.size(); ++i) to_right[i] = static_cast<int>(i) - nl;
  std::vector<BoundExprPtr> both, left_only, right_only;
  auto moved = [&](const BoundExprPtr& c) {
    std::vector<int> refs;
    collect_input_refs(*c, &refs);
    if (refs.empty() || !is_deterministic(*c)) return false;
    const auto [lo, hi] = std::minmax_element(refs.begin(), refs.end());
    if (*lo < nl && *hi >= nl) both.push_back(c);
    else if (*hi < nl) left_only.push_back(c);
    else right_only.push_back(remap_inputs(c, to_right));
    return true;
  };
  std::erase_if(*conjuncts, moved);
  if (both.empty() && left_only.empty() && right_only.empty()) return node;
  auto joined = std::make_shared<PlanNode>(*node);
  joined->inputs[0] = filter_below_join(node->inputs[0], std::move(left_only));
  joined->inputs[1] = filter_below_join(node->inputs[1], std::move(right_only));
  if (!both.empty()) {
    std::vector<BoundExprPtr> residual;
    if (joined->condition) residual.push_back(joined->condition);
    split_join_condition(and_all(both), nl, &joined->left_keys, &joined->right_keys, &residual);
    joined->condition = and_all(residual);
  }
  infer_changelog(*joined);
  return joined;
}

// `input` filtered by `conjuncts` (over its columns): pushed further into it when it is an inner
// join, else a filter right above it.
PlanPtr QueryPlanner::filter_below_join(const PlanPtr& input, std::vector<BoundExprPtr> conjuncts) {
  if (conjuncts.empty()) return input;
  PlanPtr filtered = push_into_inner_joins(input, &conjuncts);
  return conjuncts.empty() ? filtered : pass_through(filtered, and_all(conjuncts));
}

QueryPlanner::Planned QueryPlanner::query(const Query& q) {
  std::map<std::string, const CommonTable*> ctes;
  std::set<std::string> seen;
  for (const CommonTable& c : q.with) {
    if (!seen.insert(c.name).second) plan_fail(c.pos, fmt::format("WITH name '{}' is declared twice", c.name));
  }
  // Each CTE sees the ones declared before it.
  ctes_.emplace_back();
  for (const CommonTable& c : q.with) ctes_.back()[c.name] = &c;
  Planned p;
  switch (q.kind) {
    case Query::Kind::kSelect: p = select(q); break;
    case Query::Kind::kSetOp: p = set_operation(q); break;
    case Query::Kind::kValues: p = values(q); break;
  }
  p = order_limit(std::move(p), q);
  ctes_.pop_back();
  return p;
}

QueryPlanner::Planned QueryPlanner::values(const Query& q) {
  Scope empty;
  std::vector<std::vector<BoundExprPtr>> rows;
  size_t width = q.values[0].size();
  std::vector<DataType> types(width, DataType::of(TypeId::kNull));
  for (const auto& row : q.values) {
    if (row.size() != width) plan_fail(row.empty() ? q.pos : row[0]->pos, fmt::format("VALUES rows have different widths ({} and {})", width, row.size()));
    std::vector<BoundExprPtr> bound;
    for (size_t i = 0; i < row.size(); ++i) {
      BoundExprPtr b = bind(*row[i], empty);
      if (!is_constant(*b)) plan_fail(row[i]->pos, "VALUES takes constant expressions only");
      if (!find_common_type(types[i], b->type, &types[i])) {
        plan_fail(row[i]->pos, fmt::format("VALUES column {} mixes {} and {}", i + 1, type_name(types[i]), type_name(b->type)));
      }
      bound.push_back(std::move(b));
    }
    rows.push_back(std::move(bound));
  }
  std::vector<DataType> targets = std::move(values_types_);
  values_types_.clear();
  for (size_t i = 0; i < types.size(); ++i) {
    if (types[i].id == TypeId::kNull && i < targets.size() && targets[i].id != TypeId::kNull) {
      if (!targets[i].nullable) {
        plan_fail(q.pos, fmt::format("VALUES column {} holds only NULL, but the column it fills is {}", i + 1,
                                     type_name(targets[i])));
      }
      types[i] = targets[i].without_time_attribute();
    }
    if (types[i].id == TypeId::kNull) plan_fail(q.pos, "a VALUES column holds only NULL; CAST it to a type");
  }
  for (auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) row[i] = bound_cast_if_needed(row[i], types[i]);
  }
  std::vector<PlanField> schema;
  Scope scope;
  for (size_t i = 0; i < width; ++i) {
    schema.push_back({fmt::format("EXPR${}", i), types[i]});
    scope.columns.push_back({"", schema.back().name, types[i]});
  }
  PlanPtr n = make_node(PlanKind::kValues, {}, schema);
  n->rows = std::move(rows);
  infer_changelog(*n);
  return {n, scope};
}

QueryPlanner::Planned QueryPlanner::set_operation(const Query& q) {
  if (q.set_op != "UNION") {
    plan_fail(q.pos, fmt::format("{} is not supported yet; UNION and UNION ALL are", q.set_op));
  }
  Planned left = query(*q.left);
  Planned right = query(*q.right);
  size_t width = left.node->schema.size();
  if (right.node->schema.size() != width) {
    plan_fail(q.pos, fmt::format("UNION inputs have {} and {} columns", width, right.node->schema.size()));
  }
  std::vector<DataType> types;
  for (size_t i = 0; i < width; ++i) {
    DataType t;
    if (!find_common_type(left.node->schema[i].type, right.node->schema[i].type, &t)) {
      plan_fail(q.pos, fmt::format("UNION column {} ('{}') has types {} and {} with no common type", i + 1,
                                   left.node->schema[i].name, type_name(left.node->schema[i].type),
                                   type_name(right.node->schema[i].type)));
    }
    // UNION ALL of two rowtime attributes is one (Flink keeps the time attribute of a union).
    const bool rowtime = q.set_all && left.node->schema[i].type.time_attribute == TimeAttribute::kRowtime &&
                         right.node->schema[i].type.time_attribute == TimeAttribute::kRowtime;
    t = t.without_time_attribute();
    if (rowtime) t.time_attribute = TimeAttribute::kRowtime;
    types.push_back(t);
  }
  auto align = [&](Planned& side) {
    bool same = true;
    for (size_t i = 0; i < width; ++i) same = same && side.node->schema[i].type == types[i];
    if (same) return side.node;
    std::vector<BoundExprPtr> proj;
    std::vector<std::string> names;
    for (size_t i = 0; i < width; ++i) {
      proj.push_back(bound_cast_if_needed(bound_input_ref(static_cast<int>(i), side.node->schema[i].type), types[i]));
      names.push_back(left.node->schema[i].name);
    }
    return calc(side.node, proj, nullptr, names);
  };
  std::vector<PlanField> schema;
  for (size_t i = 0; i < width; ++i) schema.push_back({left.node->schema[i].name, types[i]});
  PlanPtr u = make_node(PlanKind::kUnion, {align(left), align(right)}, schema);
  infer_changelog(*u);
  if (!q.set_all) {
    PlanPtr agg = make_node(PlanKind::kGroupAggregate, {u}, schema);
    for (size_t i = 0; i < width; ++i) agg->group_keys.push_back(static_cast<int>(i));
    infer_changelog(*agg);
    u = agg;
  }
  Scope scope;
  for (const PlanField& f : schema) scope.columns.push_back({"", f.name, f.type});
  return {u, scope};
}

QueryPlanner::Planned QueryPlanner::table(const TableRef& ref, bool versioned) {
  std::string name = join_name(ref.name);
  std::string qualifier = ref.alias.empty() ? ref.name.back() : ref.alias;
  auto rename = [&](Planned p) {
    for (ScopeColumn& c : p.scope.columns) c.qualifier = qualifier;
    if (!ref.column_aliases.empty()) {
      // Aliases name the columns SELECT * would give, so not the system columns (kept last).
      size_t visible = 0;
      for (const ScopeColumn& c : p.scope.columns) visible += c.system ? 0 : 1;
      if (ref.column_aliases.size() != visible) {
        plan_fail(ref.pos, fmt::format("'{}' has {} columns but {} aliases are given", name, visible,
                                       ref.column_aliases.size()));
      }
      for (size_t i = 0; i < ref.column_aliases.size(); ++i) p.scope.columns[i].name = ref.column_aliases[i];
    }
    return p;
  };
  if (ref.system_time && !versioned) {
    plan_fail(ref.pos, "FOR SYSTEM_TIME AS OF outside a join (time travel) is not supported; as the right side of a "
                       "JOIN it is a temporal join");
  }
  // A common table expression, innermost WITH first. At its own level a CTE sees only the ones
  // declared before it.
  for (size_t level = ctes_.size(); level-- > 0;) {
    auto found = ctes_[level].find(name);
    if (found == ctes_[level].end()) continue;
    const CommonTable& cte = *found->second;
    auto before = [&](const CommonTable* c) {
      return c->pos.line < cte.pos.line || (c->pos.line == cte.pos.line && c->pos.column < cte.pos.column);
    };
    std::vector<std::map<std::string, const CommonTable*>> saved = ctes_;
    ctes_.resize(level + 1);
    std::map<std::string, const CommonTable*> visible;
    for (const auto& [n, c] : ctes_[level]) {
      if (before(c)) visible[n] = c;
    }
    ctes_[level] = std::move(visible);
    Planned p = query(*cte.query);
    ctes_ = std::move(saved);
    if (!cte.columns.empty()) {
      if (cte.columns.size() != p.scope.columns.size()) {
        plan_fail(cte.pos, fmt::format("WITH '{}' names {} columns but its query has {}", cte.name, cte.columns.size(),
                                       p.scope.columns.size()));
      }
      for (size_t i = 0; i < cte.columns.size(); ++i) p.scope.columns[i].name = cte.columns[i];
    }
    return rename(std::move(p));
  }
  if (const ViewDef* view = catalog_.view(name)) {
    if (++view_depth_ > 32) plan_fail(ref.pos, fmt::format("view '{}' refers to itself", name));
    std::vector<std::map<std::string, const CommonTable*>> saved = std::move(ctes_);
    ctes_.clear();
    Planned p = query(*view->query);
    ctes_ = std::move(saved);
    --view_depth_;
    for (size_t i = 0; i < view->columns.size() && i < p.scope.columns.size(); ++i) p.scope.columns[i].name = view->columns[i];
    return rename(std::move(p));
  }
  const TableDef* def = catalog_.table(name);
  if (!def) plan_fail(ref.pos, catalog_.not_found(name).message());
  if (options_.is_lookup_table && options_.is_lookup_table(*def)) {
    plan_fail(ref.pos, fmt::format("table '{}' is read by lookups only ('connector' = '{}'): join it FOR SYSTEM_TIME "
                                   "AS OF a PROCTIME() column of another table (scanning it is not supported yet)",
                                   name, def->option("connector") ? *def->option("connector") : ""));
  }
  auto table_def = std::make_shared<const TableDef>(*def);
  // Bind computed columns over the table's other columns.
  Scope scope;
  for (const TableColumn& c : def->columns) {
    ScopeColumn col{qualifier, c.name, c.type};
    col.system = c.system;
    scope.columns.push_back(std::move(col));
  }
  std::vector<BoundExprPtr> computed(def->columns.size());
  for (size_t i = 0; i < def->columns.size(); ++i) {
    const TableColumn& c = def->columns[i];
    if (!c.computed) continue;
    computed[i] = bind(*c.computed, scope);
    std::vector<int> refs;
    collect_input_refs(*computed[i], &refs);
    for (int r : refs) {
      if (def->columns[static_cast<size_t>(r)].computed) {
        plan_fail(c.computed->pos, fmt::format("computed column '{}' refers to computed column '{}'", c.name,
                                               def->columns[static_cast<size_t>(r)].name));
      }
    }
    scope.columns[i].type = computed[i]->type;
  }
  if (def->watermark_column) {
    int w = def->column_index(*def->watermark_column);
    // A watermark on a system column that a later ALTER TABLE took away with the connector.
    if (w < 0) plan_fail(ref.pos, fmt::format("watermark column '{}' is not a column of '{}'", *def->watermark_column, name));
    DataType& t = scope.columns[static_cast<size_t>(w)].type;
    if (t.id != TypeId::kTimestamp && t.id != TypeId::kTimestampLtz) {
      plan_fail({1, 1}, fmt::format("watermark column '{}' of '{}' must be TIMESTAMP(3) or TIMESTAMP_LTZ(3), not {}",
                                    *def->watermark_column, name, type_name(t)));
    }
    t.time_attribute = TimeAttribute::kRowtime;
  }
  std::vector<PlanField> schema;
  for (const ScopeColumn& c : scope.columns) schema.push_back({c.name, c.type});
  PlanPtr source = make_node(PlanKind::kSource, {}, schema);
  source->table = table_def;
  source->computed = std::move(computed);
  infer_changelog(*source);
  PlanPtr node = source;
  if (def->watermark_column) {
    PlanPtr assigner = make_node(PlanKind::kWatermarkAssigner, {source}, schema);
    assigner->rowtime_index = def->column_index(*def->watermark_column);
    assigner->watermark = bind(*def->watermark, scope);
    const TypeId wt = assigner->watermark->type.id;
    if (wt != TypeId::kTimestamp && wt != TypeId::kTimestampLtz) {
      plan_fail(def->watermark->pos, fmt::format("the watermark expression of '{}' must give a TIMESTAMP or "
                                                 "TIMESTAMP_LTZ, not {}", name, type_name(assigner->watermark->type)));
    }
    assigner->idle_timeout_ms = idle_timeout(*def, name);
    infer_changelog(*assigner);
    node = assigner;
  }
  if (def->changelog_mode() == ChangelogMode::kUpsert) {
    if (def->primary_key.empty()) plan_fail(ref.pos, fmt::format("upsert table '{}' needs a PRIMARY KEY", name));
    source->normalize_upserts = true;
    PlanPtr normalize = make_node(PlanKind::kChangelogNormalize, {node}, schema);
    normalize->partition_keys = def->primary_key_indexes();
    infer_changelog(*normalize);
    node = normalize;
  }
  return rename({node, scope});
}

QueryPlanner::Planned QueryPlanner::from(const TableRef& ref) {
  switch (ref.kind) {
    case TableRef::Kind::kTable: return table(ref);
    case TableRef::Kind::kSubquery: {
      Planned p = query(*ref.subquery);
      for (ScopeColumn& c : p.scope.columns) c.qualifier = ref.alias;
      if (!ref.column_aliases.empty()) {
        if (ref.column_aliases.size() != p.scope.columns.size()) {
          plan_fail(ref.pos, fmt::format("subquery has {} columns but {} aliases are given", p.scope.columns.size(),
                                         ref.column_aliases.size()));
        }
        for (size_t i = 0; i < ref.column_aliases.size(); ++i) p.scope.columns[i].name = ref.column_aliases[i];
      }
      return p;
    }
    case TableRef::Kind::kJoin: return join(ref);
    case TableRef::Kind::kUnnest: {
      // FROM UNNEST(ARRAY[...]) alone: over one empty row.
      PlanPtr one = make_node(PlanKind::kValues, {}, {});
      one->rows.emplace_back();
      infer_changelog(*one);
      return correlate({one, Scope{}}, ref, false, nullptr);
    }
    case TableRef::Kind::kLateralTable:
      plan_fail(ref.pos, "LATERAL TABLE(...) needs a user-defined table function; none are registered");
    case TableRef::Kind::kWindowTvf: return window_table_function(ref);
    case TableRef::Kind::kMatchRecognize: return match_recognize(ref);
  }
  plan_fail(ref.pos, "unsupported FROM item");
}

QueryPlanner::Planned QueryPlanner::correlate(Planned left, const TableRef& unnest, bool left_outer, const Expr* on) {
  if (unnest.kind != TableRef::Kind::kUnnest) {
    plan_fail(unnest.pos, "only UNNEST(...) can follow CROSS JOIN or LEFT JOIN ... ON TRUE as a correlated table");
  }
  if (unnest.unnest_args.size() != 1) plan_fail(unnest.pos, "UNNEST takes one array, map or multiset");
  if (on) {
    if (!(on->kind == ExprKind::kLiteral && on->literal.kind == Literal::Kind::kBoolean && on->literal.text == "TRUE")) {
      plan_fail(on->pos, "a join with UNNEST must be CROSS JOIN UNNEST(...) or LEFT JOIN UNNEST(...) ON TRUE");
    }
  }
  BoundExprPtr arg = bind(*unnest.unnest_args[0], left.scope);
  const DataType& t = arg->type;
  std::vector<PlanField> produced;
  if (t.id == TypeId::kArray || t.id == TypeId::kMultiset) {
    const DataType& element = t.children[0];
    if (element.id == TypeId::kRow) {
      for (size_t i = 0; i < element.children.size(); ++i) produced.push_back({element.field_names[i], element.children[i]});
    } else {
      produced.push_back({"EXPR$0", element});
    }
  } else if (t.id == TypeId::kMap) {
    produced.push_back({"KEY", t.children[0]});
    produced.push_back({"VALUE", t.children[1]});
  } else {
    plan_fail(unnest.unnest_args[0]->pos, fmt::format("UNNEST needs an ARRAY, MAP or MULTISET, got {}", type_name(t)));
  }
  if (unnest.with_ordinality) produced.push_back({"ORDINALITY", DataType::integer().with_nullable(false)});
  if (!unnest.column_aliases.empty()) {
    if (unnest.column_aliases.size() != produced.size()) {
      plan_fail(unnest.pos, fmt::format("UNNEST produces {} column{} but {} alias{} given", produced.size(),
                                        produced.size() == 1 ? "" : "s", unnest.column_aliases.size(),
                                        unnest.column_aliases.size() == 1 ? " is" : "es are"));
    }
    for (size_t i = 0; i < produced.size(); ++i) produced[i].name = unnest.column_aliases[i];
  }
  std::vector<PlanField> schema = left.node->schema;
  Scope scope = left.scope;
  for (PlanField f : produced) {
    if (left_outer) f.type.nullable = true;
    schema.push_back(f);
    scope.columns.push_back({unnest.alias, f.name, f.type});
  }
  PlanPtr n = make_node(PlanKind::kCorrelate, {left.node}, schema);
  n->unnest = arg;
  n->with_ordinality = unnest.with_ordinality;
  n->left_outer = left_outer;
  infer_changelog(*n);
  return {n, scope};
}

QueryPlanner::Planned QueryPlanner::join(const TableRef& ref) {
  Planned left = from(*ref.left);
  const TableRef& right_ref = *ref.right;
  if (right_ref.kind == TableRef::Kind::kUnnest || right_ref.kind == TableRef::Kind::kLateralTable) {
    if (ref.join_type == JoinType::kCross || ref.join_type == JoinType::kInner) {
      return correlate(std::move(left), right_ref, false, ref.on.get());
    }
    if (ref.join_type == JoinType::kLeft) return correlate(std::move(left), right_ref, true, ref.on.get());
    plan_fail(ref.pos, "only CROSS JOIN and LEFT JOIN are possible with UNNEST");
  }
  if (right_ref.kind == TableRef::Kind::kTable && right_ref.system_time) return temporal_join(std::move(left), ref);
  Planned right = from(right_ref);
  Scope scope = left.scope;
  for (const ScopeColumn& c : right.scope.columns) scope.columns.push_back(c);
  const int nl = static_cast<int>(left.scope.columns.size());
  const int nr = static_cast<int>(right.scope.columns.size());
  BoundExprPtr condition;
  if (ref.on) {
    condition = bind(*ref.on, scope);
    if (condition->type.id != TypeId::kBoolean) {
      plan_fail(ref.on->pos, fmt::format("join condition must be BOOLEAN, got {}", type_name(condition->type)));
    }
  } else if (!ref.using_columns.empty()) {
    std::vector<BoundExprPtr> parts;
    for (const std::string& c : ref.using_columns) {
      int li = -1, ri = -1;
      for (int i = 0; i < nl; ++i) if (scope.columns[static_cast<size_t>(i)].name == c) li = i;
      for (int i = 0; i < nr; ++i) if (scope.columns[static_cast<size_t>(nl + i)].name == c) ri = nl + i;
      if (li < 0 || ri < 0) plan_fail(ref.pos, fmt::format("USING column '{}' is not in both tables", c));
      scope.columns[static_cast<size_t>(ri)].using_duplicate = true;
      auto eq = std::make_shared<BoundExpr>();
      eq->kind = BoundKind::kCompare;
      eq->op = "=";
      DataType common;
      if (!find_common_type(scope.columns[static_cast<size_t>(li)].type, scope.columns[static_cast<size_t>(ri)].type, &common)) {
        plan_fail(ref.pos, fmt::format("USING column '{}' has incompatible types", c));
      }
      eq->type = DataType::boolean();
      eq->args = {bound_cast_if_needed(bound_input_ref(li, scope.columns[static_cast<size_t>(li)].type), common),
                  bound_cast_if_needed(bound_input_ref(ri, scope.columns[static_cast<size_t>(ri)].type), common)};
      parts.push_back(eq);
    }
    condition = and_all(parts);
  }
  // Equi keys: conjuncts `left column = right column`; the rest stays a residual condition.
  std::vector<int> left_keys, right_keys;
  std::vector<BoundExprPtr> residual;
  if (condition) {
    std::vector<BoundExprPtr> parts;
    split_bound_and(condition, &parts);
    if (std::optional<IntervalJoinSplit> split = extract_interval_bounds(parts, scope, nl, ref.pos)) {
      return interval_join(std::move(left), std::move(right), ref.join_type, *split, ref.pos);
    }
    split_join_condition(condition, nl, &left_keys, &right_keys, &residual);
  }
  if (has_window_bounds(*left.node, left_keys) && has_window_bounds(*right.node, right_keys)) {
    if (std::optional<Planned> joined = window_join(left, right, ref, scope, left_keys, right_keys, residual)) {
      return std::move(*joined);
    }
  }
  std::vector<PlanField> schema;
  for (int i = 0; i < nl + nr; ++i) {
    PlanField f{scope.columns[static_cast<size_t>(i)].name, scope.columns[static_cast<size_t>(i)].type.without_time_attribute()};
    bool from_left = i < nl;
    if ((ref.join_type == JoinType::kLeft && !from_left) || (ref.join_type == JoinType::kRight && from_left) ||
        ref.join_type == JoinType::kFull) {
      f.type.nullable = true;
    }
    scope.columns[static_cast<size_t>(i)].type = f.type;
    schema.push_back(f);
  }
  PlanPtr n = make_node(PlanKind::kJoin, {left.node, right.node}, schema);
  n->join_type = ref.join_type == JoinType::kCross ? JoinType::kInner : ref.join_type;
  n->left_keys = left_keys;
  n->right_keys = right_keys;
  n->condition = and_all(residual);
  infer_changelog(*n);
  return {n, scope};
}

QueryPlanner::Planned QueryPlanner::semi_join(Planned in, const Expr& predicate, bool anti) {
  const int nl = static_cast<int>(in.scope.columns.size());
  if (predicate.kind == ExprKind::kInSubquery) {
    Planned sub = query(*predicate.subquery);
    if (sub.scope.columns.size() != 1) {
      plan_fail(predicate.pos, fmt::format("the subquery of IN must return one column, it returns {}", sub.scope.columns.size()));
    }
    BoundExprPtr needle = bind(*predicate.args[0], in.scope);
    DataType common;
    if (!find_common_type(needle->type, sub.scope.columns[0].type, &common)) {
      plan_fail(predicate.pos, fmt::format("IN compares {} with a subquery of {}", type_name(needle->type),
                                           type_name(sub.scope.columns[0].type)));
    }
    // Left side: the input plus the needle (when it is not a plain column), cast to the common type.
    PlanPtr left = in.node;
    int left_key = -1;
    BoundExprPtr cast_needle = bound_cast_if_needed(needle, common);
    if (cast_needle->kind == BoundKind::kInputRef) {
      left_key = cast_needle->index;
    } else {
      std::vector<BoundExprPtr> proj;
      std::vector<std::string> names;
      for (int i = 0; i < nl; ++i) {
        proj.push_back(bound_input_ref(i, in.node->schema[static_cast<size_t>(i)].type));
        names.push_back(in.node->schema[static_cast<size_t>(i)].name);
      }
      proj.push_back(cast_needle);
      names.push_back("$needle");
      left = calc(left, proj, nullptr, names);
      left_key = nl;
    }
    PlanPtr right = sub.node;
    if (!sub.node->schema[0].type.same_logical_type(common)) {
      right = calc(right, {bound_cast_if_needed(bound_input_ref(0, sub.node->schema[0].type), common)}, nullptr,
                   {sub.node->schema[0].name});
    }
    PlanPtr n = make_node(PlanKind::kSemiJoin, {left, right}, left->schema);
    n->anti = anti;
    if (anti) {
      // NOT IN is null-aware: a NULL on either side means "maybe equal", which excludes the row.
      auto eq = std::make_shared<BoundExpr>();
      eq->kind = BoundKind::kCompare;
      eq->op = "=";
      eq->type = DataType::boolean();
      eq->args = {bound_input_ref(left_key, common), bound_input_ref(static_cast<int>(left->schema.size()), common)};
      auto not_false = std::make_shared<BoundExpr>();
      not_false->kind = BoundKind::kIsTrue;
      not_false->op = "FALSE";
      not_false->negated = true;
      not_false->type = DataType::boolean().with_nullable(false);
      not_false->args = {eq};
      n->condition = not_false;
    } else {
      n->left_keys = {left_key};
      n->right_keys = {0};
    }
    infer_changelog(*n);
    if (left != in.node) {
      // Drop the needle column again.
      std::vector<BoundExprPtr> proj;
      std::vector<std::string> names;
      for (int i = 0; i < nl; ++i) {
        proj.push_back(bound_input_ref(i, in.node->schema[static_cast<size_t>(i)].type));
        names.push_back(in.node->schema[static_cast<size_t>(i)].name);
      }
      return {calc(n, proj, nullptr, names), in.scope};
    }
    return {n, in.scope};
  }
  return exists_join(std::move(in), *predicate.subquery, predicate.pos, anti);
}

// EXISTS (SELECT ... FROM x WHERE <conditions, possibly on outer columns>)
QueryPlanner::Planned QueryPlanner::exists_join(Planned in, const Query& sub, SourcePos pos, bool anti) {
  const int nl = static_cast<int>(in.scope.columns.size());
  if (sub.kind != Query::Kind::kSelect || !sub.select.from || !sub.select.group_by.empty() || sub.select.having ||
      !sub.with.empty()) {
    plan_fail(pos, "EXISTS is supported over SELECT ... FROM ... [WHERE ...] without GROUP BY");
  }
  Planned right = from(*sub.select.from);
  Scope combined = in.scope;
  for (const ScopeColumn& c : right.scope.columns) combined.columns.push_back(c);
  std::vector<BoundExprPtr> right_only, join_parts;
  if (sub.select.where) {
    std::vector<const Expr*> conjuncts;
    split_and(*sub.select.where, &conjuncts);
    for (const Expr* c : conjuncts) {
      BoundExprPtr b = bind(*c, combined);
      if (references_only(*b, nl, nl + static_cast<int>(right.scope.columns.size()))) {
        std::vector<int> mapping(combined.columns.size(), 0);
        for (size_t i = 0; i < right.scope.columns.size(); ++i) mapping[static_cast<size_t>(nl) + i] = static_cast<int>(i);
        right_only.push_back(remap_inputs(b, mapping));
      } else {
        join_parts.push_back(b);
      }
    }
  }
  PlanPtr right_node = right.node;
  if (!right_only.empty()) right_node = pass_through(right_node, and_all(right_only));
  PlanPtr n = make_node(PlanKind::kSemiJoin, {in.node, right_node}, in.node->schema);
  n->anti = anti;
  std::vector<BoundExprPtr> residual;
  for (const BoundExprPtr& p : join_parts) {
    if (p->kind == BoundKind::kCompare && p->op == "=" && p->args[0]->kind == BoundKind::kInputRef &&
        p->args[1]->kind == BoundKind::kInputRef) {
      int a = p->args[0]->index, b = p->args[1]->index;
      if (a < nl && b >= nl) { n->left_keys.push_back(a); n->right_keys.push_back(b - nl); continue; }
      if (b < nl && a >= nl) { n->left_keys.push_back(b); n->right_keys.push_back(a - nl); continue; }
    }
    residual.push_back(p);
  }
  n->condition = and_all(residual);
  // Flink makes EXISTS on both inputs' window_start and window_end a SEMI / ANTI WindowJoin,
  // which emits when the window ends: a regular semi join here would emit a different changelog.
  if (has_window_bounds(*in.node, n->left_keys) && has_window_bounds(*right_node, n->right_keys)) {
    plan_fail(pos, "SEMI / ANTI window joins (EXISTS on both inputs' window_start and window_end) are not "
                             "supported yet");
  }
  infer_changelog(*n);
  return {n, in.scope};
}

QueryPlanner::Planned QueryPlanner::where(Planned in, const Expr& condition) {
  std::vector<const Expr*> conjuncts;
  split_and(condition, &conjuncts);
  std::vector<BoundExprPtr> filters;
  std::vector<const Expr*> filter_exprs;
  std::vector<const Expr*> subqueries;
  std::vector<const Query*> count_star_exists_queries;
  std::vector<const Expr*> with_scalar_subquery;
  auto bind_condition = [&](const Expr& c) {
    BoundExprPtr b = bind(c, in.scope);
    if (b->type.id != TypeId::kBoolean && b->type.id != TypeId::kNull) {
      plan_fail(c.pos, fmt::format("WHERE condition must be BOOLEAN, got {}", type_name(b->type)));
    }
    return b;
  };
  for (const Expr* c : conjuncts) {
    bool negated_subquery = c->kind == ExprKind::kUnary && c->name == "NOT" &&
                            (c->args[0]->kind == ExprKind::kExists || c->args[0]->kind == ExprKind::kInSubquery);
    if (c->kind == ExprKind::kExists || c->kind == ExprKind::kInSubquery || negated_subquery) {
      subqueries.push_back(c);
      continue;
    }
    if (const Query* exists = count_star_exists(*c)) {
      count_star_exists_queries.push_back(exists);
      continue;
    }
    if (contains_scalar_subquery(*c)) {
      with_scalar_subquery.push_back(c);
      continue;
    }
    filters.push_back(bind_condition(*c));
    filter_exprs.push_back(c);
  }
  // FROM a, b WHERE a.ts BETWEEN b.ts - ...: Flink pushes the WHERE into the join below, which
  // makes it an interval join (an outer one becomes inner: a comparison is never TRUE on NULLs).
  if (in.node->kind == PlanKind::kJoin) {
    if (std::optional<Planned> joined = interval_join_from_where(in, filters, filter_exprs)) {
      in = std::move(*joined);
      filters.clear();
    }
  }
  if (in.node->kind == PlanKind::kJoin && !filters.empty()) {
    std::vector<BoundExprPtr> bound_conjuncts;
    for (const BoundExprPtr& f : filters) split_bound_and(f, &bound_conjuncts);
    in.node = push_into_inner_joins(in.node, &bound_conjuncts);
    filters = std::move(bound_conjuncts);
  }
  for (const Expr* c : subqueries) {
    bool negate = c->kind == ExprKind::kUnary;
    const Expr& inner = negate ? *c->args[0] : *c;
    in = semi_join(std::move(in), inner, inner.negated != negate);
  }
  for (const Query* q : count_star_exists_queries) in = exists_join(std::move(in), *q, q->pos, false);
  if (with_scalar_subquery.empty()) {
    if (!filters.empty()) in.node = pass_through(in.node, and_all(filters));
    return in;
  }
  // Scalar subqueries: joined on the right of the input, filtered, and their columns dropped.
  const size_t width = in.node->schema.size();
  const std::vector<PlanPtr> joins = join_scalar_subqueries(in, with_scalar_subquery);
  for (const Expr* c : with_scalar_subquery) {
    filters.push_back(bind_condition(*c));
  }
  inner_join_under_filter(joins, and_all(filters));
  std::vector<BoundExprPtr> proj;
  std::vector<std::string> names;
  for (size_t i = 0; i < width; ++i) {
    proj.push_back(bound_input_ref(static_cast<int>(i), in.node->schema[i].type));
    names.push_back(in.node->schema[i].name);
  }
  in.node = calc(in.node, std::move(proj), and_all(filters), std::move(names));
  in.scope.columns.resize(width);
  return in;
}

std::optional<QueryPlanner::Planned> QueryPlanner::interval_join_from_where(const Planned& join,
                                                                          const std::vector<BoundExprPtr>& filters,
                                                                          const std::vector<const Expr*>& exprs) {
  const PlanNode& j = *join.node;
  const int nl = static_cast<int>(j.inputs[0]->schema.size());
  // The join's own columns have lost their time attributes; its inputs' still have them.
  Planned left{j.inputs[0], {}}, right{j.inputs[1], {}};
  Scope inputs;
  for (size_t i = 0; i < join.scope.columns.size(); ++i) {
    ScopeColumn c = join.scope.columns[i];
    const int side = static_cast<int>(i) < nl ? 0 : 1;
    c.type = j.inputs[static_cast<size_t>(side)]->schema[i - (side ? static_cast<size_t>(nl) : 0)].type;
    (side ? right : left).scope.columns.push_back(c);
    inputs.columns.push_back(c);
  }
  std::optional<SourcePos> pos;
  for (size_t i = 0; i < filters.size() && !pos; ++i) {
    if (is_interval_join_bound(*filters[i], inputs, nl)) pos = exprs[i]->pos;
  }
  if (!pos) return std::nullopt;
  std::vector<BoundExprPtr> parts;
  for (size_t k = 0; k < j.left_keys.size(); ++k) {
    auto eq = std::make_shared<BoundExpr>();
    eq->kind = BoundKind::kCompare;
    eq->op = "=";
    eq->type = DataType::boolean();
    eq->args = {bound_input_ref(j.left_keys[k], inputs.columns[static_cast<size_t>(j.left_keys[k])].type),
                bound_input_ref(nl + j.right_keys[k], inputs.columns[static_cast<size_t>(nl + j.right_keys[k])].type)};
    parts.push_back(eq);
  }
  if (j.condition) split_bound_and(j.condition, &parts);
  for (const BoundExprPtr& f : filters) split_bound_and(f, &parts);
  std::optional<IntervalJoinSplit> split = extract_interval_bounds(parts, inputs, nl, *pos);
  if (!split) return std::nullopt;
  return interval_join(std::move(left), std::move(right), JoinType::kInner, *split, *pos);
}

QueryPlanner::Planned QueryPlanner::order_limit(Planned in, const Query& q) {
  if (q.order_by.empty() && !q.limit && !q.offset) return in;
  auto constant_int = [&](const ExprPtr& e, std::string_view what) -> int64_t {
    BoundExprPtr b = bind(*e, Scope{});
    if (b->kind != BoundKind::kLiteral || !b->type.is_integer() || b->value.as_int() < 0) {
      plan_fail(e->pos, fmt::format("{} must be a non-negative integer literal", what));
    }
    return b->value.as_int();
  };
  std::vector<SortKey> order;
  for (const OrderItem& o : q.order_by) {
    int index = -1;
    if (o.expr->kind == ExprKind::kLiteral && o.expr->literal.kind == Literal::Kind::kInteger) {
      index = std::atoi(o.expr->literal.text.c_str()) - 1;
      if (index < 0 || index >= static_cast<int>(in.scope.columns.size())) {
        plan_fail(o.expr->pos, fmt::format("ORDER BY position {} is out of range", o.expr->literal.text));
      }
    } else {
      BoundExprPtr b = bind(*o.expr, in.scope);
      if (b->kind != BoundKind::kInputRef) {
        plan_fail(o.expr->pos, "ORDER BY expressions must be output columns of the query; select the expression and "
                               "order by its alias");
      }
      index = b->index;
    }
    order.push_back({index, o.ascending, o.nulls_first.value_or(o.ascending)});
  }
  if (!q.limit) {
    const DataType& first = in.node->schema[static_cast<size_t>(order[0].index)].type;
    if (first.time_attribute == TimeAttribute::kNone || !order[0].ascending) {
      plan_fail(q.order_by[0].expr->pos, "Sort on a non-time-attribute field is not supported: a streaming ORDER BY "
                                         "needs a LIMIT (Top-N), or an ascending time attribute first");
    }
    plan_fail(q.order_by[0].expr->pos, "ORDER BY on a time attribute arrives with event time; add a LIMIT for Top-N");
  }
  int64_t limit = constant_int(q.limit, "LIMIT");
  int64_t offset = q.offset ? constant_int(q.offset, "OFFSET") : 0;
  if (limit == 0) plan_fail(q.limit->pos, "LIMIT 0 returns nothing; remove the query or raise the limit");
  PlanPtr rank = make_node(PlanKind::kRank, {in.node}, in.node->schema);
  rank->order = order;
  rank->rank_start = offset + 1;
  rank->rank_end = offset + limit;
  rank->output_rank_number = false;
  for (PlanField& f : rank->schema) f.type = f.type.without_time_attribute();
  infer_changelog(*rank);
  return {rank, in.scope};
}

int64_t QueryPlanner::idle_timeout(const TableDef& def, const std::string& table) const {
  const std::string* option = def.option("scan.watermark.idle-timeout");
  const std::string& text = option ? *option : options_.source_idle_timeout;
  std::optional<int64_t> ms = parse_duration_ms(text);
  if (!ms) {
    plan_fail({1, 1}, option ? fmt::format("'scan.watermark.idle-timeout' = '{}' of '{}' is not a duration (such as "
                                           "'30 s' or '1 min')",
                                           text, table)
                             : fmt::format("'table.exec.source.idle-timeout' = '{}' is not a duration (such as '30 s' "
                                           "or '1 min')",
                                           text));
  }
  return *ms;
}

}  // namespace careflow::sql
